package io.github.kimisdk.redis;

import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.budget.BudgetStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BudgetStore} kept in Redis, so that every process of a fleet spends one budget exactly:
 * kimi-sdk-budget's counters in the Redis a {@link RedisRateLimitStore} runs on, with that store's
 * {@link RedisRateLimitStore.Fallback} and its knowledge of an outage.
 *
 * <pre>{@code
 * RedisRateLimitStore redis = RedisRateLimitStore.create(JedisScripts.of(jedis), Fallback.FAIL_CLOSED);
 * Budget daily = Budget.spend("fleet-daily", "USD", "50.00").store(RedisBudgetStore.of(redis)).build();
 * }</pre>
 *
 * <p>A budget's counters live under keys sharing one hash tag per counter, {@code
 * kimi-budget:{budget|scope|period}:...}: what was settled, by when it leaves the count (a calendar
 * period's end, a rolling window's slice end plus the window), and the reservations out, each with
 * its amount and a lease by Redis's clock. A reservation is taken by one script only if what is
 * settled, plus every reservation out, plus its own amount fits the limit, so any number of
 * processes asking at once never reserve past it. This store renews the reservations it took, a
 * third of the lease apart, on a daemon thread of its own, until they are settled: those of a
 * process killed mid-call come back within one lease length ({@link #DEFAULT_LEASE}, 3 s, by
 * default), and the other processes can spend them then. A calendar period's counter expires a day
 * after the period ends, a rolling window's once its last amount left. A Redis restarted empty has
 * lost the period's spend: keep the budgets in a Redis that persists its data (AOF or RDB) when
 * they must survive a restart; the reservations of calls in flight are registered again at their
 * next renewal. While Redis cannot be reached, the rate-limit store's fallback decides: fail closed
 * (the call fails, unsent, naming the store), or count in this process alone; a settlement that
 * fails is kept and written by the next call that reaches Redis.
 *
 * <p><b>Threads.</b> Any thread calls any method; the shared state is Redis's, and here the
 * reservations held and the settlements still to write, in concurrent maps.
 */
public final class RedisBudgetStore implements BudgetStore {

  /**
   * How long a reservation lasts by default unless renewed: the longest a killed process's
   * reservations keep the budget from the others. Renewed a third of it apart.
   */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(3);

  /** The most settlements kept while Redis is unavailable; those past it are lost. */
  static final int MAX_UNSETTLED = 100_000;

  private static final System.Logger LOG = System.getLogger(RedisBudgetStore.class.getName());

  // A budget counter's state, read by RESERVE and SETTLE: drops the amounts that left by the
  // caller's now and the reservations whose lease ended by Redis's; spent, held and the amounts
  // still counted, by when they leave.
  private static final String BUDGET_STATE =
      """
      local t = redis.call('TIME')
      local rnow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local now = tonumber(ARGV[1])
      local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', rnow)
      for i = 1, #gone do
        redis.call('HDEL', KEYS[3], gone[i])
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', rnow)
      local fields = redis.call('HGETALL', KEYS[1])
      local spent = 0
      local entries = {}
      for i = 1, #fields, 2 do
        local at = tonumber(fields[i])
        if at <= now then
          redis.call('HDEL', KEYS[1], fields[i])
        else
          local a = tonumber(fields[i + 1])
          spent = spent + a
          entries[#entries + 1] = {at, a}
        end
      end
      local held = 0
      local amounts = redis.call('HVALS', KEYS[3])
      for i = 1, #amounts do
        held = held + tonumber(amounts[i])
      end
      local function keep(key, ms)
        if redis.call('PTTL', key) < ms then
          redis.call('PEXPIRE', key, ms)
        end
      end
      """;

  // KEYS: spent (amounts by when they leave), reservations (by lease end), their amounts. ARGV:
  // now, keep millis, limit, amount, reservation, lease millis. Returns "taken spent held fitsAt".
  static final String RESERVE =
      BUDGET_STATE
          + """
          local limit, amount, id = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
          local lease, ms = tonumber(ARGV[6]), tonumber(ARGV[2])
          if redis.call('ZSCORE', KEYS[2], id) then
            redis.call('ZADD', KEYS[2], rnow + lease, id)
            return string.format('1 %d %d 0', spent, held)
          end
          if spent + held + amount <= limit then
            redis.call('ZADD', KEYS[2], rnow + lease, id)
            redis.call('HSET', KEYS[3], id, ARGV[4])
            keep(KEYS[2], math.max(ms, 2 * lease))
            keep(KEYS[3], math.max(ms, 2 * lease))
            return string.format('1 %d %d 0', spent, held + amount)
          end
          table.sort(entries, function(x, y) return x[1] < y[1] end)
          local fits, left = 0, spent
          for i = 1, #entries do
            left = left - entries[i][2]
            if left + held + amount <= limit then
              fits = entries[i][1]
              break
            end
          end
          return string.format('0 %d %d %d', spent, held, fits)
          """;

  // KEYS: as RESERVE's. ARGV: now, keep millis, reservation, amount, when it leaves. Returns "1
  // spent held 0".
  static final String SETTLE =
      BUDGET_STATE
          + """
          local id, amount, at = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
          if redis.call('ZREM', KEYS[2], id) == 1 then
            held = held - tonumber(redis.call('HGET', KEYS[3], id) or '0')
          end
          redis.call('HDEL', KEYS[3], id)
          if amount > 0 and at > now then
            redis.call('HINCRBY', KEYS[1], ARGV[5], ARGV[4])
            keep(KEYS[1], tonumber(ARGV[2]))
            spent = spent + amount
          end
          return string.format('1 %d %d 0', spent, held)
          """;

  // KEYS: reservations, their amounts. ARGV: lease millis, then reservation and amount pairs.
  // Returns how many were missing (expired, or lost in a restart), registered again.
  static final String RENEW_RESERVATIONS =
      """
      local t = redis.call('TIME')
      local rnow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local lease = tonumber(ARGV[1])
      local missing = 0
      for i = 2, #ARGV, 2 do
        missing = missing + redis.call('ZADD', KEYS[1], rnow + lease, ARGV[i])
        redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
      end
      for k = 1, 2 do
        if redis.call('PTTL', KEYS[k]) < 2 * lease then
          redis.call('PEXPIRE', KEYS[k], 2 * lease)
        end
      end
      return missing
      """;

  private final RedisRateLimitStore store;
  private final RedisScripts redis;
  private final Duration lease;
  private final String reserveSha = RedisRateLimitStore.sha1(RESERVE);
  private final String settleSha = RedisRateLimitStore.sha1(SETTLE);
  private final String renewReservationsSha = RedisRateLimitStore.sha1(RENEW_RESERVATIONS);
  private final BudgetStore local = BudgetStore.inProcess();
  // The reservations this store took in Redis and has not settled, renewed a third of the lease
  // apart by renewals (made when first needed); the settlements that failed while Redis was
  // unavailable, written by the next call that reaches it; the reservations taken in the
  // in-process fallback. Any thread adds and removes entries.
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Map<String, Held> unsettled = new ConcurrentHashMap<>();
  private final Set<String> localReservations = ConcurrentHashMap.newKeySet();
  private volatile ScheduledExecutorService renewals;
  private volatile boolean renewFailing;

  /** A reservation: its counter's keys, and its amount (for a settlement, what it spent). */
  private record Held(Budget.Counter counter, List<String> keys, long amount) {}

  private RedisBudgetStore(RedisRateLimitStore store, Duration lease) {
    this.store = store;
    this.redis = store.scripts();
    this.lease = lease;
  }

  /**
   * Returns a store of budgets in the Redis {@code store} runs on, with its fallback and leases of
   * {@link #DEFAULT_LEASE}.
   *
   * @param store the fleet's rate-limit store
   * @return the budgets' store
   */
  public static RedisBudgetStore of(RedisRateLimitStore store) {
    return builder(store).build();
  }

  /**
   * Returns a builder of a store of budgets in the Redis {@code store} runs on.
   *
   * @param store the fleet's rate-limit store
   * @return the builder
   */
  public static Builder builder(RedisRateLimitStore store) {
    return new Builder(store);
  }

  /** Configures a {@link RedisBudgetStore}. Not thread-safe. */
  public static final class Builder {
    private final RedisRateLimitStore store;
    private Duration lease = DEFAULT_LEASE;

    private Builder(RedisRateLimitStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Sets how long a reservation lasts unless renewed (default {@link #DEFAULT_LEASE}): the
     * longest the reservations of a killed process keep the budget from the others. This store
     * renews its own a third of it apart; processes sharing a budget should use the same length.
     *
     * @param lease from 1 to 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code lease} is out of range
     */
    public Builder leaseLength(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofSeconds(1)) < 0
          || lease.compareTo(RedisRateLimitStore.LONGEST_LEASE) > 0) {
        throw new IllegalArgumentException("lease must be from 1 to 30 seconds: " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     */
    public RedisBudgetStore build() {
      return new RedisBudgetStore(store, lease);
    }
  }

  /** {@return how long a reservation lasts unless renewed} */
  public Duration leaseLength() {
    return lease;
  }

  /** Returns the keys of a budget counter's state, in the order its scripts take them. */
  static List<String> keys(Budget.Counter c) {
    String base = "kimi-budget:{" + c.key() + "}:";
    return List.of(base + "spent", base + "held", base + "amounts");
  }

  @Override
  public Budget.Tally reserve(Budget.Counter counter, long limit, long amount, String reservation) {
    if (!store.knownDown()) {
      List<String> k = keys(counter);
      try {
        settleUnsettled();
        Budget.Tally t =
            tally(
                redis.evalText(
                    RESERVE,
                    reserveSha,
                    k,
                    List.of(
                        Long.toString(counter.now()),
                        Long.toString(keepFor(counter)),
                        Long.toString(limit),
                        Long.toString(amount),
                        reservation,
                        Long.toString(lease.toMillis()))));
        store.answered();
        if (t.taken()) {
          held.put(reservation, new Held(counter, k, amount));
          renewing();
        }
        return t;
      } catch (RedisUnavailableException e) {
        store.noteUnreachable(e);
      }
    }
    if (store.fallbackMode() == RedisRateLimitStore.Fallback.FAIL_CLOSED) {
      throw unreachable(store.lastOutage());
    }
    Budget.Tally t = local.reserve(counter, limit, amount, reservation);
    if (t.taken()) {
      localReservations.add(reservation);
    }
    return t;
  }

  @Override
  public Budget.Tally settle(Budget.Counter counter, String reservation, long amount) {
    if (localReservations.remove(reservation)) {
      return local.settle(counter, reservation, amount);
    }
    Held h = held.remove(reservation);
    List<String> k = h != null ? h.keys() : keys(counter);
    if (!store.knownDown()) {
      try {
        settleUnsettled();
        Budget.Tally t = tally(runSettle(counter, k, reservation, amount));
        store.answered();
        return t;
      } catch (RedisUnavailableException e) {
        store.noteUnreachable(e);
      }
    }
    // written by the next call that reaches Redis; its reservation's lease ends meanwhile
    if (unsettled.size() < MAX_UNSETTLED) {
      unsettled.put(reservation, new Held(counter, k, amount));
    }
    throw unreachable(store.lastOutage());
  }

  private String runSettle(
      Budget.Counter counter, List<String> k, String reservation, long amount) {
    return redis.evalText(
        SETTLE,
        settleSha,
        k,
        List.of(
            Long.toString(counter.now()),
            Long.toString(keepFor(counter)),
            reservation,
            Long.toString(amount),
            Long.toString(counter.releaseAt())));
  }

  /** Writes the settlements that failed while Redis was unavailable; throws while it still is. */
  private void settleUnsettled() {
    if (unsettled.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Held> e : unsettled.entrySet()) {
      Held h = e.getValue();
      runSettle(h.counter(), h.keys(), e.getKey(), h.amount());
      unsettled.remove(e.getKey(), h);
    }
  }

  /** How long a counter's keys are kept from now: its own keeping time, at least a second. */
  private static long keepFor(Budget.Counter c) {
    return Math.max(1_000, c.keepUntil() - c.now());
  }

  private static Budget.Tally tally(String reply) {
    String[] p = reply.split(" ");
    return new Budget.Tally(
        p[0].equals("1"), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]));
  }

  private static IllegalStateException unreachable(RedisUnavailableException e) {
    return new IllegalStateException(
        "Redis is unreachable, and the shared budget fails closed: "
            + (e == null ? "" : e.getMessage()),
        e);
  }

  /** Starts the renewal of the reservations held, on a daemon thread of this store's own. */
  private void renewing() {
    if (renewals != null) {
      return;
    }
    synchronized (this) {
      if (renewals == null) {
        ScheduledExecutorService s =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "kimi-redis-budget-renewals");
                  t.setDaemon(true);
                  return t;
                });
        long every = Math.max(100, lease.toMillis() / 3);
        s.scheduleWithFixedDelay(this::renewReservations, every, every, TimeUnit.MILLISECONDS);
        renewals = s;
      }
    }
  }

  /**
   * Renews the reservations this store holds, one script per counter; a failure is logged once per
   * outage, and the next renewal tries again.
   */
  void renewReservations() {
    if (held.isEmpty()) {
      return;
    }
    Map<List<String>, List<String>> byCounter = new LinkedHashMap<>();
    for (Map.Entry<String, Held> e : held.entrySet()) {
      List<String> args =
          byCounter.computeIfAbsent(
              e.getValue().keys(),
              k -> {
                List<String> a = new ArrayList<>();
                a.add(Long.toString(lease.toMillis()));
                return a;
              });
      args.add(e.getKey());
      args.add(Long.toString(e.getValue().amount()));
    }
    RuntimeException failure = null;
    long missing = 0;
    for (Map.Entry<List<String>, List<String>> e : byCounter.entrySet()) {
      try {
        missing +=
            redis.eval(
                RENEW_RESERVATIONS, renewReservationsSha, e.getKey().subList(1, 3), e.getValue());
      } catch (RuntimeException x) {
        failure = x;
      }
    }
    if (failure != null && !renewFailing) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Renewing this process''s budget reservations in Redis failed ({0}); each lasts {1} from"
              + " its last renewal",
          failure,
          lease);
    } else if (failure == null && missing > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "Redis had lost {0} budget reservation(s) of calls still in flight; registered them again",
          missing);
    }
    renewFailing = failure != null;
  }

  /** Stops the renewal of reservations; for tests that kill a store's process in place. */
  void stopRenewals() {
    ScheduledExecutorService s = renewals;
    if (s != null) {
      s.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "RedisBudgetStore[" + store + ", lease=" + lease + "]";
  }
}
