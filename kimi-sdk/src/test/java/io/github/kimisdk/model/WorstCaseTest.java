package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one worst-case rule ({@link Price#worstCase}): the prompt at the cache-miss price or, where
 * higher, all of it written at the request's time to live, plus the output cap at the output price.
 * Every expected amount is computed by hand, {@code tokens * price / 1,000,000}.
 */
class WorstCaseTest {

  @ParameterizedTest(name = "{0} {1}: {2} prompt, {3} output")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # model        | ttl          | prompt  | output  | miss     | write    | output cost | total
          # kimi-k3: a miss 3.00, writes 3.00 (5 min) or 6.00 (1 h), output 15.00; equal: the miss
          kimi-k3        | FIVE_MINUTES | 10000   | 1000    | 0.03     | 0        | 0.015       | 0.045
          # an hour's write costs more than a miss: the prompt counts as written
          kimi-k3        | ONE_HOUR     | 10000   | 1000    | 0        | 0.06     | 0.015       | 0.075
          # kimi-k3.1-pro: miss 2.00, writes 2.00 / 4.00, output 10.00
          kimi-k3.1-pro  | ONE_HOUR     | 25      | 200     | 0        | 0.0001   | 0.002       | 0.0021
          kimi-k3.1-pro  | FIVE_MINUTES | 25      | 200     | 0.00005  | 0        | 0.002       | 0.00205
          # kimi-k2.6 has no write price: a write bills as a miss, 0.95; output 4.00
          kimi-k2.6      | ONE_HOUR     | 1000000 | 131072  | 0.95     | 0        | 0.524288    | 1.474288
          # no output: the prompt alone (an agent's first look at what is left for output)
          kimi-k3        | ONE_HOUR     | 4000    | 0       | 0        | 0.024    | 0           | 0.024
          # nothing at all costs nothing
          kimi-k3        | FIVE_MINUTES | 0       | 0       | 0        | 0        | 0           | 0
          """)
  void theWorstCaseIsTheDearerOfAMissAndAWrite(
      String model,
      CacheTtl ttl,
      long prompt,
      long output,
      String miss,
      String write,
      String outputCost,
      String total) {
    Price p = PriceTable.defaults().find(model).orElseThrow();
    Cost c = p.worstCase(prompt, output, ttl);
    assertThat(c.uncachedInput()).isEqualByComparingTo(miss);
    assertThat(c.cacheWrite()).isEqualByComparingTo(write);
    assertThat(c.cachedInput()).isEqualByComparingTo("0");
    assertThat(c.output()).isEqualByComparingTo(outputCost);
    assertThat(c.total()).isEqualByComparingTo(total);
    assertThat(c.currency()).isEqualTo(p.currency());
  }

  @Test
  void theWorstCaseIsNeverBelowWhatAnyReplyOfThoseTokensCosts() {
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    for (CacheTtl ttl : CacheTtl.values()) {
      BigDecimal worst = k3.worstCase(10_000, 500, ttl).total();
      for (long cached = 0; cached <= 10_000; cached += 2_500) {
        for (long written = 0; written <= 10_000 - cached; written += 2_500) {
          assertThat(k3.cost(10_000, cached, written, 500, ttl).total())
              .as("%s cached, %s written, %s", cached, written, ttl)
              .isLessThanOrEqualTo(worst);
        }
      }
    }
  }

  @Test
  void aNegativeCountIsRefused() {
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    assertThatThrownBy(() -> k3.worstCase(-1, 10, CacheTtl.FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> k3.worstCase(1, 10, null)).isInstanceOf(NullPointerException.class);
  }
}
