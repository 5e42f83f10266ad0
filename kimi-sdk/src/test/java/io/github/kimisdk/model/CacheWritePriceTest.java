package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cache writes as Kimi bills them (kimi-api.md, "Changes of 2026-11-25"): a part of the prompt
 * tokens, billed at the write price of the request's time to live instead of the cache-miss price.
 * Every expected amount is computed by hand, {@code tokens * price / 1,000,000}.
 */
class CacheWritePriceTest {

  /** 10,000 prompt tokens: 2,000 cache hits, 6,000 written, 2,000 misses; 500 output. */
  static final Usage WRITES = new Usage(10_000, 500, 10_500, 2_000, 100, null, 6_000);

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # model                  | ttl          | miss    | hit     | write  | output | total
          # kimi-k3: 2,000 * 3.00, 2,000 * 0.30, 6,000 * 3.00 (5 min) or 6.00 (1 h), 500 * 15.00
          kimi-k3                  | FIVE_MINUTES | 0.006   | 0.0006  | 0.018  | 0.0075 | 0.0321
          kimi-k3                  | ONE_HOUR     | 0.006   | 0.0006  | 0.036  | 0.0075 | 0.0501
          # kimi-k3.1-pro: 2.00 / 0.20 / 10.00, writes 2.00 / 4.00
          kimi-k3.1-pro            | FIVE_MINUTES | 0.004   | 0.0004  | 0.012  | 0.005  | 0.0214
          kimi-k3.1-pro            | ONE_HOUR     | 0.004   | 0.0004  | 0.024  | 0.005  | 0.0334
          # kimi-k3.1-pro-highspeed: 4.00 / 0.20 / 20.00, writes 4.00 / 8.00
          kimi-k3.1-pro-highspeed  | FIVE_MINUTES | 0.008   | 0.0004  | 0.024  | 0.01   | 0.0424
          kimi-k3.1-pro-highspeed  | ONE_HOUR     | 0.008   | 0.0004  | 0.048  | 0.01   | 0.0664
          # kimi-k2.6 has no write price: written tokens bill as misses, 0.95
          kimi-k2.6                | FIVE_MINUTES | 0.0019  | 0.00032 | 0.0057 | 0.002  | 0.00992
          kimi-k2.6                | ONE_HOUR     | 0.0019  | 0.00032 | 0.0057 | 0.002  | 0.00992
          """)
  void aCallThatWritesTheCacheCostsWhatKimiBills(
      String model,
      CacheTtl ttl,
      String miss,
      String hit,
      String write,
      String output,
      String total) {
    Cost c = PriceTable.defaults().cost(model, WRITES, ttl).orElseThrow();
    assertThat(c.uncachedInput()).isEqualByComparingTo(miss);
    assertThat(c.cachedInput()).isEqualByComparingTo(hit);
    assertThat(c.cacheWrite()).isEqualByComparingTo(write);
    assertThat(c.output()).isEqualByComparingTo(output);
    assertThat(c.total()).isEqualTo(new BigDecimal(total));
    Spend s = PriceTable.defaults().spend(model, WRITES, ttl);
    assertThat(s.cost()).contains(c);
    assertThat(s.cacheWriteTokens()).isEqualTo(6_000);
  }

  @Test
  void withoutATimeToLiveWritesBillAtKimisDefaultFiveMinutes() {
    PriceTable t = PriceTable.defaults();
    assertThat(t.cost("kimi-k3", WRITES))
        .isEqualTo(t.cost("kimi-k3", WRITES, CacheTtl.FIVE_MINUTES));
    assertThat(t.spend("kimi-k3", WRITES))
        .isEqualTo(t.spend("kimi-k3", WRITES, CacheTtl.FIVE_MINUTES));
    Price k3 = t.find("kimi-k3").orElseThrow();
    assertThat(k3.cost(WRITES)).isEqualTo(k3.cost(WRITES, CacheTtl.FIVE_MINUTES));
  }

  @Test
  void theDefaultsHoldK31AndTheCacheWritePrices() {
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    assertThat(k3.cacheWrite(CacheTtl.FIVE_MINUTES)).isEqualByComparingTo("3.00");
    assertThat(k3.cacheWrite(CacheTtl.ONE_HOUR)).isEqualByComparingTo("6.00");
    assertThat(k3.source()).contains("genai-prices#467", "Context caching upgrade");
    Price pro = PriceTable.defaults().find("kimi-k3.1-pro").orElseThrow();
    assertThat(new BigDecimal[] {pro.inputCacheMiss(), pro.inputCacheHit(), pro.output()})
        .containsExactly(new BigDecimal("2.00"), new BigDecimal("0.20"), new BigDecimal("10.00"));
    assertThat(pro.cacheWriteFiveMinutes()).isEqualByComparingTo("2.00");
    assertThat(pro.cacheWriteOneHour()).isEqualByComparingTo("4.00");
    assertThat(pro.asOf()).isEqualTo(LocalDate.of(2026, 11, 25));
    Price fast = PriceTable.defaults().find("kimi-k3.1-pro-highspeed").orElseThrow();
    assertThat(new BigDecimal[] {fast.inputCacheMiss(), fast.inputCacheHit(), fast.output()})
        .containsExactly(new BigDecimal("4.00"), new BigDecimal("0.20"), new BigDecimal("20.00"));
    assertThat(fast.cacheWrite(CacheTtl.FIVE_MINUTES)).isEqualByComparingTo("4.00");
    assertThat(fast.cacheWrite(CacheTtl.ONE_HOUR)).isEqualByComparingTo("8.00");
    // a price without write prices bills writes as misses
    Price k26 = PriceTable.defaults().find("kimi-k2.6").orElseThrow();
    assertThat(k26.cacheWriteOneHour()).isNull();
    assertThat(k26.cacheWrite(CacheTtl.ONE_HOUR)).isEqualTo(k26.inputCacheMiss());
  }

  @Test
  void yourOwnPricesTakeCacheWritesToo() {
    // the China platform's K3 in CNY: 20 / 2 / 100, writes 20 (5 min) and 40 (1 h)
    Price cny =
        Price.perMillionTokens("CNY", "20.00", "2.00", "100.00").withCacheWrites("20.00", "40.00");
    // 2,000 * 20 + 2,000 * 2 + 6,000 * 40 + 500 * 100 = 40,000 + 4,000 + 240,000 + 50,000
    Cost c = cny.cost(WRITES, CacheTtl.ONE_HOUR);
    assertThat(c.currency()).isEqualTo(Currency.getInstance("CNY"));
    assertThat(c.total()).isEqualTo(new BigDecimal("0.334"));
    assertThat(c.toString())
        .isEqualTo(
            "CNY 0.334 (uncached input 0.04, cached input 0.004, cache writes 0.24, output 0.05)");
    // the older constructors and dating keep the write prices as they are
    assertThat(cny.dated(LocalDate.of(2026, 11, 1), "contract").cacheWriteOneHour())
        .isEqualByComparingTo("40.00");
    assertThat(cny.asRetired().cacheWriteFiveMinutes()).isEqualByComparingTo("20.00");
    assertThat(
            new Price(
                    cny.currency(),
                    cny.inputCacheMiss(),
                    cny.inputCacheHit(),
                    cny.output(),
                    null,
                    null,
                    false)
                .cacheWriteOneHour())
        .isNull();
    assertThatThrownBy(() -> cny.withCacheWrites("20.00", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cacheWriteOneHour must not be negative: -1");
  }

  @Test
  void serverNonsenseNeverThrowsAndNeverBillsATokenTwice() {
    Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();
    // more written than the uncached rest: the rest is written, nothing is a miss
    Usage over = new Usage(1_000, 0, 1_000, 600, null, null, 900);
    Cost c = k3.cost(over, CacheTtl.ONE_HOUR);
    assertThat(c.uncachedInput()).isEqualByComparingTo("0");
    assertThat(c.cachedInput()).isEqualByComparingTo("0.00018"); // 600 * 0.30
    assertThat(c.cacheWrite()).isEqualByComparingTo("0.0024"); // 400 * 6.00
    assertThat(k3.cost(new Usage(100, 0, 100, null, null, null, -5)).cacheWrite())
        .isEqualByComparingTo("0");
    assertThatThrownBy(() -> k3.cost(1_000, 600, 500, 0, CacheTtl.FIVE_MINUTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cached (600) and written (500) tokens cannot exceed prompt tokens (1000):"
                + " prompt_tokens includes both");
  }

  @Test
  void aSpendSumsTheWrittenTokensAndSaysSo() {
    Spend one = PriceTable.defaults().spend("kimi-k3", WRITES, CacheTtl.ONE_HOUR);
    Spend two = one.plus(one);
    assertThat(two.cacheWriteTokens()).isEqualTo(12_000);
    assertThat(two.cost().orElseThrow().cacheWrite()).isEqualByComparingTo("0.072");
    assertThat(two.toString())
        .isEqualTo(
            "21000 tokens (prompt 20000, 4000 cached, 12000 written; completion 1000); USD 0.1002");
    assertThat(Spend.of("x", Usage.of(1, 1, 2), null).toString()).doesNotContain("written");
  }

  @Test
  void aConversationIsPricedAtItsOwnTimeToLive() {
    Conversation chat = Conversation.create().addUsage("kimi-k3", WRITES);
    assertThat(PriceTable.defaults().spend(chat).cost().orElseThrow().total())
        .isEqualTo(new BigDecimal("0.0321"));
    chat.promptCacheTtl(CacheTtl.ONE_HOUR);
    assertThat(PriceTable.defaults().spend(chat).cost().orElseThrow().total())
        .isEqualTo(new BigDecimal("0.0501"));
  }
}
