package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageTest {

  @ParameterizedTest(name = "prompt {0}, cached {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "1000, 920, 80, 0.92",
        "1000, null, 1000, 0.0",
        "1000, 0, 1000, 0.0",
        "0, null, 0, 0.0",
        "0, 5, 0, 0.0",
        "100, 150, 0, 1.0",
        "100, -3, 100, 0.0"
      })
  void thePromptIncludesTheCachedTokens(int prompt, Integer cached, int uncached, double ratio) {
    Usage u = new Usage(prompt, 10, prompt + 10, cached, null);
    assertThat(u.uncachedPromptTokens()).isEqualTo(uncached);
    assertThat(u.cacheHitRatio()).isEqualTo(ratio);
  }

  @Test
  void aSumStopsAtTheLargestIntInsteadOfWrappingAround() {
    Usage big = new Usage(Integer.MAX_VALUE - 1, 5, Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1);
    Usage sum = big.plus(new Usage(10, 5, 15, 10, 2));
    assertThat(sum.promptTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThat(sum.cachedTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThat(sum.totalTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThat(sum.completionTokens()).isEqualTo(10);
    assertThat(sum.reasoningTokens()).isEqualTo(3);
  }
}
