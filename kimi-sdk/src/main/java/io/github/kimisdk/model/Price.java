package io.github.kimisdk.model;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one model costs per million tokens: prompt tokens that miss Kimi's prefix cache, prompt
 * tokens served from it, prompt tokens written to it (per {@link CacheTtl time to live}), and
 * output tokens (reasoning bills as output), in one currency, with the date and source of the
 * figures. {@link PriceTable} holds one per model.
 *
 * <pre>{@code
 * Price k3 = PriceTable.defaults().find("kimi-k3").orElseThrow();   // USD 3.00 / 0.30 / 15.00
 * k3.cacheWrite(CacheTtl.ONE_HOUR);                                  // 6.00
 * Price contract = Price.perMillionTokens("CNY", "20.00", "2.00", "100.00")
 *     .withCacheWrites("20.00", "40.00")
 *     .dated(LocalDate.of(2026, 11, 1), "our contract with Moonshot, appendix B");
 * }</pre>
 *
 * <p><b>Cache writes.</b> Kimi bills the prompt tokens a request writes to its prefix cache at a
 * price of their own, by the time to live the request asked for (kimi-k3: 3.00 for five minutes,
 * 6.00 for an hour, against 3.00 for a miss). They are a part of the prompt tokens, as the cached
 * ones are, and billed at the write price <em>instead of</em> the cache-miss price: the reading of
 * the gateways that report them ({@code prompt_tokens_details.cache_write_tokens}, {@code
 * cache_creation_input_tokens}), not confirmed by Moonshot (kimi-api.md, "Changes of 2026-11-25").
 * A price without write prices (a null component) bills written tokens as cache misses.
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
 * @param cacheWriteFiveMinutes the price of one million prompt tokens written to the prefix cache
 *     for five minutes; null when the model has no such price (they bill as cache misses)
 * @param cacheWriteOneHour the price of one million prompt tokens written to the prefix cache for
 *     an hour; null when the model has no such price (they bill as cache misses)
 */
public record Price(
    Currency currency,
    BigDecimal inputCacheMiss,
    BigDecimal inputCacheHit,
    BigDecimal output,
    LocalDate asOf,
    String source,
    boolean retired,
    BigDecimal cacheWriteFiveMinutes,
    BigDecimal cacheWriteOneHour) {

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
   * @param cacheWriteFiveMinutes the price of one million tokens written for five minutes, not
   *     negative; null for none
   * @param cacheWriteOneHour the price of one million tokens written for an hour, not negative;
   *     null for none
   * @throws NullPointerException if the currency or a miss, hit or output amount is null
   * @throws IllegalArgumentException if an amount is negative
   */
  public Price {
    Objects.requireNonNull(currency, "currency must not be null");
    check(inputCacheMiss, "inputCacheMiss");
    check(inputCacheHit, "inputCacheHit");
    check(output, "output");
    if (cacheWriteFiveMinutes != null) {
      check(cacheWriteFiveMinutes, "cacheWriteFiveMinutes");
    }
    if (cacheWriteOneHour != null) {
      check(cacheWriteOneHour, "cacheWriteOneHour");
    }
  }

  /**
   * Creates a price without cache-write prices (written tokens bill as cache misses).
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
  public Price(
      Currency currency,
      BigDecimal inputCacheMiss,
      BigDecimal inputCacheHit,
      BigDecimal output,
      LocalDate asOf,
      String source,
      boolean retired) {
    this(currency, inputCacheMiss, inputCacheHit, output, asOf, source, retired, null, null);
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
    return with(
        p -> {
          p.asOf = asOf;
          p.source = source;
        });
  }

  /**
   * Returns this price with the prices of cache writes, per million written tokens.
   *
   * @param fiveMinutes the price of tokens written for five minutes, such as {@code "3.00"}
   * @param oneHour the price of tokens written for an hour, such as {@code "6.00"}
   * @return the price with cache-write prices
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an amount is not a decimal number or is negative
   */
  public Price withCacheWrites(String fiveMinutes, String oneHour) {
    BigDecimal five = decimal(fiveMinutes, "cacheWriteFiveMinutes");
    BigDecimal hour = decimal(oneHour, "cacheWriteOneHour");
    return with(
        p -> {
          p.cacheWriteFiveMinutes = five;
          p.cacheWriteOneHour = hour;
        });
  }

  /**
   * Returns the price of one million prompt tokens written to the prefix cache for {@code ttl}: its
   * cache-write price, or the cache-miss price when the model has none.
   *
   * @param ttl the time to live the request asked for
   * @return the price per million written tokens
   * @throws NullPointerException if {@code ttl} is null
   */
  public BigDecimal cacheWrite(CacheTtl ttl) {
    BigDecimal p =
        switch (Objects.requireNonNull(ttl, "ttl must not be null")) {
          case FIVE_MINUTES -> cacheWriteFiveMinutes;
          case ONE_HOUR -> cacheWriteOneHour;
        };
    return p != null ? p : inputCacheMiss;
  }

  /**
   * Returns this price marked as that of a retired model (or one in its sunset period), kept for
   * the accounting of past calls.
   *
   * @return the marked price
   */
  public Price asRetired() {
    return with(p -> p.retired = true);
  }

  /**
   * Returns what a call with this usage costs, its cache writes (if any) billed at the five-minute
   * price, Kimi's default time to live: {@link #cost(Usage, CacheTtl)}.
   *
   * @param usage the usage of the call (or a sum over calls)
   * @return the cost
   * @throws NullPointerException if {@code usage} is null
   */
  public Cost cost(Usage usage) {
    return cost(usage, CacheTtl.FIVE_MINUTES);
  }

  /**
   * Returns what a call with this usage costs when it asked for {@code ttl}. The prompt tokens Kimi
   * reports include the cached ones and the ones written to the cache, so the cache misses are
   * {@code promptTokens - cachedTokens - cacheWriteTokens}; a usage that does not say how many were
   * cached or written counts none (Kimi leaves the counts out when there were none). Written tokens
   * bill at {@link #cacheWrite(CacheTtl)}, completion tokens, reasoning included, at the output
   * price. The result is exact: {@code tokens * price / 1,000,000} with no rounding.
   *
   * <p>The usage cannot tell which time to live a write was billed at: it is the one the request
   * asked for, which a client knows ({@code KimiClient.spend()} prices each call with its own).
   *
   * <p>The counts come from the server, so nonsense never throws here: a negative count counts as
   * 0, a cached count above the prompt count as the whole prompt cached, and a written count above
   * what is left of the prompt as the rest of it written.
   *
   * @param usage the usage of the call (or a sum over calls)
   * @param ttl the time to live the call asked for; {@link CacheTtl#FIVE_MINUTES} when it asked for
   *     none
   * @return the cost
   * @throws NullPointerException if an argument is null
   */
  public Cost cost(Usage usage, CacheTtl ttl) {
    Objects.requireNonNull(usage, "usage must not be null");
    Objects.requireNonNull(ttl, "ttl must not be null");
    long prompt = Math.max(0, usage.promptTokens());
    long cached =
        Math.min(prompt, usage.cachedTokens() == null ? 0 : Math.max(0, usage.cachedTokens()));
    long written =
        Math.min(
            prompt - cached,
            usage.cacheWriteTokens() == null ? 0 : Math.max(0, usage.cacheWriteTokens()));
    return cost(prompt, cached, written, Math.max(0, usage.completionTokens()), ttl);
  }

  /**
   * Returns what the given token counts cost, none written to the cache.
   *
   * @param promptTokens the prompt tokens, cached ones included
   * @param cachedTokens the prompt tokens served from the prefix cache
   * @param completionTokens the completion tokens, reasoning included
   * @return the cost
   * @throws IllegalArgumentException if a count is negative, or more tokens are cached than were in
   *     the prompt
   */
  public Cost cost(long promptTokens, long cachedTokens, long completionTokens) {
    return cost(promptTokens, cachedTokens, 0, completionTokens, CacheTtl.FIVE_MINUTES);
  }

  /**
   * Returns what the given token counts cost, as {@link #cost(Usage, CacheTtl)} does.
   *
   * @param promptTokens the prompt tokens, cached and written ones included
   * @param cachedTokens the prompt tokens served from the prefix cache
   * @param cacheWriteTokens the prompt tokens written to the prefix cache
   * @param completionTokens the completion tokens, reasoning included
   * @param ttl the time to live the writes were asked for
   * @return the cost
   * @throws IllegalArgumentException if a count is negative, or more tokens are cached and written
   *     than were in the prompt
   * @throws NullPointerException if {@code ttl} is null
   */
  public Cost cost(
      long promptTokens,
      long cachedTokens,
      long cacheWriteTokens,
      long completionTokens,
      CacheTtl ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (promptTokens < 0 || cachedTokens < 0 || cacheWriteTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: prompt "
              + promptTokens
              + ", cached "
              + cachedTokens
              + ", written "
              + cacheWriteTokens
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
    if (cachedTokens + cacheWriteTokens > promptTokens) {
      throw new IllegalArgumentException(
          "cached ("
              + cachedTokens
              + ") and written ("
              + cacheWriteTokens
              + ") tokens cannot exceed prompt tokens ("
              + promptTokens
              + "): prompt_tokens includes both");
    }
    return new Cost(
        currency,
        per(promptTokens - cachedTokens - cacheWriteTokens, inputCacheMiss),
        per(cachedTokens, inputCacheHit),
        per(completionTokens, output),
        per(cacheWriteTokens, cacheWrite(ttl)));
  }

  /**
   * Returns the most a call of {@code promptTokens} prompt tokens and at most {@code outputTokens}
   * output tokens can cost: every prompt token at the cache-miss price or, where that costs more,
   * every prompt token written to the prefix cache at the write price of {@code ttl} (none read
   * from it), and every output token at the output price. The one worst-case rule of the SDK: what
   * a budget reserves before an attempt is sent (kimi-sdk-budget) and what an agent run holds
   * before a model call (kimi-sdk-agents).
   *
   * @param promptTokens the prompt tokens, as estimated before the call
   * @param outputTokens the most output tokens the call may bring (its output cap)
   * @param ttl the time to live the call asks its cache writes for
   * @return the higher of the two costs: the cache-miss one, or the cache-write one
   * @throws IllegalArgumentException if a count is negative
   * @throws NullPointerException if {@code ttl} is null
   */
  public Cost worstCase(long promptTokens, long outputTokens, CacheTtl ttl) {
    Cost missed = cost(promptTokens, 0, 0, outputTokens, CacheTtl.FIVE_MINUTES);
    Cost written = cost(promptTokens, 0, promptTokens, outputTokens, ttl);
    return written.total().compareTo(missed.total()) > 0 ? written : missed;
  }

  /** A price's parts by name, copied from one: each {@code with} method changes some. */
  private static final class Parts {
    LocalDate asOf;
    String source;
    boolean retired;
    BigDecimal cacheWriteFiveMinutes;
    BigDecimal cacheWriteOneHour;

    Parts(Price from) {
      asOf = from.asOf;
      source = from.source;
      retired = from.retired;
      cacheWriteFiveMinutes = from.cacheWriteFiveMinutes;
      cacheWriteOneHour = from.cacheWriteOneHour;
    }
  }

  /** Returns this price with the parts {@code change} sets, checked as a new one is. */
  private Price with(Consumer<Parts> change) {
    Parts p = new Parts(this);
    change.accept(p);
    return new Price(
        currency,
        inputCacheMiss,
        inputCacheHit,
        output,
        p.asOf,
        p.source,
        p.retired,
        p.cacheWriteFiveMinutes,
        p.cacheWriteOneHour);
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

  /** Returns the members that are set, {@code retired} only when it is. */
  @Override
  public String toString() {
    return RecordText.of("Price")
        .add("currency", currency)
        .add("inputCacheMiss", inputCacheMiss)
        .add("inputCacheHit", inputCacheHit)
        .add("output", output)
        .add("cacheWriteFiveMinutes", cacheWriteFiveMinutes)
        .add("cacheWriteOneHour", cacheWriteOneHour)
        .add("asOf", asOf)
        .add("source", source)
        .flag("retired", retired)
        .toString();
  }
}
