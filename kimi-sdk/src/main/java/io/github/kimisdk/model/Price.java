package io.github.kimisdk.model;

import io.github.kimisdk.chat.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Objects;

/**
 * What one model costs per million tokens: prompt tokens that miss Kimi's prefix cache, prompt
 * tokens served from it, and output tokens (reasoning bills as output), in one currency, with the
 * date and source of the figures. {@link PriceTable} holds one per model.
 *
 * <pre>{@code
 * Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();   // USD 3.00 / 0.30 / 15.00
 * Price contract = Price.perMillionTokens("CNY", "4.00", "1.00", "21.00")
 *     .dated(LocalDate.of(2026, 11, 1), "our contract with Moonshot, appendix B");
 * }</pre>
 *
 * <p>Amounts are exact decimals; build them from strings ({@code new BigDecimal("0.30")}), never
 * from a {@code double}, whose binary value is not the price.
 *
 * @param currency the currency of the amounts
 * @param inputCacheMiss the price of one million prompt tokens not served from the prefix cache
 * @param inputCacheHit the price of one million prompt tokens served from the prefix cache
 * @param output the price of one million completion tokens, reasoning included
 *     <p>A price of a model Moonshot no longer sells (or sells only to existing users while it is
 *     sunset) is kept for the accounting of past calls and marked {@link #retired()}.
 * @param asOf the day the figures were read; null when not stated
 * @param source where the figures come from; null when not stated
 * @param retired whether the model is retired or in its sunset period: the price is kept for past
 *     calls
 */
public record Price(
    Currency currency,
    BigDecimal inputCacheMiss,
    BigDecimal inputCacheHit,
    BigDecimal output,
    LocalDate asOf,
    String source,
    boolean retired) {

  /**
   * Validates the amounts.
   *
   * @param currency the currency of the amounts
   * @param inputCacheMiss the price of one million uncached prompt tokens, not negative
   * @param inputCacheHit the price of one million cached prompt tokens, not negative
   * @param output the price of one million completion tokens, not negative
   * @param asOf the day the figures were read; may be null
   * @param source where the figures come from; may be null
   * @param retired whether the model is retired or in its sunset period
   * @throws NullPointerException if the currency or an amount is null
   * @throws IllegalArgumentException if an amount is negative
   */
  public Price {
    Objects.requireNonNull(currency, "currency must not be null");
    check(inputCacheMiss, "inputCacheMiss");
    check(inputCacheHit, "inputCacheHit");
    check(output, "output");
  }

  /**
   * Creates the price of a model on sale.
   *
   * @param currency the currency of the amounts
   * @param inputCacheMiss the price of one million uncached prompt tokens, not negative
   * @param inputCacheHit the price of one million cached prompt tokens, not negative
   * @param output the price of one million completion tokens, not negative
   * @param asOf the day the figures were read; may be null
   * @param source where the figures come from; may be null
   * @throws NullPointerException if the currency or an amount is null
   * @throws IllegalArgumentException if an amount is negative
   */
  public Price(
      Currency currency,
      BigDecimal inputCacheMiss,
      BigDecimal inputCacheHit,
      BigDecimal output,
      LocalDate asOf,
      String source) {
    this(currency, inputCacheMiss, inputCacheHit, output, asOf, source, false);
  }

  /**
   * Creates a price from decimal strings, without a date or source.
   *
   * @param currency the ISO 4217 code, such as {@code "USD"} or {@code "CNY"}
   * @param inputCacheMiss the price of one million uncached prompt tokens, such as {@code "3.00"}
   * @param inputCacheHit the price of one million cached prompt tokens
   * @param output the price of one million completion tokens
   * @return the price
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the currency code is unknown, or an amount is not a decimal
   *     number or is negative
   */
  public static Price perMillionTokens(
      String currency, String inputCacheMiss, String inputCacheHit, String output) {
    Objects.requireNonNull(currency, "currency must not be null");
    Currency c;
    try {
      c = Currency.getInstance(currency);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "currency must be an ISO 4217 code such as USD or CNY: " + currency, e);
    }
    return new Price(
        c,
        decimal(inputCacheMiss, "inputCacheMiss"),
        decimal(inputCacheHit, "inputCacheHit"),
        decimal(output, "output"),
        null,
        null);
  }

  /**
   * Returns this price with the day its figures were read and where they come from.
   *
   * @param asOf the day; may be null
   * @param source the source; may be null
   * @return the dated price
   */
  public Price dated(LocalDate asOf, String source) {
    return new Price(currency, inputCacheMiss, inputCacheHit, output, asOf, source, retired);
  }

  /**
   * Returns this price marked as that of a retired model (or one in its sunset period), kept for
   * the accounting of past calls.
   *
   * @return the marked price
   */
  public Price asRetired() {
    return new Price(currency, inputCacheMiss, inputCacheHit, output, asOf, source, true);
  }

  /**
   * Returns what a call with this usage costs. The prompt tokens Kimi reports include the cached
   * ones, so the uncached part is {@code promptTokens - cachedTokens}; a usage that does not say
   * how many were cached counts every prompt token as uncached (Kimi leaves the count out when
   * nothing was cached). Completion tokens, reasoning included, bill at the output price. The
   * result is exact: {@code tokens * price / 1,000,000} with no rounding.
   *
   * <p>The counts come from the server, so nonsense never throws here: a negative count counts as
   * 0, and a cached count above the prompt count as the whole prompt cached.
   *
   * @param usage the usage of the call (or a sum over calls)
   * @return the cost
   * @throws NullPointerException if {@code usage} is null
   */
  public Cost cost(Usage usage) {
    Objects.requireNonNull(usage, "usage must not be null");
    long prompt = Math.max(0, usage.promptTokens());
    long cached = usage.cachedTokens() == null ? 0 : Math.max(0, usage.cachedTokens());
    return cost(prompt, Math.min(cached, prompt), Math.max(0, usage.completionTokens()));
  }

  /**
   * Returns what the given token counts cost, as {@link #cost(Usage)} does.
   *
   * @param promptTokens the prompt tokens, cached ones included
   * @param cachedTokens the prompt tokens served from the prefix cache
   * @param completionTokens the completion tokens, reasoning included
   * @return the cost
   * @throws IllegalArgumentException if a count is negative, or more tokens are cached than were in
   *     the prompt
   */
  public Cost cost(long promptTokens, long cachedTokens, long completionTokens) {
    if (promptTokens < 0 || cachedTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: prompt "
              + promptTokens
              + ", cached "
              + cachedTokens
              + ", completion "
              + completionTokens);
    }
    if (cachedTokens > promptTokens) {
      throw new IllegalArgumentException(
          "cached tokens ("
              + cachedTokens
              + ") cannot exceed prompt tokens ("
              + promptTokens
              + "): prompt_tokens includes the cached ones");
    }
    return new Cost(
        currency,
        per(promptTokens - cachedTokens, inputCacheMiss),
        per(cachedTokens, inputCacheHit),
        per(completionTokens, output));
  }

  private static BigDecimal per(long tokens, BigDecimal pricePerMillion) {
    return pricePerMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
  }

  private static void check(BigDecimal amount, String name) {
    Objects.requireNonNull(amount, name + " must not be null");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + amount.toPlainString());
    }
  }

  private static BigDecimal decimal(String amount, String name) {
    Objects.requireNonNull(amount, name + " must not be null");
    try {
      return new BigDecimal(amount.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a decimal number such as \"0.30\": \"" + amount + "\"", e);
    }
  }
}
