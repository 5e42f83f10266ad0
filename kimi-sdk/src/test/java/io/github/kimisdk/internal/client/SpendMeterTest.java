package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.Usage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpendMeterTest {

  /** earlier (prompt, cached, completion) then later: what the later one adds, or nothing. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "the same again            | 100, 90, 20 | 100, 90, 20  | null",
        "more completion tokens    | 100, 90, 20 | 100, 90, 25  | 0, 0, 5",
        "more prompt, some cached  | 100, 0, 20  | 150, 40, 20  | 50, 40, 0",
        "fewer tokens              | 100, 90, 20 | 100, 90, 10  | null",
        "cached moved from uncached| 100, 0, 20  | 100, 90, 20  | null",
        "a cached count lost       | 100, 90, 20 | 100, null, 20| null"
      })
  void aRepeatedUsageCountsOnlyWhatItAdds(
      String name, String earlier, String later, String expected) {
    Usage added = SpendMeter.added(usage(earlier), usage(later));
    if (expected == null) {
      assertThat(added).isNull();
    } else {
      Usage e = usage(expected);
      assertThat(added.promptTokens()).isEqualTo(e.promptTokens());
      assertThat(added.cachedTokens()).isEqualTo(e.cachedTokens());
      assertThat(added.completionTokens()).isEqualTo(e.completionTokens());
      assertThat(added.totalTokens()).isEqualTo(e.promptTokens() + e.completionTokens());
    }
  }

  private static Usage usage(String csv) {
    String[] p = csv.split(",");
    int prompt = Integer.parseInt(p[0].strip());
    Integer cached = p[1].strip().equals("null") ? null : Integer.parseInt(p[1].strip());
    int completion = Integer.parseInt(p[2].strip());
    return new Usage(prompt, completion, prompt + completion, cached, null);
  }
}
