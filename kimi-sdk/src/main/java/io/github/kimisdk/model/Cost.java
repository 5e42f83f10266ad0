package io.github.kimisdk.model;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * What one or more calls cost, split as Kimi bills it: prompt tokens that missed the prefix cache,
 * prompt tokens served from it, prompt tokens written to it, and output tokens (reasoning
 * included). The amounts are exact decimals in {@link #currency()}; nothing is rounded, so a cost
 * summed over many calls equals the cost of the summed tokens. Round only to show it, for example
 * {@code cost.total().setScale(2, RoundingMode.HALF_UP)}.
 *
 * <pre>{@code
 * // a recorded K3 reply: 90 prompt tokens, all cached, and 34 completion tokens
 * Cost c = PriceTable.defaults().cost("kimi-k3", reply.usage()).orElseThrow();
 * c.cachedInput();      // 0.000027: 90 * 0.30 / 1,000,000
 * c.output();           // 0.00051: 34 * 15.00 / 1,000,000
 * c.total();            // 0.000537 (USD)
 * }</pre>
 *
 * <p>Amounts are kept without trailing zeros, so two costs of the same value are {@code equals}.
 *
 * @param currency the currency of every amount
 * @param uncachedInput the prompt tokens billed at the cache-miss price
 * @param cachedInput the prompt tokens billed at the cache-hit price
 * @param output the completion tokens, reasoning included, billed at the output price
 * @param cacheWrite the prompt tokens written to the prefix cache, billed at the cache-write price
 *     of the time to live the call asked for ({@link Price#cacheWrite})
 */
public record Cost(
    Currency currency,
    BigDecimal uncachedInput,
    BigDecimal cachedInput,
    BigDecimal output,
    BigDecimal cacheWrite) {

  /**
   * Validates the amounts and drops their trailing zeros.
   *
   * @param currency the currency of every amount
   * @param uncachedInput the cost of the uncached prompt tokens, not negative
   * @param cachedInput the cost of the cached prompt tokens, not negative
   * @param output the cost of the completion tokens, not negative
   * @param cacheWrite the cost of the prompt tokens written to the cache, not negative
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an amount is negative
   */
  public Cost {
    Objects.requireNonNull(currency, "currency must not be null");
    uncachedInput = amount(uncachedInput, "uncachedInput");
    cachedInput = amount(cachedInput, "cachedInput");
    output = amount(output, "output");
    cacheWrite = amount(cacheWrite, "cacheWrite");
  }

  /**
   * Creates a cost without cache writes.
   *
   * @param currency the currency of every amount
   * @param uncachedInput the cost of the uncached prompt tokens, not negative
   * @param cachedInput the cost of the cached prompt tokens, not negative
   * @param output the cost of the completion tokens, not negative
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an amount is negative
   */
  public Cost(
      Currency currency, BigDecimal uncachedInput, BigDecimal cachedInput, BigDecimal output) {
    this(currency, uncachedInput, cachedInput, output, BigDecimal.ZERO);
  }

  /**
   * Returns a cost of nothing.
   *
   * @param currency the currency
   * @return the zero cost
   * @throws NullPointerException if {@code currency} is null
   */
  public static Cost zero(Currency currency) {
    return new Cost(currency, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
  }

  /**
   * Returns the sum of the parts.
   *
   * @return the total, exact
   */
  public BigDecimal total() {
    return normal(uncachedInput.add(cachedInput).add(cacheWrite).add(output));
  }

  /**
   * Returns the sum of this cost and another in the same currency.
   *
   * @param other the cost to add
   * @return the sum
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if {@code other} is in another currency
   */
  public Cost plus(Cost other) {
    Objects.requireNonNull(other, "other must not be null");
    if (!other.currency.equals(currency)) {
      throw new IllegalArgumentException(
          "cannot add a cost in "
              + other.currency
              + " to one in "
              + currency
              + "; keep one sum per currency (see Spend)");
    }
    return new Cost(
        currency,
        uncachedInput.add(other.uncachedInput),
        cachedInput.add(other.cachedInput),
        output.add(other.output),
        cacheWrite.add(other.cacheWrite));
  }

  /**
   * Describes the cost with plain decimals, such as {@code USD 0.000537 (uncached input 0, cached
   * input 0.000027, output 0.00051)}; cache writes are named when there are any ({@code ..., cache
   * writes 0.006, output ...}).
   *
   * @return the description
   */
  @Override
  public String toString() {
    return currency.getCurrencyCode()
        + " "
        + total().toPlainString()
        + " (uncached input "
        + uncachedInput.toPlainString()
        + ", cached input "
        + cachedInput.toPlainString()
        + (cacheWrite.signum() == 0 ? "" : ", cache writes " + cacheWrite.toPlainString())
        + ", output "
        + output.toPlainString()
        + ")";
  }

  private static BigDecimal amount(BigDecimal value, String name) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.signum() < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value.toPlainString());
    }
    return normal(value);
  }

  /** Drops trailing zeros, keeping whole numbers at scale 0 rather than as {@code 1E+2}. */
  static BigDecimal normal(BigDecimal value) {
    BigDecimal v = value.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0) : v;
  }
}
