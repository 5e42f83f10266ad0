package io.github.kimisdk.errors;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.Optional;

/**
 * A budget of the client (kimi-sdk-budget's {@code io.github.kimisdk.budget.Budget}, installed as
 * an interceptor) refused the call before it was sent: what was spent in the budget's period, plus
 * what calls in flight hold, plus this call's worst case would pass its limit. The message and the
 * accessors say which budget (and which tenant or tag), what was spent, the limit, this call's
 * worst case, and when the budget resets. Never retried; a budget that falls back moves the call to
 * the client's next fallback target first.
 *
 * <pre>{@code
 * try {
 *   kimi.chat(request);
 * } catch (BudgetExceededException e) {
 *   log.info(e.budget() + " spent " + e.spent() + " of " + e.limit() + ", resets " + e.resetsAt());
 * }
 * }</pre>
 */
public final class BudgetExceededException extends KimiException {

  private static final long serialVersionUID = 1L;

  private final String budget;
  private final String scope;
  private final Currency currency;
  private final BigDecimal limit;
  private final BigDecimal spent;
  private final BigDecimal held;
  private final BigDecimal needed;
  private final Instant resetsAt;
  private final transient boolean movesOn;

  BudgetExceededException(
      String message,
      String budget,
      String scope,
      Currency currency,
      BigDecimal limit,
      BigDecimal spent,
      BigDecimal held,
      BigDecimal needed,
      Instant resetsAt,
      boolean movesOn) {
    super(message, null, null);
    this.budget = budget;
    this.scope = scope;
    this.currency = currency;
    this.limit = limit;
    this.spent = spent;
    this.held = held;
    this.needed = needed;
    this.resetsAt = resetsAt;
    this.movesOn = movesOn;
  }

  /** {@return the name of the budget that refused the call} */
  public String budget() {
    return budget;
  }

  /**
   * Returns the budget's counter that refused the call: {@code tenant:NAME} or {@code tag:NAME} for
   * a budget per (or for one) tenant or tag, {@code tenant:NAME tag:NAME} for one scoped by both.
   *
   * @return the counter, or empty for a budget of every call
   */
  public Optional<String> scope() {
    return scope.isEmpty() ? Optional.empty() : Optional.of(scope);
  }

  /** {@return the budget's currency; empty for a budget in tokens} */
  public Optional<Currency> currency() {
    return Optional.ofNullable(currency);
  }

  /** {@return the budget's limit per period: an amount of its currency, or tokens} */
  public BigDecimal limit() {
    return limit;
  }

  /** {@return what calls settled in the budget's period so far, as the budget counted it} */
  public BigDecimal spent() {
    return spent;
  }

  /** {@return what calls in flight held against the budget when it refused this one} */
  public BigDecimal held() {
    return held;
  }

  /** {@return this call's worst case, which did not fit} */
  public BigDecimal needed() {
    return needed;
  }

  /**
   * Returns when the budget resets: the end of its calendar period, or, for a rolling window, the
   * earliest time enough of what was spent leaves it for this call to fit (if nothing more is
   * spent, and the calls in flight settle at no more than they hold).
   *
   * @return the time
   */
  public Instant resetsAt() {
    return resetsAt;
  }

  boolean movesOn() {
    return movesOn;
  }
}
