package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitTest {

  @ParameterizedTest(name = "tier {0}: {1} concurrent, {2} RPM, {3} TPM")
  @CsvSource({
    "0, 1, 3, 500000",
    "1, 50, 200, 2000000",
    "2, 100, 500, 3000000",
    "3, 200, 5000, 3000000",
    "4, 400, 5000, 4000000",
    "5, 1000, 10000, 5000000"
  })
  void tierPresetsMatchMoonshotsPublishedTable(int tier, int concurrency, int rpm, long tpm) {
    RateLimit r = RateLimit.tier(tier);
    assertThat(r.maxConcurrency()).isEqualTo(OptionalInt.of(concurrency));
    assertThat(r.requestsPerMinute()).isEqualTo(OptionalInt.of(rpm));
    assertThat(r.tokensPerMinute()).isEqualTo(OptionalLong.of(tpm));
  }

  @ParameterizedTest
  @CsvSource({"-1", "6", "100"})
  void unknownTierIsRefusedNamingTheRange(int tier) {
    assertThatThrownBy(() -> RateLimit.tier(tier))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tier must be 0 to 5")
        .hasMessageContaining("RateLimit.builder()");
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> RateLimit.builder().maxConcurrency(0))
        .hasMessage("maxConcurrency must be at least 1: 0");
    assertThatThrownBy(() -> RateLimit.builder().requestsPerMinute(-5))
        .hasMessage("requestsPerMinute must be at least 1: -5");
    assertThatThrownBy(() -> RateLimit.builder().tokensPerMinute(0))
        .hasMessage("tokensPerMinute must be at least 1: 0");
    assertThatThrownBy(() -> RateLimit.builder().tokenCounter(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aLimitWithNothingSetIsRefused() {
    assertThatThrownBy(() -> RateLimit.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one limit")
        .hasMessageContaining("RateLimit.tier(n)");
  }

  @Test
  void unsetLimitsAreEmptyAndPrintAsUnlimited() {
    RateLimit r = RateLimit.builder().requestsPerMinute(10).build();
    assertThat(r.maxConcurrency()).isEmpty();
    assertThat(r.tokensPerMinute()).isEmpty();
    assertThat(r)
        .hasToString(
            "RateLimit[maxConcurrency=unlimited, requestsPerMinute=10, tokensPerMinute=unlimited]");
  }

  @Test
  void toBuilderAdjustsAPreset() {
    RateLimit r = RateLimit.tier(1).toBuilder().requestsPerMinute(100).build();
    assertThat(r.requestsPerMinute()).hasValue(100);
    assertThat(r.maxConcurrency()).hasValue(50);
    assertThat(r.tokensPerMinute()).hasValue(2_000_000);
  }
}
