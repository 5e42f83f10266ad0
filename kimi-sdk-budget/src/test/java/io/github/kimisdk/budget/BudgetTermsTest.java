package io.github.kimisdk.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.testing.FakeClock;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arithmetic of a budget, one row per rule, on virtual time: amounts in units, calendar days
 * and months in UTC and in a zone whose clocks change, rolling windows in sixtieths, the scopes a
 * call counts in, and, on an in-process store, reservations, settlements and when a refused amount
 * fits.
 */
class BudgetTermsTest {

  private static final Currency USD = Currency.getInstance("USD");

  /** A clock at {@code instant}, which the test moves forward. */
  private static FakeClock clockAt(String instant) {
    return new FakeClock(Instant.parse(instant));
  }

  /** Moves {@code clock} forward to {@code instant}. */
  private static void set(FakeClock clock, String instant) {
    clock.advance(Duration.between(clock.instant(), Instant.parse(instant)));
  }

  static final String ALL = "";
  static final String TENANT = "per tenant";

  /**
   * The interceptor's view of a budget built with these settings; {@code scope} as the budget's
   * {@code toString} names it: {@code ""}, {@code "per tenant"}, {@code "tenant acme"}, {@code "per
   * tag"}, {@code "tag b"}, or a tenant's and a tag's joined by {@code ", "}.
   */
  private static BudgetTerms terms(
      Currency currency,
      String limit,
      boolean months,
      ZoneId zone,
      Duration window,
      String scope,
      Clock clock) {
    Budget.Builder b =
        currency == null
            ? Budget.tokens("b", Long.parseLong(limit))
            : Budget.spend("b", currency.getCurrencyCode(), limit);
    b.period(
            zone == null
                ? Budget.Period.rolling(window)
                : months ? Budget.Period.month(zone) : Budget.Period.day(zone))
        .clock(clock);
    for (String part : scope.isEmpty() ? new String[0] : scope.split(", ")) {
      switch (part.split(" ")[0]) {
        case "per" -> {
          if (part.equals("per tenant")) {
            b.perTenant();
          } else {
            b.perTag();
          }
        }
        case "tenant" -> b.forTenant(part.substring(7));
        case "tag" -> b.forTag(part.substring(4));
        default -> throw new IllegalArgumentException(part);
      }
    }
    budget = b.build();
    assertThat(budget.toString()).contains(scope);
    return new BudgetTerms(budget);
  }

  /** The budget the last {@link #terms} built. */
  private static Budget budget;

  private static BudgetTerms daily(String limit, Clock clock) {
    return terms(USD, limit, false, ZoneOffset.UTC, null, ALL, clock);
  }

  /** An amount of money (or tokens) as units: rounded up, never down. */
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "USD, 0.05, 5000000",
    "USD, 0.000000001, 1",
    "USD, 0.000000011, 2",
    "USD, 0.0000003, 30",
    "USD, 3.00000000, 300000000",
    "TOKENS, 1200, 1200",
    "TOKENS, 1200.2, 1201"
  })
  void anAmountIsCountedInUnitsRoundedUp(String currency, String amount, long units) {
    Currency c = currency.equals("TOKENS") ? null : Currency.getInstance(currency);
    BudgetTerms b = terms(c, "1", false, ZoneOffset.UTC, null, ALL, Clock.systemUTC());
    assertThat(b.units(new BigDecimal(amount))).isEqualTo(units);
  }

  /** What a limit may be: above zero, at most 8 decimals of money, at most 2^52 units. */
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "USD, 0.05, ok",
    "USD, 45035996.27370496, ok",
    "USD, 45035996.27370497, refused",
    "USD, 0.000000001, refused",
    "USD, 0, refused",
    "USD, -1, refused",
    "TOKENS, 1, ok",
    "TOKENS, 4503599627370496, ok",
    "TOKENS, 4503599627370497, refused",
    "TOKENS, 0, refused"
  })
  void aLimitIsAboveZeroAndExactInUnitsBelowTwoToTheFiftyTwo(
      String currency, String limit, String outcome) {
    org.assertj.core.api.ThrowableAssert.ThrowingCallable build =
        () -> {
          if (currency.equals("TOKENS")) {
            new BudgetTerms(Budget.tokens("b", Long.parseLong(limit)).build());
          } else {
            new BudgetTerms(Budget.spend("b", currency, limit).build());
          }
        };
    if (outcome.equals("ok")) {
      org.assertj.core.api.Assertions.assertThatCode(build).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("budget b")
          .hasMessageContaining(limit);
    }
  }

  /**
   * The calendar period an instant falls in, its end (when spend settled in it leaves) and its
   * name, in UTC and in a zone: Berlin's day of the clock change in spring lasts 23 hours, in
   * autumn 25, and its month starts at midnight Berlin time.
   */
  @ParameterizedTest(name = "{0} {1} at {2}")
  @CsvSource({
    "day,   UTC,           2026-12-01T00:00:00Z,     2026-12-01, 2026-12-02T00:00:00Z",
    "day,   UTC,           2026-12-01T23:59:59.999Z, 2026-12-01, 2026-12-02T00:00:00Z",
    "day,   UTC,           2026-12-31T12:00:00Z,     2026-12-31, 2027-01-01T00:00:00Z",
    "day,   UTC,           2028-02-28T12:00:00Z,     2028-02-28, 2028-02-29T00:00:00Z",
    "day,   Europe/Berlin, 2026-12-01T22:59:59Z,     2026-12-01, 2026-12-01T23:00:00Z",
    "day,   Europe/Berlin, 2026-12-01T23:00:00Z,     2026-12-02, 2026-12-02T23:00:00Z",
    "day,   Europe/Berlin, 2026-03-29T12:00:00Z,     2026-03-29, 2026-03-29T22:00:00Z",
    "day,   Europe/Berlin, 2026-10-25T12:00:00Z,     2026-10-25, 2026-10-25T23:00:00Z",
    "day,   Asia/Shanghai, 2026-12-01T15:59:59Z,     2026-12-01, 2026-12-01T16:00:00Z",
    "month, UTC,           2026-12-01T00:00:00Z,     2026-12,    2027-01-01T00:00:00Z",
    "month, UTC,           2026-02-15T00:00:00Z,     2026-02,    2026-03-01T00:00:00Z",
    "month, UTC,           2028-02-29T23:59:59Z,     2028-02,    2028-03-01T00:00:00Z",
    "month, Europe/Berlin, 2026-11-30T23:30:00Z,     2026-12,    2026-12-31T23:00:00Z",
    "month, Europe/Berlin, 2026-03-01T12:00:00Z,     2026-03,    2026-03-31T22:00:00Z"
  })
  void aCalendarPeriodRunsFromItsStartInItsZoneToTheNextOnes(
      String unit, String zone, String at, String period, String end) {
    FakeClock clock = clockAt(at);
    BudgetTerms b = terms(USD, "1", unit.equals("month"), ZoneId.of(zone), null, ALL, clock);
    Budget.Counter c = b.counter("");
    assertThat(c.period()).isEqualTo(period);
    assertThat(Instant.ofEpochMilli(c.releaseAt())).isEqualTo(Instant.parse(end));
    assertThat(c.keepUntil()).isEqualTo(c.releaseAt() + Duration.ofDays(1).toMillis());
    assertThat(c.now()).isEqualTo(Instant.parse(at).toEpochMilli());
  }

  /**
   * A rolling window is counted in sixtieths: an amount settled at t leaves at the end of t's
   * sixtieth plus the window, so never sooner than one window after it was settled, and at most a
   * sixtieth later.
   */
  @ParameterizedTest(name = "{0} at +{1} ms -> leaves at +{2} ms")
  @CsvSource({
    "PT1H, 0,       3660000",
    "PT1H, 59999,   3660000",
    "PT1H, 60000,   3720000",
    "PT1M, 999,     61000",
    "PT1S, 5,       1016",
    "P1D,  1,       87840000"
  })
  void aRollingWindowsSpendLeavesAfterOneWindowAndAtMostASixtiethMore(
      String window, long at, long leaves) {
    FakeClock clock = clockAt("2026-12-01T00:00:00Z");
    long start = clock.millis();
    clock.advance(Duration.ofMillis(at));
    BudgetTerms b = terms(USD, "1", false, null, Duration.parse(window), ALL, clock);
    Budget.Counter c = b.counter("");
    assertThat(c.period()).isEqualTo("rolling");
    assertThat(c.releaseAt() - start).isEqualTo(leaves);
    long w = Duration.parse(window).toMillis();
    assertThat(c.releaseAt() - clock.millis()).isGreaterThanOrEqualTo(w);
    assertThat(c.releaseAt() - clock.millis()).isLessThanOrEqualTo(w + Math.max(1, w / 60));
  }

  /** Which counters a call counts in, by the budget's scope and the call's tenant and tags. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "every call, no tenant            | ''                     | null | a,b | ''",
        "every call, a tenant             | ''                     | acme | ''  | ''",
        "per tenant, the client's key     | per tenant             | null | a   | null",
        "per tenant, a tenant             | per tenant             | acme | a   | tenant:acme",
        "for acme, acme                   | tenant acme            | acme | ''  | tenant:acme",
        "for acme, another                | tenant acme            | zed  | ''  | null",
        "per tag, two tags                | per tag                | acme | a,b | tag:a,tag:b",
        "per tag, none                    | per tag                | acme | ''  | null",
        "for tag b, tags a and b          | tag b                  | null | a,b | tag:b",
        "for tag b, tag a                 | tag b                  | null | a   | null",
        "per tenant and tag, two tags     | per tenant, per tag    | acme | a,b | tenant:acme tag:a,tenant:acme tag:b",
        "per tenant and tag, no tenant    | per tenant, per tag    | null | a,b | null",
        "per tenant and tag, no tag       | per tenant, per tag    | acme | ''  | null",
        "per tenant, for tag b            | per tenant, tag b      | acme | a,b | tenant:acme tag:b",
        "per tenant, for tag b, no b      | per tenant, tag b      | acme | a   | null",
        "for acme, per tag                | tenant acme, per tag   | acme | a   | tenant:acme tag:a",
        "for acme, per tag, another       | tenant acme, per tag   | zed  | a   | null",
        "for acme and tag b, both         | tenant acme, tag b     | acme | b   | tenant:acme tag:b",
        "for acme and tag b, only acme    | tenant acme, tag b     | acme | a   | null"
      })
  void aCallCountsInTheCountersOfItsTenantAndTagsThatTheScopeHolds(
      String rule, String scope, String tenant, String tags, String expected) {
    BudgetTerms b = terms(USD, "1", false, ZoneOffset.UTC, null, scope, Clock.systemUTC());
    List<String> t = tags.isEmpty() ? List.of() : List.of(tags.split(","));
    List<String> want =
        expected == null
            ? List.of()
            : expected.isEmpty() ? List.of("") : List.of(expected.split(","));
    assertThat(b.scopes(tenant, t)).isEqualTo(want);
  }

  /**
   * Reservations against one counter on the in-process store: taken while spent, held and asked fit
   * the limit, refused otherwise, released at no cost, settled at the real amount, and a settlement
   * may differ from its reservation.
   */
  @Test
  void reservationsAreTakenWhileTheyFitAndSettleAtTheRealAmount() {
    FakeClock clock = clockAt("2026-12-01T10:00:00Z");
    BudgetTerms b = terms(USD, "0.05", false, ZoneOffset.UTC, null, ALL, clock);
    Budget.Counter c = b.counter("");
    long limit = b.limitUnits(); // 5,000,000

    assertThat(b.reserve(c, 3_000_000, "a")).isEqualTo(new Budget.Tally(true, 0, 3_000_000, 0));
    assertThat(b.reserve(c, 2_000_000, "b")).isEqualTo(new Budget.Tally(true, 0, 5_000_000, 0));
    assertThat(b.reserve(c, 1, "c").taken()).isFalse();
    // the same reservation asked again is kept, and counted once
    assertThat(b.reserve(c, 2_000_000, "b")).isEqualTo(new Budget.Tally(true, 0, 5_000_000, 0));

    assertThat(b.settle(c, "a", 1_000_000))
        .isEqualTo(new Budget.Tally(true, 1_000_000, 2_000_000, 0));
    assertThat(b.settle(c, "b", 0)).isEqualTo(new Budget.Tally(true, 1_000_000, 0, 0));
    assertThat(b.reserve(c, limit - 1_000_000, "d").taken()).isTrue();
    assertThat(b.reserve(c, 1, "e").taken()).isFalse();
    // a calendar day's spend leaves only when the day ends: a refusal fits then, at midnight
    long midnight = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();
    Budget.Tally refused = b.reserve(c, 1, "e");
    assertThat(refused).isEqualTo(new Budget.Tally(false, 1_000_000, limit - 1_000_000, midnight));
    b.settle(c, "d", limit - 1_000_000);
    refused = b.reserve(c, 1, "e");
    assertThat(refused).isEqualTo(new Budget.Tally(false, limit, 0, midnight));

    assertThat(budget.snapshots()).hasSize(1);
    Budget.Snapshot last = budget.snapshots().get(0);
    assertThat(last.spent()).isEqualByComparingTo("0.05");
    assertThat(last.held()).isEqualByComparingTo("0");
    assertThat(last.period()).isEqualTo("2026-12-01");
    assertThat(last.resets()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
  }

  /**
   * A new calendar day starts empty; a call reserved before midnight is settled in its own day, and
   * the new day does not see it.
   */
  @Test
  void aNewDayStartsAfreshAndACallCountsInTheDayItWasReservedIn() {
    FakeClock clock = clockAt("2026-12-01T23:59:59Z");
    BudgetTerms b = daily("0.05", clock);
    Budget.Counter before = b.counter("");
    assertThat(b.reserve(before, 4_000_000, "late").taken()).isTrue();
    set(clock, "2026-12-02T00:00:01Z");
    Budget.Counter after = b.counter("");
    assertThat(after.period()).isEqualTo("2026-12-02");
    assertThat(b.reserve(after, 5_000_000, "early").taken()).isTrue();
    Budget.Counter settled = b.settling(before);
    assertThat(settled.period()).isEqualTo("2026-12-01");
    assertThat(b.settle(settled, "late", 4_500_000).held()).isZero();
    // the new day holds only its own call
    assertThat(b.reserve(after, 1, "more")).isEqualTo(new Budget.Tally(false, 0, 5_000_000, 0));
  }

  /**
   * In a rolling window each settled amount leaves one window (and at most a sixtieth) after it was
   * settled; a refusal says when enough has left for the amount asked.
   */
  @Test
  void inARollingWindowSpendLeavesOneWindowLaterAndARefusalSaysWhenItFits() {
    FakeClock clock = clockAt("2026-12-01T00:00:00Z");
    BudgetTerms b = terms(null, "1000", false, null, Duration.ofHours(1), ALL, clock);
    long t0 = clock.millis();
    for (int i = 0; i < 4; i++) { // 250 tokens at +0, +10, +20 and +30 minutes
      Budget.Counter c = b.counter("");
      assertThat(b.reserve(c, 250, "r" + i).taken()).isTrue();
      b.settle(c, "r" + i, 250);
      clock.advance(Duration.ofMinutes(10));
    }
    // at +40 minutes: 1000 spent; 400 fit once the first two amounts left, at +1h and +1h10
    Budget.Tally t = b.reserve(b.counter(""), 400, "x");
    assertThat(t.taken()).isFalse();
    assertThat(t.spent()).isEqualTo(1000);
    assertThat(t.fitsAt() - t0).isEqualTo(Duration.ofMinutes(71).toMillis());
    set(clock, "2026-12-01T01:00:59.999Z"); // the first slice's amount has not left yet
    assertThat(b.reserve(b.counter(""), 250, "y").taken()).isFalse();
    set(clock, "2026-12-01T01:01:00Z"); // it has
    assertThat(b.reserve(b.counter(""), 250, "y")).isEqualTo(new Budget.Tally(true, 750, 250, 0));
    // an amount above the limit never fits
    assertThat(b.reserve(b.counter(""), 1001, "z").fitsAt()).isZero();
  }

  /** A refusal names the budget, its counter, what was spent and held, the limit and the reset. */
  @Test
  void aRefusalNamesTheBudgetWhatWasSpentTheLimitAndWhenItResets() {
    FakeClock clock = clockAt("2026-12-01T10:00:00Z");
    BudgetTerms b = terms(USD, "0.05", false, ZoneOffset.UTC, null, TENANT, clock);
    Budget.Counter c = b.counter("tenant:acme");
    b.reserve(c, 4_912_000, "a");
    b.settle(c, "a", 4_912_000);
    Budget.Tally t = b.reserve(c, 219_000, "b");
    BudgetExceededException e = b.refused(c, t, 219_000, "kimi-k3 at target 0 (moonshot): ...");

    assertThat(e.getMessage())
        .isEqualTo(
            "Budget b (tenant acme) refused the call before it was sent: USD 0.04912 spent and"
                + " USD 0 held by calls in flight this day (2026-12-01, UTC), of its USD 0.05; this"
                + " call could cost up to USD 0.00219 (kimi-k3 at target 0 (moonshot): ...). It"
                + " resets at 2026-12-02T00:00:00Z.");
    assertThat(e.budget()).isEqualTo("b");
    assertThat(e.scope()).contains("tenant:acme");
    assertThat(e.currency()).contains(USD);
    assertThat(e.spent()).isEqualByComparingTo("0.04912");
    assertThat(e.held()).isEqualByComparingTo("0");
    assertThat(e.limit()).isEqualByComparingTo("0.05");
    assertThat(e.needed()).isEqualByComparingTo("0.00219");
    assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(Errors.exceptions().movesOn(e)).isFalse();
  }

  /**
   * A token budget's refusal speaks of tokens, and a worst case above the limit says what to do.
   */
  @Test
  void aWorstCaseAboveTheWholeLimitSaysWhatToChange() {
    BudgetTerms b =
        terms(null, "1000", false, ZoneOffset.UTC, null, ALL, clockAt("2026-12-01T10:00:00Z"));
    Budget.Counter c = b.counter("");
    Budget.Tally t = b.reserve(c, 1500, "a");
    assertThat(t.taken()).isFalse();
    assertThat(b.refused(c, t, 1500, "x").getMessage())
        .contains("0 tokens spent and 0 tokens held")
        .contains("of its 1000 tokens")
        .contains("could use up to 1500 tokens")
        .contains("more than the whole budget: lower maxCompletionTokens or shorten the prompt");
  }
}
