package io.github.kimisdk.budget;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.errors.BudgetExceededException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A limit on what a client's calls may spend in a period, in money (at the client's prices) or in
 * tokens, kept in this process or shared by every process of a fleet through a {@link BudgetStore}
 * (kimi-sdk-redis keeps it in Redis). A client counts its calls against budgets through the
 * interceptor {@link #interceptor(Budget...)} makes: before each attempt is sent, it reserves the
 * attempt's worst case against every budget, and refuses the call, unsent, with a {@link
 * BudgetExceededException} when it does not fit one; when the attempt ends, its reservation is
 * settled at what the reply cost.
 *
 * <pre>{@code
 * Budget daily = Budget.spend("fleet-daily", "USD", "50.00")   // every call, USD 50 a day (UTC)
 *     .store(redisBudgets)                                        // one budget for every process
 *     .build();
 * Budget perTenant = Budget.spend("tenant-monthly", "USD", "5.00")
 *     .period(Budget.Period.month())
 *     .perTenant()                                                // each tenant its own USD 5
 *     .build();
 * KimiClient kimi =
 *     KimiClient.builder().fromEnv().interceptor(Budget.interceptor(daily, perTenant)).build();
 * }</pre>
 *
 * <p><b>The worst case</b> of an attempt is the core's one rule ({@link
 * io.github.kimisdk.model.Price#worstCase}): its prompt as {@link
 * io.github.kimisdk.token.RequestTokens#estimated()} counts it, every token at the cache-miss price
 * (or at the cache-write price of the request's time to live, when that is higher), plus the output
 * cap the request sends ({@code max_completion_tokens}, or the model's default output when it sends
 * none) at the output price, priced with the prices of the target the attempt goes to ({@link
 * KimiInterceptor.Chain#price()}); a token budget counts the same tokens. Set a modest {@code
 * maxCompletionTokens}: a budget near its limit refuses a call whose worst case does not fit,
 * however little it would have cost. <b>Settled</b> at the reply's usage at the same price; a
 * stream at its end. An attempt that failed before its response began is released: it cost nothing.
 * One whose response began but brought no usage (a body cut, a stream cut mid-way) counts its
 * prompt and the output that arrived, estimated.
 *
 * <p><b>Which calls.</b> A budget counts every chat call and stream of the clients given it, on
 * every target of their fallback chains, unless it is scoped by tenant, by tag, or both. A call's
 * tenant is the one its options name ({@link RequestOptions.Builder#tenant(String)}), else the
 * account of the {@link KimiClient#withCredentials} client that makes it (each such tenant has a
 * key of its own, named by its account, never by the key): {@link Builder#perTenant()} keeps a
 * counter for each tenant and {@link Builder#forTenant(String)} counts one tenant's calls only.
 * {@link Builder#perTag()} and {@link Builder#forTag(String)} do the same for the tags a call
 * carries ({@link RequestOptions.Builder#tag(String)}). Set both and a budget counts each tenant's
 * calls of each tag apart: {@code perTenant().forTag("search")} gives each tenant its own limit of
 * search calls. A call outside a budget's scope is not counted by it.
 *
 * <p><b>Periods.</b> {@link Period#day()} and {@link Period#month()} are calendar periods, in UTC
 * or a zone given: the count starts afresh at the period's start, and a call counts in the period
 * it was reserved in. {@link Period#rolling(Duration)} counts what was spent in the last window, in
 * sixtieths of it: spend leaves the count between one window and one window and a sixtieth after it
 * was settled, never sooner, so no window ever holds more than the limit. The period follows the
 * budget's clock ({@link Builder#clock(Clock)}; the system's by default): processes sharing a
 * budget should agree on the time.
 *
 * <p><b>Shared.</b> With a {@link Builder#store(BudgetStore) store}, every process that names the
 * budget spends one counter, exactly: a reservation is taken only if what was spent, plus what
 * calls in flight hold, plus its own worst case fits the limit, atomically in the store. A shared
 * store holds each reservation for a short lease it renews itself while the reservation is out: the
 * reservations of a process killed mid-call come back within one lease length (3 s with {@code
 * RedisBudgetStore}'s default). Without a store, the budget counts in this process, shared by every
 * client given this instance.
 *
 * <p>A budget in money needs a price, in its currency, for the model of every target its calls go
 * to: one without fails the call with a {@link io.github.kimisdk.errors.ConfigurationException}
 * naming the target (give a host its prices with {@link io.github.kimisdk.host.Host#withPrices}; a
 * team's own server may be priced at zero). Immutable settings; the counts it holds in this
 * process, and what this process last saw of a shared count ({@link #snapshots()}), are
 * thread-safe.
 */
public final class Budget {

  /** How many counters {@link #snapshots()} remembers: the most recently used. */
  public static final int MAX_SNAPSHOTS = 1_000;

  /**
   * The decimal places of a budget's unit of money: a budget in money counts, and a store keeps,
   * units of 10<sup>-8</sup> of its currency, each amount rounded up.
   */
  public static final int UNIT_SCALE = 8;

  /** The most units a limit may be: every sum a store makes stays exact in a double. */
  static final long MAX_UNITS = 1L << 52;

  // How a budget scopes a dimension (tenant, tag): every call, a counter each, or one only.
  private static final int ALL = 0;
  private static final int EACH = 1;
  private static final int ONE = 2;

  private final String name;
  private final Currency currency;
  private final BigDecimal limit;
  private final Period period;
  private final String scope; // as toString names it: "", "per tenant", "tag search", ...
  private final boolean fallsBack;
  private final boolean shared;
  private final int tenants; // ALL, EACH or ONE
  private final String tenant; // the one tenant counted, for ONE
  private final int tags;
  private final String tag;
  private final Clock clock;
  private final Counted counters;

  private Budget(Builder b) {
    this.name = b.name;
    this.currency = b.currency;
    this.limit = b.limit;
    this.period = b.period;
    this.tenants = b.tenants;
    this.tenant = b.tenant;
    this.tags = b.tags;
    this.tag = b.tag;
    this.scope = describe(tenants, tenant, tags, tag);
    this.fallsBack = b.fallsBack;
    this.shared = b.store != null;
    this.clock = b.clock;
    this.counters =
        new Counted(shared ? b.store : BudgetStore.inProcess(), currency == null, period.zone);
  }

  /**
   * Returns the interceptor that counts a client's calls against {@code budgets}: add it to the
   * client's builder ({@link KimiClient.Builder#interceptor}), or to a derived client's options
   * ({@link RequestOptions.Builder#interceptor}). It runs once per attempt, below the client's
   * retries: each attempt of each chat call and stream reserves its worst case at the target it
   * goes to against every budget whose scope holds the call, all or none, and is refused by the
   * first it does not fit (unsent: a {@link BudgetExceededException}, never retried; a budget that
   * {@linkplain Builder#fallBack() falls back} moves the call to the client's next fallback target
   * instead). Add it after the client's other once-per-attempt interceptors: an attempt one of them
   * answers is then not counted. Give one client one interceptor of its budgets; several clients
   * may share budgets, each with an interceptor of its own.
   *
   * <pre>{@code
   * KimiClient kimi = KimiClient.builder().fromEnv().interceptor(Budget.interceptor(daily)).build();
   * }</pre>
   *
   * @param budgets the budgets, each named once
   * @return the interceptor, named {@code budgets} and the budgets' names
   * @throws IllegalArgumentException if no budget is given, or two share a name
   * @throws NullPointerException if a budget is null
   */
  public static KimiInterceptor interceptor(Budget... budgets) {
    Objects.requireNonNull(budgets, "budgets");
    if (budgets.length == 0) {
      throw new IllegalArgumentException("give the interceptor at least one budget");
    }
    Set<String> names = new HashSet<>();
    List<BudgetTerms> terms = new ArrayList<>(budgets.length);
    for (Budget b : budgets) {
      Objects.requireNonNull(b, "budget");
      if (!names.add(b.name)) {
        throw new IllegalArgumentException(
            "two budgets are named " + b.name + ": give each budget of a client its own name");
      }
      terms.add(new BudgetTerms(b));
    }
    return new BudgetInterceptor(terms);
  }

  /**
   * Returns a builder of a budget in money: at most {@code limit} of {@code currency} per period,
   * priced with the prices of each target a call goes to (the client's {@link KimiClient#prices()},
   * a fallback target's host's).
   *
   * @param name the budget's name, as refusals, metrics and a shared store name it: 1 to 64
   *     letters, digits, {@code .}, {@code _} or {@code -}; processes sharing a budget give it the
   *     same name
   * @param currency the currency's ISO 4217 code, such as {@code "USD"}
   * @param limit the most spent per period, such as {@code "50.00"}; above zero and at most
   *     45,035,996 of the currency (amounts are counted in units of 10<sup>-8</sup>)
   * @return a new builder, per day (UTC) and counting every call until told otherwise
   * @throws IllegalArgumentException if an argument is malformed or out of range
   */
  public static Builder spend(String name, String currency, String limit) {
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(limit, "limit");
    BigDecimal l;
    try {
      l = new BigDecimal(limit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a decimal amount: " + limit, e);
    }
    return new Builder(name, Currency.getInstance(currency), l);
  }

  /**
   * Returns a builder of a budget in tokens: at most {@code limit} tokens (prompt and output, as
   * usage reports them) per period.
   *
   * @param name the budget's name (see {@link #spend})
   * @param limit the most tokens per period, at least 1 and at most 2<sup>52</sup>
   * @return a new builder, per day (UTC) and counting every call until told otherwise
   * @throws IllegalArgumentException if an argument is malformed or out of range
   */
  public static Builder tokens(String name, long limit) {
    return new Builder(name, null, BigDecimal.valueOf(limit));
  }

  /** {@return the budget's name} */
  public String name() {
    return name;
  }

  /** {@return the currency of a budget in money; empty for a budget in tokens} */
  public Optional<Currency> currency() {
    return Optional.ofNullable(currency);
  }

  /** {@return the most spent per period: an amount of the currency, or tokens} */
  public BigDecimal limit() {
    return limit;
  }

  /** {@return the period the limit holds for} */
  public Period period() {
    return period;
  }

  /**
   * Tells whether a call this budget refuses goes on to the client's next fallback target ({@link
   * Builder#fallBack()}) rather than failing.
   *
   * @return true when it falls back
   */
  public boolean fallsBack() {
    return fallsBack;
  }

  /** {@return whether the budget is kept in a store that other processes may share} */
  public boolean isShared() {
    return shared;
  }

  /**
   * Returns where this budget's counters stood when this process last reserved or settled against
   * them: one snapshot per counter (one for a budget of every call, one per tenant or tag seen for
   * a budget per tenant or tag), the most recently used first, at most {@value #MAX_SNAPSHOTS}. A
   * shared counter may have moved since, by other processes. For metrics.
   *
   * @return the snapshots; a copy
   */
  public List<Snapshot> snapshots() {
    return counters.newestFirst();
  }

  /**
   * Returns where this budget's counters are kept, as a client counts against them: the store given
   * ({@link Builder#store}), or the budget's own in-process one, seen through the budget so that
   * {@link #snapshots()} follows every reservation and settlement.
   *
   * @return the store
   */
  public BudgetStore counters() {
    return counters;
  }

  /** {@return the clock the budget's periods follow} */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the counters a call counts in: one for a budget of every call; the tenant's, or each of
   * the tags', for a budget scoped by tenant or tag; the tenant's of each tag for a budget scoped
   * by both; none for a call outside the budget's scope.
   *
   * @param tenant the call's tenant ({@link KimiInterceptor.Chain#tenant()}), or null for none
   * @param callTags the call's tags ({@link KimiInterceptor.Chain#tags()})
   * @return the scopes, such as {@code [""]}, {@code ["tenant:acme"]}, {@code ["tag:a", "tag:b"]}
   *     or {@code ["tenant:acme tag:search"]}, as {@link Counter#scope()} names them
   */
  List<String> scopes(String tenant, List<String> callTags) {
    String t;
    if (tenants == ALL) {
      t = "";
    } else if (tenant == null || (tenants == ONE && !this.tenant.equals(tenant))) {
      return List.of();
    } else {
      t = "tenant:" + tenant;
    }
    if (tags == ALL) {
      return List.of(t);
    }
    List<String> out = new ArrayList<>(1);
    for (String g : callTags) {
      if (tags == EACH || tag.equals(g)) {
        out.add(t.isEmpty() ? "tag:" + g : t + " tag:" + g);
      }
    }
    return out;
  }

  /** The scope as {@link #toString()} names it: "", "per tenant", "tenant acme, per tag", ... */
  private static String describe(int tenants, String tenant, int tags, String tag) {
    String t = tenants == EACH ? "per tenant" : tenants == ONE ? "tenant " + tenant : "";
    String g = tags == EACH ? "per tag" : tags == ONE ? "tag " + tag : "";
    return t.isEmpty() || g.isEmpty() ? t + g : t + ", " + g;
  }

  /** Returns a zone's name as a budget's messages give it: {@code UTC}, {@code Europe/Berlin}. */
  static String zoneName(ZoneId zone) {
    return zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
  }

  /**
   * A budget's store, seen through the budget: each answer to a reservation or settlement is kept
   * as its counter's snapshot, by scope, the least recently seen first and dropped past {@link
   * #MAX_SNAPSHOTS}; anything else passes. Guarded by itself.
   */
  private static final class Counted extends LinkedHashMap<String, Snapshot>
      implements BudgetStore {
    private static final long serialVersionUID = 1L;
    private final transient BudgetStore store;
    private final int scale;
    private final boolean calendar;

    Counted(BudgetStore store, boolean tokens, ZoneId zone) {
      super(16, 0.75f, true);
      this.store = store;
      this.scale = tokens ? 0 : UNIT_SCALE;
      this.calendar = zone != null;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
      return size() > MAX_SNAPSHOTS;
    }

    @Override
    public Tally reserve(Counter counter, long limit, long amount, String reservation) {
      return seen(counter, store.reserve(counter, limit, amount, reservation));
    }

    @Override
    public Tally settle(Counter counter, String reservation, long amount) {
      return seen(counter, store.settle(counter, reservation, amount));
    }

    private synchronized Tally seen(Counter c, Tally t) {
      put(
          c.scope(),
          new Snapshot(
              c.scope(),
              c.period(),
              BigDecimal.valueOf(t.spent(), scale).stripTrailingZeros(),
              BigDecimal.valueOf(t.held(), scale).stripTrailingZeros(),
              calendar ? Instant.ofEpochMilli(c.releaseAt()) : null));
      return t;
    }

    synchronized List<Snapshot> newestFirst() {
      List<Snapshot> out = new ArrayList<>(values());
      Collections.reverse(out);
      return out;
    }

    @Override
    public String toString() {
      return store.toString();
    }
  }

  /** Names the budget, its limit, period and scope. */
  @Override
  public String toString() {
    return "Budget["
        + name
        + ": "
        + (currency == null ? limit.toPlainString() + " tokens" : currency + " " + limit)
        + " per "
        + period
        + (scope.isEmpty() ? "" : ", " + scope)
        + (fallsBack ? ", falls back" : "")
        + (shared ? ", shared" : "")
        + "]";
  }

  /**
   * Checks a budget's limit: above zero, in whole units (a whole number of tokens, at most 8
   * decimals of money), at most 2<sup>52</sup> units.
   */
  private static void checkLimit(String name, Currency currency, BigDecimal limit) {
    int scale = currency == null ? 0 : UNIT_SCALE;
    BigDecimal units = limit.movePointRight(scale);
    if (limit.signum() <= 0
        || units.stripTrailingZeros().scale() > 0
        || units.compareTo(BigDecimal.valueOf(MAX_UNITS)) > 0) {
      throw new IllegalArgumentException(
          "budget "
              + name
              + ": the limit must be above 0, at most "
              + BigDecimal.valueOf(MAX_UNITS).movePointLeft(scale).toPlainString()
              + (currency == null ? " tokens" : " and have at most 8 decimals")
              + ": "
              + limit.toPlainString());
    }
  }

  /**
   * What a budget's limit holds for: a calendar day or month in a time zone, or a rolling window.
   */
  public static final class Period {
    private final boolean months; // a calendar month, else a day, unless rolling
    private final ZoneId zone; // null for a rolling window
    private final Duration window; // null for a calendar period

    private Period(boolean months, ZoneId zone, Duration window) {
      this.months = months;
      this.zone = zone;
      this.window = window;
    }

    /**
     * Returns the calendar day in UTC: the count starts afresh at midnight UTC.
     *
     * @return the period
     */
    public static Period day() {
      return day(ZoneOffset.UTC);
    }

    /**
     * Returns the calendar day in {@code zone}: the count starts afresh at the start of each day
     * there (a day of 23 or 25 hours where clocks change).
     *
     * @param zone the time zone
     * @return the period
     */
    public static Period day(ZoneId zone) {
      return new Period(false, Objects.requireNonNull(zone, "zone"), null);
    }

    /**
     * Returns the calendar month in UTC: the count starts afresh on the first of the month.
     *
     * @return the period
     */
    public static Period month() {
      return month(ZoneOffset.UTC);
    }

    /**
     * Returns the calendar month in {@code zone}.
     *
     * @param zone the time zone
     * @return the period
     */
    public static Period month(ZoneId zone) {
      return new Period(true, Objects.requireNonNull(zone, "zone"), null);
    }

    /**
     * Returns a rolling window: what was settled in the last {@code window} counts, in sixtieths of
     * it (spend leaves the count between {@code window} and {@code window} plus a sixtieth after it
     * was settled).
     *
     * @param window from one second to 366 days
     * @return the period
     * @throws IllegalArgumentException if {@code window} is out of range
     */
    public static Period rolling(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofSeconds(1)) < 0
          || window.compareTo(Duration.ofDays(366)) > 0) {
        throw new IllegalArgumentException(
            "a rolling window must be from 1 second to 366 days: " + window);
      }
      return new Period(false, null, window);
    }

    /** {@return the window of a rolling period; empty for a calendar day or month} */
    public Optional<Duration> window() {
      return Optional.ofNullable(window);
    }

    /** {@return the time zone of a calendar period; empty for a rolling window} */
    public Optional<ZoneId> zone() {
      return Optional.ofNullable(zone);
    }

    /**
     * {@return {@code DAYS} or {@code MONTHS} for a calendar period; empty for a rolling window}
     */
    public Optional<ChronoUnit> calendarUnit() {
      return zone == null
          ? Optional.empty()
          : Optional.of(months ? ChronoUnit.MONTHS : ChronoUnit.DAYS);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Period p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }

    /** {@return "day (UTC)", "month (Europe/Berlin)", "rolling PT1H" and the like} */
    @Override
    public String toString() {
      return window != null
          ? "rolling " + window
          : (months ? "month (" : "day (") + zoneName(zone) + ")";
    }
  }

  /**
   * Where one counter of a budget stood when this process last reserved or settled against it.
   *
   * @param scope the counter: {@code ""} for a budget of every call, {@code tenant:NAME} or {@code
   *     tag:NAME} for a budget per (or for one) tenant or tag, {@code tenant:NAME tag:NAME} for a
   *     budget scoped by both
   * @param period the period it counts: the day ({@code 2026-12-01}) or month ({@code 2026-12}) in
   *     the budget's zone, or {@code rolling}
   * @param spent what calls settled in it: an amount of the budget's currency, or tokens
   * @param held what calls in flight hold
   * @param resets when its calendar period ends; null for a rolling window
   */
  public record Snapshot(
      String scope, String period, BigDecimal spent, BigDecimal held, Instant resets) {}

  /**
   * One counter of a budget, as a {@link BudgetStore} is asked to keep it: a budget's name, the
   * scope counted and the period, with the times of the call that asks, on the budget's clock
   * (epoch milliseconds). A store keys the counter by {@code budget}, {@code scope} and {@code
   * period}; the amounts it keeps are tokens, or units of 10<sup>-8</sup> of the budget's currency.
   *
   * @param budget the budget's name
   * @param scope {@code ""}, {@code tenant:NAME}, {@code tag:NAME} or {@code tenant:NAME tag:NAME}
   * @param period the calendar period's day or month, or {@code rolling}
   * @param now the time of the call, epoch milliseconds
   * @param releaseAt when an amount settled now leaves the count (the calendar period's end, or a
   *     rolling window's slice end plus the window), epoch milliseconds
   * @param keepUntil how long the store should keep the counter at least, epoch milliseconds (a
   *     store keeps it that long after {@code now}, by its own clock)
   */
  public record Counter(
      String budget, String scope, String period, long now, long releaseAt, long keepUntil) {

    /**
     * Checks the counter.
     *
     * @param budget the budget's name
     * @param scope {@code ""}, {@code tenant:NAME}, {@code tag:NAME} or {@code tenant:NAME
     *     tag:NAME}
     * @param period the calendar period's day or month, or {@code rolling}
     * @param now the time of the call, epoch milliseconds
     * @param releaseAt when an amount settled now leaves the count, epoch milliseconds
     * @param keepUntil how long the store should keep the counter at least, epoch milliseconds
     * @throws NullPointerException if a name is null
     */
    public Counter {
      Objects.requireNonNull(budget, "budget");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(period, "period");
    }

    /** {@return the counter's identity, {@code budget|scope|period}, as stores key it} */
    public String key() {
      return budget + "|" + scope + "|" + period;
    }
  }

  /**
   * What a {@link BudgetStore} answered for a counter: whether it took a reservation, what was
   * spent and is held, and, for a refusal, when the amount asked would fit.
   *
   * @param taken whether the reservation was taken (a settlement answers true)
   * @param spent what is spent in the counter's window now, the reservation settled included
   * @param held what reservations hold now, a taken one included
   * @param fitsAt for a refusal, the earliest time (epoch milliseconds, the budget's clock) at
   *     which enough spend leaves the count for the amount to fit, if nothing more is spent; 0 when
   *     it does not fit even then (calls in flight hold too much, or the amount exceeds the limit),
   *     or for a reservation taken
   */
  public record Tally(boolean taken, long spent, long held, long fitsAt) {}

  /** Configures a {@link Budget}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Currency currency;
    private final BigDecimal limit;
    private Period period = Period.day();
    private int tenants = ALL;
    private String tenant;
    private int tags = ALL;
    private String tag;
    private boolean fallsBack;
    private BudgetStore store;
    private Clock clock = Clock.systemUTC();

    private Builder(String name, Currency currency, BigDecimal limit) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "a budget's name must be 1 to 64 letters, digits, '.', '_' or '-': " + name);
      }
      checkLimit(name, currency, limit);
      this.name = name;
      this.currency = currency;
      this.limit = limit;
    }

    /**
     * Sets the period the limit holds for (default {@link Period#day()}, the calendar day in UTC).
     *
     * @param period the period
     * @return this builder
     */
    public Builder period(Period period) {
      this.period = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Keeps a counter of this limit for each tenant: a call counts under its tenant ({@link
     * RequestOptions.Builder#tenant(String)}, or a {@link KimiClient#withCredentials} client's
     * account), each tenant against the whole limit; a call of no tenant is not counted. Replaces
     * {@link #forTenant}; combines with {@link #perTag()} or {@link #forTag}.
     *
     * @return this builder
     */
    public Builder perTenant() {
      this.tenants = EACH;
      this.tenant = null;
      return this;
    }

    /**
     * Counts the calls of one tenant only: those whose options name {@code tenant}, or of the
     * {@link KimiClient#withCredentials} client of account {@code tenant}. Replaces {@link
     * #perTenant()}; combines with {@link #perTag()} or {@link #forTag}.
     *
     * @param tenant the tenant
     * @return this builder
     * @throws IllegalArgumentException if {@code tenant} is blank, too long or has spaces
     */
    public Builder forTenant(String tenant) {
      this.tenants = ONE;
      this.tenant = checked(RequestOptions.builder().tenant(tenant).build().tenant());
      return this;
    }

    /**
     * Keeps a counter of this limit for each tag: a call counts against the counter of every tag it
     * carries ({@link RequestOptions.Builder#tag(String)}); a call with no tag is not counted.
     * Replaces {@link #forTag}; combines with {@link #perTenant()} or {@link #forTenant}.
     *
     * @return this builder
     */
    public Builder perTag() {
      this.tags = EACH;
      this.tag = null;
      return this;
    }

    /**
     * Counts the calls that carry the tag {@code tag} only ({@link
     * RequestOptions.Builder#tag(String)}), such as a feature's. Replaces {@link #perTag()};
     * combines with {@link #perTenant()} or {@link #forTenant}.
     *
     * @param tag the tag
     * @return this builder
     * @throws IllegalArgumentException if {@code tag} is blank, too long or has spaces
     */
    public Builder forTag(String tag) {
      this.tags = ONE;
      this.tag = checked(RequestOptions.builder().tag(tag).build().tags().stream().findFirst());
      return this;
    }

    /** The name the call's options accepted: a tenant or tag is held to the options' rule. */
    private static String checked(Optional<String> accepted) {
      return accepted.orElseThrow();
    }

    /**
     * Has a call this budget refuses go on to the client's next fallback target ({@link
     * KimiClient.Builder#fallback}), as a call moves on from an overloaded one: a cheaper model or
     * host the team names there, whose worst case may still fit (it counts against this budget too,
     * at its own prices). Without a target left that takes it, the call fails with the budget's
     * refusal. Off by default: the call fails at once.
     *
     * @return this builder
     */
    public Builder fallBack() {
      this.fallsBack = true;
      return this;
    }

    /**
     * Keeps the counters in {@code store}, shared by every process that names this budget there:
     * kimi-sdk-redis's {@code RedisBudgetStore}, in the Redis the fleet's rate limit already uses.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(BudgetStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the clock the periods follow (default {@link Clock#systemUTC()}); for tests, and for a
     * process whose own clock is not the fleet's.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the budget.
     *
     * @return the budget
     */
    public Budget build() {
      return new Budget(this);
    }
  }
}
