package io.github.kimisdk.budget;

import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.errors.Errors;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.List;

/**
 * The interceptor's view of one {@link Budget}: its arithmetic (amounts in whole units, its periods
 * and the counter a call counts against now), the scopes a call counts in (the budget's), its
 * counters ({@link Budget#counters()}, which keep its snapshots), and the words of its refusal.
 * Immutable; any thread.
 *
 * <p>Units: a budget in money counts units of 10<sup>-8</sup> of its currency, every amount rounded
 * up (a sum of costs rounded up is never below the sum of the costs); one in tokens counts tokens.
 * Every count stays below 2<sup>53</sup>, where a store's arithmetic in doubles (Redis's Lua) is
 * still exact. A calendar period runs from the start of its day (or of its month's first day) in
 * its zone to the start of the next; a rolling window is counted in sixtieths of it: an amount
 * settled at {@code t} is counted until the end of {@code t}'s sixtieth plus the window.
 */
final class BudgetTerms {

  /** The decimal places of a unit of money. */
  static final int SCALE = Budget.UNIT_SCALE;

  /** How many slices a rolling window is counted in. */
  static final int SLICES = 60;

  /** How long a calendar period's counter is kept after its end: for settlements still to come. */
  static final long KEPT_AFTER_MILLIS = Duration.ofDays(1).toMillis();

  private final Budget budget;
  private final String name;
  private final Currency currency; // null: tokens
  private final long limitUnits;
  private final boolean months;
  private final ZoneId zone; // null: rolling
  private final long window; // millis of a rolling window; 0 for a calendar period
  private final long slice;
  private final BudgetStore store;
  private final Clock clock;

  /**
   * Makes the engine's view of {@code budget}.
   *
   * @param budget the budget
   */
  BudgetTerms(Budget budget) {
    this.budget = budget;
    this.name = budget.name();
    this.currency = budget.currency().orElse(null);
    this.limitUnits = budget.limit().movePointRight(currency == null ? 0 : SCALE).longValueExact();
    Budget.Period p = budget.period();
    this.months = p.calendarUnit().map(u -> u == ChronoUnit.MONTHS).orElse(false);
    this.zone = p.zone().orElse(null);
    this.window = p.window().map(Duration::toMillis).orElse(0L);
    this.slice = Math.max(1, this.window / SLICES);
    this.store = budget.counters();
    this.clock = budget.clock();
  }

  /** {@return the budget's name} */
  String name() {
    return name;
  }

  /** {@return the budget's currency, or null for a budget in tokens} */
  Currency currency() {
    return currency;
  }

  /** {@return whether a call it refuses goes on to the next fallback target} */
  boolean fallsBack() {
    return budget.fallsBack();
  }

  /** {@return the limit in units} */
  long limitUnits() {
    return limitUnits;
  }

  /**
   * Returns the counters a call counts in ({@link Budget#scopes}).
   *
   * @param tenant the account of the call's tenant, or null for a client's own key
   * @param tags the call's tags
   * @return the scopes
   */
  List<String> scopes(String tenant, List<String> tags) {
    return budget.scopes(tenant, tags);
  }

  /**
   * Returns the counter of {@code scope} at the budget clock's present.
   *
   * @param scope the scope, as {@link #scopes} names it
   * @return the counter
   */
  Budget.Counter counter(String scope) {
    return counter(scope, clock.millis());
  }

  /** Returns the counter of {@code scope} at {@code now} (epoch milliseconds). */
  Budget.Counter counter(String scope, long now) {
    if (zone == null) {
      long release = (Math.floorDiv(now, slice) + 1) * slice + window;
      return new Budget.Counter(name, scope, "rolling", now, release, release);
    }
    LocalDate day = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
    LocalDate first = months ? day.withDayOfMonth(1) : day;
    ZonedDateTime end = (months ? first.plusMonths(1) : first.plusDays(1)).atStartOfDay(zone);
    long endMillis = end.toInstant().toEpochMilli();
    String period = months ? first.toString().substring(0, 7) : first.toString();
    return new Budget.Counter(name, scope, period, now, endMillis, endMillis + KEPT_AFTER_MILLIS);
  }

  /**
   * Returns the counter a reservation taken on {@code reserved} is settled on now: the same
   * calendar period (a call counts in the period it was reserved in), or for a rolling window the
   * slice of now.
   */
  Budget.Counter settling(Budget.Counter reserved) {
    long now = clock.millis();
    if (zone == null) {
      return counter(reserved.scope(), now);
    }
    return new Budget.Counter(
        name,
        reserved.scope(),
        reserved.period(),
        now,
        reserved.releaseAt(),
        Math.max(reserved.keepUntil(), now + slice));
  }

  /**
   * Returns {@code amount} in units, rounded up: of the currency, or tokens.
   *
   * @param amount an amount of the currency, or tokens
   * @return the units
   */
  long units(BigDecimal amount) {
    BigDecimal u = amount.movePointRight(currency == null ? 0 : SCALE);
    return u.setScale(0, RoundingMode.CEILING).longValue();
  }

  /** Returns {@code units} as an amount of the currency, or tokens. */
  BigDecimal amount(long units) {
    return BigDecimal.valueOf(units, currency == null ? 0 : SCALE).stripTrailingZeros();
  }

  /**
   * Takes a reservation of {@code amount} units named {@code id} on {@code c}, if it fits.
   *
   * @param c the counter
   * @param amount the units
   * @param id the reservation's name
   * @return the store's answer
   */
  Budget.Tally reserve(Budget.Counter c, long amount, String id) {
    return store.reserve(c, limitUnits, amount, id);
  }

  /**
   * Settles reservation {@code id}, taken on {@code reserved}, at {@code amount} units (0 releases
   * it), on the counter it settles on now ({@link #settling}).
   *
   * @param reserved the counter it was taken on
   * @param id the reservation's name
   * @param amount the units spent
   * @return the store's answer
   */
  Budget.Tally settle(Budget.Counter reserved, String id, long amount) {
    return store.settle(settling(reserved), id, amount);
  }

  /**
   * Returns the refusal of a call whose worst case, {@code needed} units, did not fit counter
   * {@code c}, as {@code t} says it stands.
   *
   * @param c the counter
   * @param t the store's answer
   * @param needed the call's worst case, in units
   * @param what the call, and how its worst case was made
   * @return the refusal
   */
  BudgetExceededException refused(Budget.Counter c, Budget.Tally t, long needed, String what) {
    Instant resets =
        Instant.ofEpochMilli(
            zone != null ? c.releaseAt() : t.fitsAt() > 0 ? t.fitsAt() : c.now() + window + slice);
    String in =
        zone == null
            ? "in the last " + Duration.ofMillis(window)
            : "this "
                + (months ? "month" : "day")
                + " ("
                + c.period()
                + ", "
                + Budget.zoneName(zone)
                + ")";
    String message =
        "Budget "
            + name
            + (c.scope().isEmpty() ? "" : " (" + c.scope().replace(':', ' ') + ")")
            + " refused the call before it was sent: "
            + shown(t.spent())
            + " spent and "
            + shown(t.held())
            + " held by calls in flight "
            + in
            + ", of its "
            + shown(limitUnits)
            + "; this call could "
            + (currency == null ? "use" : "cost")
            + " up to "
            + shown(needed)
            + " ("
            + what
            + ")"
            + (needed > limitUnits
                ? ", more than the whole budget: lower maxCompletionTokens or shorten the prompt"
                : "")
            + ". "
            + (zone != null ? "It resets at " : "Room for it returns at the earliest at ")
            + resets
            + ".";
    return Errors.exceptions()
        .budgetExceeded(
            message,
            name,
            c.scope(),
            currency,
            budget.limit(),
            amount(t.spent()),
            amount(t.held()),
            amount(needed),
            resets,
            budget.fallsBack());
  }

  /**
   * Returns {@code units} as the budget's amounts read: {@code USD 0.0213}, {@code 1200 tokens}.
   */
  String shown(long units) {
    return currency == null
        ? units + " tokens"
        : currency.getCurrencyCode() + " " + amount(units).toPlainString();
  }

  @Override
  public String toString() {
    return "BudgetTerms[" + name + "]";
  }
}
