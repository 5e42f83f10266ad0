package io.github.kimisdk.redis;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A {@link RateLimitStore} kept in Redis, so that every process using one Kimi account splits its
 * budget: its concurrency, requests per minute and tokens per minute, its pauses after a 429 and
 * the lower limits a 429 stated.
 *
 * <pre>{@code
 * RedisClient jedis = RedisClient.create("127.0.0.1", 6379); // or Lettuce: LettuceScripts
 * RedisRateLimitStore store =
 *     RedisRateLimitStore.create(JedisScripts.of(jedis), Fallback.FAIL_CLOSED);
 * RateLimit limit = RateLimit.tier(1).toBuilder().store(store, "org-my-team").build();
 * KimiClient kimi = KimiClient.builder().fromEnv().rateLimit(limit).build();
 * }</pre>
 *
 * <p>It runs on the Redis client the application has, through a {@link RedisScripts}: {@link
 * JedisScripts} (standalone, Sentinel, Cluster), {@link LettuceScripts} (the same three; Spring
 * Data Redis's default client) or {@link SpringDataRedisScripts} (an application's Spring Data
 * Redis connection factory, on either). This class names no client's types.
 *
 * <p>Each operation is one Lua script, run atomically by Redis on Redis's own clock ({@code TIME}),
 * so the processes' clocks need not agree. An account's state lives under keys sharing one hash
 * tag, {@code kimi-rate:{account}:...}, so it stays on one node of a cluster; every key but one
 * expires by itself once unused ({@code :started}, a few bytes, marks that this Redis has served
 * the account).
 *
 * <p><b>What it holds.</b>
 *
 * <ul>
 *   <li><b>Leases</b> of {@link #renewedLease()} (15 s by default, at most 30 s), renewed by each
 *       client every third of that while their calls live: a process killed mid-call frees its
 *       slots within one lease length, whatever its timeouts, and a stream of hours keeps its slot.
 *   <li><b>Requests and tokens</b> over a rolling minute, each counted from when it was taken plus
 *       one second ({@link #SEND_MARGIN}): Kimi counts a request from when it arrives, a little
 *       later, so one counted from its take alone could leave the store's minute just before it
 *       leaves Kimi's, and the next request would be refused.
 *   <li><b>A pause</b> after a 429 ({@code Retry-After}, or Kimi's "try again after N seconds"),
 *       read by every process before each take, and again just before each request leaves ({@link
 *       #pausedFor}): none sends until it ends, not even a request whose slot it took before the
 *       pause was written; a later, shorter pause never shortens it. Lower limits Kimi stated in a
 *       429 hold for every process for 10 minutes from the last 429 that stated them.
 *   <li><b>A line of callers refused</b>, so that a process that gives a slot back does not take it
 *       again before the processes that were waiting for one had their turn. A caller that stops
 *       asking (its process died) leaves the line a second after it was due to ask again.
 * </ul>
 *
 * <p><b>Budgets.</b> kimi-sdk-budget's budgets are kept in the same Redis, with this store's
 * fallback, by a {@link RedisBudgetStore} made on it ({@link RedisBudgetStore#of}).
 *
 * <p><b>Restarts.</b> A Redis restarted empty has lost the leases: the clients holding them
 * register them again at their next renewal (within a third of the lease length), and until then,
 * for a third of the lease length plus two seconds after Redis started, the store gives out no new
 * slot, so the concurrency limit holds across the restart. (Redis states its uptime in whole
 * seconds: the wait ends no sooner than that after the start, and at most a second later.) The
 * minute's counters start empty: in the minute around a restart the fleet can send up to twice the
 * requests-per-minute limit (Kimi answers the excess with 429s, whose pause is then shared). A
 * Redis that starts serving an account for the first time waits the same; a test whose Redis is its
 * own and fresh skips it with {@link Builder#restartWait(boolean) restartWait(false)}.
 *
 * <p><b>Failovers.</b> A replica promoted in place of a master that died (Sentinel, Cluster) holds
 * the leases it had replicated, so the concurrency limit holds. The leases of calls that ended
 * while no master answered are given back at this store's next call that reaches Redis; those of a
 * process that ended meanwhile expire within one lease length.
 *
 * <p><b>When Redis cannot be reached</b> or cannot serve (on any topology, whatever the client
 * throws for it: see {@link RedisScripts}), the {@link Fallback} chosen decides: fail the call with
 * a clear error naming the store, or count in this process alone until Redis answers again (logged
 * once per outage); with {@link Fallback#IN_PROCESS} the fleet can then send up to processes x
 * limit at once (three processes of a concurrency of 4 reached 12 in the fleet harness). A lease
 * renewal that fails is logged by the client once per outage and never delays a call.
 *
 * <p>A take waits for Redis as long as the client lets it: give the client short timeouts (half a
 * second) and, on a cluster, few attempts (see {@link JedisScripts} and {@link LettuceScripts}),
 * since the rate limiter asks before every call. Processes sharing an account should use the same
 * lease length.
 *
 * <p><b>Threads.</b> Any thread calls any method. The shared state is Redis's; here, the fallback's
 * state ({@code down}, {@code outage}, {@code retryAt}, and {@code probing}, which lets one probe
 * out at a time; a race only asks Redis once more), the leases taken in the fallback and those
 * whose give-back failed, in concurrent collections. Probes run on the common fork-join pool.
 */
public final class RedisRateLimitStore implements RateLimitStore {

  /**
   * What the store does while Redis cannot be reached or cannot serve: whenever its {@link
   * RedisScripts} throws {@link RedisUnavailableException} (on any topology: a connection refused,
   * lost or timed out, a cluster's attempts exhausted or {@code CLUSTERDOWN}, a failover under
   * way).
   */
  public enum Fallback {
    /**
     * The call fails, not sent: the client's {@code ConnectionException} names the store and says
     * "Redis is unreachable, and the shared rate limit fails closed: " and what the client said.
     * Once one take found Redis down, the others fail so at once, without asking it, until a probe
     * (every 200 ms, aside) finds it answering again.
     */
    FAIL_CLOSED,
    /**
     * The call is counted by an in-process store of this process's own, at its full limits, until a
     * probe (every two seconds, aside) finds Redis answering again; logged once per outage.
     */
    IN_PROCESS
  }

  /** How long a renewed lease lasts by default. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);

  /** How much longer than the minute a request and its tokens are counted: their way to Kimi. */
  public static final Duration SEND_MARGIN = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(RedisRateLimitStore.class.getName());

  /** How long a caller refused only for concurrency waits before asking again. */
  static final long LEASE_POLL_MILLIS = 10;

  /** How long after it was due to ask again a refused caller keeps its place in line. */
  static final long LINE_SLACK_MILLIS = 1_000;

  /** How long lower limits stated in a 429 hold after the last 429 that stated them. */
  static final long STATED_MILLIS = 600_000;

  /**
   * How much longer than a third of the lease a Redis that just started waits before its first new
   * slot: the holders renew every third of the lease, and one may be late.
   */
  static final Duration RESTART_MARGIN = Duration.ofSeconds(2);

  /** The longest lease a store hands out (see {@link Builder#leaseLength}). */
  static final Duration LONGEST_LEASE = Duration.ofSeconds(30);

  /** How often a store that counts alone in an outage probes Redis. */
  static final Duration RETRY_REDIS = Duration.ofSeconds(2);

  /**
   * How often a store that fails closed in an outage probes Redis. A probe runs aside: no take
   * waits for a Redis known to be down (a cluster client reads the slots again at each try).
   */
  static final Duration RECHECK_CLOSED = Duration.ofMillis(200);

  // KEYS: requests, tokens, leases, sequence, pause, stated, line, due, started. ARGV: caller,
  // rpm, tpm, concurrency (0 = unlimited), tokens, lease millis (0 = no lease), poll millis,
  // window millis, send margin millis, restart grace millis (negative: no wait after a start),
  // line slack millis.
  // Returns 0 when taken, else the millis to wait before asking again. A caller that holds its
  // lease
  // already (a take that ran, but whose reply was lost to a timeout and retried by the client or
  // asked again) has it: renewed, and counted once.
  static final String TAKE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local name = ARGV[1]
      local rpm, tpm, conc = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
      local tokens, leaseFor, poll = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
      local window, margin = tonumber(ARGV[8]), tonumber(ARGV[9])
      local grace, slack = tonumber(ARGV[10]), tonumber(ARGV[11])
      local stated = redis.call('HMGET', KEYS[6], 'rpm', 'tpm', 'conc')
      local function lower(mine, said)
        said = tonumber(said)
        if said and said > 0 and (mine == 0 or said < mine) then return said end
        return mine
      end
      rpm, tpm, conc = lower(rpm, stated[1]), lower(tpm, stated[2]), lower(conc, stated[3])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
      if leaseFor > 0 and redis.call('ZSCORE', KEYS[3], name) then
        redis.call('ZADD', KEYS[3], now + leaseFor, name)
        local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
        redis.call('PEXPIREAT', KEYS[3], tonumber(last[2]) + 1)
        redis.call('ZREM', KEYS[7], name)
        redis.call('ZREM', KEYS[8], name)
        return 0
      end
      local gone = redis.call('ZRANGEBYSCORE', KEYS[8], '-inf', now)
      for i = 1, #gone do
        redis.call('ZREM', KEYS[7], gone[i])
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now)
      local ahead = redis.call('ZRANK', KEYS[7], name)
      if not ahead then
        ahead = redis.call('ZCARD', KEYS[7])
      end
      local wait = 0
      local paused = tonumber(redis.call('GET', KEYS[5]))
      if paused and paused > now then
        wait = paused - now
      end
      if rpm > 0 then
        local n = redis.call('ZCARD', KEYS[1])
        local over = n + ahead + 1 - rpm
        if over > 0 and over <= n then
          local s = redis.call('ZRANGE', KEYS[1], over - 1, over - 1, 'WITHSCORES')
          wait = math.max(wait, tonumber(s[2]) + window - now)
        elseif over > 0 then
          wait = math.max(wait, poll)
        end
      end
      if tpm > 0 and tokens > 0 then
        local spent = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
        local used = 0
        for i = 1, #spent, 2 do
          used = used + tonumber(string.match(spent[i], ':(%d+)$'))
        end
        local free = tpm - used
        if tokens > free then
          local at = nil
          for i = 1, #spent, 2 do
            free = free + tonumber(string.match(spent[i], ':(%d+)$'))
            if tokens <= free then
              at = tonumber(spent[i + 1])
              break
            end
          end
          if at == nil then
            at = #spent > 0 and tonumber(spent[#spent]) or now - window
          end
          wait = math.max(wait, at + window - now)
        end
      end
      if leaseFor > 0 then
        if conc > 0 and redis.call('ZCARD', KEYS[3]) + ahead + 1 > conc then
          wait = math.max(wait, poll)
        end
        if grace >= 0 and redis.call('EXISTS', KEYS[9]) == 0 then
          local ready = nil
          local ok, info = pcall(redis.call, 'INFO', 'server')
          if ok and type(info) == 'string' then
            local up = tonumber(string.match(info, 'uptime_in_seconds:(%d+)'))
            if up then
              -- whole seconds from the second Redis started in (its fraction dropped), so it
              -- started before the next one began: the grace runs from there, never early
              ready = (tonumber(t[1]) - up + 1) * 1000 + grace
            end
          end
          if ready and now < ready then
            wait = math.max(wait, ready - now)
          elseif wait <= 0 then
            redis.call('SET', KEYS[9], now)
          end
        end
      end
      if wait > 0 then
        wait = math.max(1, math.ceil(wait))
        local order = now * 1024 + redis.call('INCR', KEYS[4]) % 1024
        redis.call('ZADD', KEYS[7], 'NX', order, name)
        redis.call('PEXPIRE', KEYS[4], window + margin)
        redis.call('ZADD', KEYS[8], now + math.min(wait, 60000) + slack, name)
        redis.call('PEXPIRE', KEYS[7], 60000 + slack)
        redis.call('PEXPIRE', KEYS[8], 60000 + slack)
        return wait
      end
      redis.call('ZREM', KEYS[7], name)
      redis.call('ZREM', KEYS[8], name)
      local seq = redis.call('INCR', KEYS[4])
      redis.call('ZADD', KEYS[1], now + margin, seq)
      redis.call('PEXPIRE', KEYS[1], window + margin)
      if tokens > 0 then
        redis.call('ZADD', KEYS[2], now + margin, seq .. ':' .. tokens)
        redis.call('PEXPIRE', KEYS[2], window + margin)
      end
      if leaseFor > 0 then
        redis.call('ZADD', KEYS[3], now + leaseFor, name)
        local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
        redis.call('PEXPIREAT', KEYS[3], tonumber(last[2]) + 1)
      end
      redis.call('PEXPIRE', KEYS[4], window + margin)
      return 0
      """;

  // KEYS: leases, line, due. ARGV: callers. Returns how many of their leases were out.
  static final String GIVE_BACK =
      """
      local out = 0
      for i = 1, #ARGV do
        redis.call('ZREM', KEYS[2], ARGV[i])
        redis.call('ZREM', KEYS[3], ARGV[i])
        out = out + redis.call('ZREM', KEYS[1], ARGV[i])
      end
      return out
      """;

  // KEYS: leases. Asks whether the node of an account's keys answers; returns 0.
  static final String PROBE =
      """
      redis.call('EXISTS', KEYS[1])
      return 0
      """;

  // KEYS: leases. ARGV: lease millis, then the leases. Returns how many were missing (lost in a
  // restart, or expired), registered again.
  static final String RENEW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local expiry = now + tonumber(ARGV[1])
      local missing = 0
      for i = 2, #ARGV do
        missing = missing + redis.call('ZADD', KEYS[1], expiry, ARGV[i])
      end
      local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      if #last > 0 then
        redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + 1)
      end
      return missing
      """;

  // KEYS: pause, stated. ARGV: pause millis, stated rpm, tpm, concurrency (0 = not stated),
  // millis the stated limits hold. Returns the millis the account is paused for. The pause ends on
  // the first millisecond at or after its whole length from now, to the microsecond: a take reads
  // the clock in whole milliseconds, and one that read the pause's end with now's fraction dropped
  // could pass up to a millisecond before the pause had lasted its length.
  static final String PAUSE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local expiry = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
      local current = tonumber(redis.call('GET', KEYS[1]))
      if not current or current < expiry then
        redis.call('SET', KEYS[1], expiry, 'PX', math.max(1, expiry - now))
        current = expiry
      end
      local fields = {'rpm', 'tpm', 'conc'}
      local any = false
      for i = 1, 3 do
        local said = tonumber(ARGV[i + 1])
        if said > 0 then
          local held = tonumber(redis.call('HGET', KEYS[2], fields[i]))
          if not held or said < held then
            redis.call('HSET', KEYS[2], fields[i], said)
          end
          any = true
        end
      end
      if any then
        redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
      end
      return current - now
      """;

  // KEYS: pause. Returns the millis the account stays paused for, 0 when it is not: a client's last
  // look before it sends a request it took before (RateLimitStore.pausedFor).
  static final String PAUSED =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local paused = tonumber(redis.call('GET', KEYS[1]))
      if paused and paused > now then
        return paused - now
      end
      return 0
      """;

  private final RedisScripts redis;
  private final Fallback fallback;
  private final Duration lease;
  private final boolean restartWait;
  private final long windowMillis;
  private final String takeSha = sha1(TAKE);
  private final String giveBackSha = sha1(GIVE_BACK);
  private final String renewSha = sha1(RENEW);
  private final String pauseSha = sha1(PAUSE);
  private final String pausedSha = sha1(PAUSED);
  private final String probeSha = sha1(PROBE);
  private final RateLimitStore local = RateLimitStore.inProcess();
  private final Set<String> localLeases = ConcurrentHashMap.newKeySet();
  // An outage seen, and Redis not answered since; the last outage; when a probe may ask Redis
  // again, and whether one is out.
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile RedisUnavailableException outage;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final Duration probeEvery;
  private final Executor probes;
  private final LongSupplier nanoTime;
  private volatile long retryAt;
  // The leases whose give-back failed while Redis was unavailable, each with the time (nanoTime)
  // by which it has expired in Redis anyway (the longest lease after the give-back): given back by
  // the next call that reaches Redis, so that a Redis back from a blip, or a replica promoted in a
  // failover, does not hold them until they expire. Any thread adds and removes entries.
  private final Map<Unreturned, Long> unreturned = new ConcurrentHashMap<>();

  /** A lease whose give-back failed. */
  private record Unreturned(String account, String lease) {}

  private RedisRateLimitStore(Builder b) {
    this.redis = b.redis;
    this.fallback = b.fallback;
    this.lease = b.lease;
    this.restartWait = b.restartWait;
    this.nanoTime = b.nanoTime;
    this.windowMillis = b.window.toMillis();
    this.probes = b.probes;
    this.probeEvery = fallback == Fallback.IN_PROCESS ? RETRY_REDIS : RECHECK_CLOSED;
  }

  /**
   * Returns a store kept in the Redis that {@code redis} runs scripts on, with leases of {@link
   * #DEFAULT_LEASE}. Give the client short timeouts (half a second), since the rate limiter asks
   * before every call.
   *
   * @param redis the client's adapter, such as {@code JedisScripts.of(jedis)} or {@code
   *     LettuceScripts.of(connection)}
   * @param fallback what to do while Redis cannot be reached
   * @return the store
   */
  public static RedisRateLimitStore create(RedisScripts redis, Fallback fallback) {
    return builder(redis).fallback(fallback).build();
  }

  /**
   * Returns a builder of a store kept in the Redis that {@code redis} runs scripts on.
   *
   * @param redis the client's adapter, such as {@code JedisScripts.of(jedis)} or {@code
   *     LettuceScripts.of(connection)}
   * @return the builder
   */
  public static Builder builder(RedisScripts redis) {
    return new Builder(redis);
  }

  /** Configures a {@link RedisRateLimitStore}. */
  public static final class Builder {
    private final RedisScripts redis;
    private Fallback fallback = Fallback.FAIL_CLOSED;
    private Duration lease = DEFAULT_LEASE;
    private boolean restartWait = true;
    private LongSupplier nanoTime = System::nanoTime;
    private Duration window = Duration.ofMinutes(1);
    private Executor probes = ForkJoinPool.commonPool();

    private Builder(RedisScripts redis) {
      this.redis = Objects.requireNonNull(redis, "redis");
    }

    /**
     * Sets what the store does while Redis cannot be reached (default {@link
     * Fallback#FAIL_CLOSED}).
     *
     * @param fallback the fallback
     * @return this builder
     */
    public Builder fallback(Fallback fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * Sets how long a lease lasts unless renewed (default {@link #DEFAULT_LEASE}): the longest a
     * killed process keeps its slots. Clients renew every third of it, and after a Redis restart no
     * slot is given out for a third of it plus two seconds.
     *
     * @param lease from 3 to 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code lease} is out of range
     */
    public Builder leaseLength(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofSeconds(3)) < 0 || lease.compareTo(LONGEST_LEASE) > 0) {
        throw new IllegalArgumentException("lease must be from 3 to 30 seconds: " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Sets whether the store waits, on a Redis that started less than a third of the lease plus two
     * seconds ago and has not served this account since, before it gives out the first slot
     * (default {@code true}). The wait is what keeps the concurrency limit across a restart: a
     * Redis restarted empty has lost the leases of the calls in flight, and their clients register
     * them again at their next renewal, within a third of the lease. Nothing in Redis tells a
     * restart from a first start (both are empty, with a short uptime), so a store cannot skip the
     * wait by itself. Turn it off where no process can hold a lease in this Redis when it starts: a
     * test's own fresh Redis (a Testcontainers container, a {@code redis-server} the test starts),
     * which then gives its first slot at once instead of after up to 7 s. In production, off means
     * that for a third of the lease after a restart the fleet can hold up to twice its concurrency
     * limit. It is this store's choice alone: processes that keep the wait still wait.
     *
     * @param restartWait false to give out slots at once on a Redis that just started
     * @return this builder
     */
    public Builder restartWait(boolean restartWait) {
      this.restartWait = restartWait;
      return this;
    }

    /** Sets the clock of the fallback's retry time; for tests. */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = nanoTime;
      return this;
    }

    /** Sets where the probes of a Redis that was down run; for tests. */
    Builder probes(Executor probes) {
      this.probes = probes;
      return this;
    }

    /**
     * Sets the length of the rolling window, in place of the minute; for the fleet tests only,
     * which scale Kimi's minute (their fake's clock) by the same factor.
     */
    Builder window(Duration window) {
      this.window = window;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     */
    public RedisRateLimitStore build() {
      return new RedisRateLimitStore(this);
    }
  }

  /** As {@link #create(RedisScripts, Fallback)}, with the clock of its retry time; for tests. */
  static RedisRateLimitStore create(RedisScripts redis, Fallback fallback, LongSupplier nanoTime) {
    return builder(redis).fallback(fallback).nanoTime(nanoTime).build();
  }

  /** Returns the keys of {@code account}'s state, in the order {@link #TAKE} takes them. */
  static List<String> keys(String account) {
    String base = "kimi-rate:{" + account + "}:";
    return List.of(
        base + "requests",
        base + "tokens",
        base + "leases",
        base + "seq",
        base + "pause",
        base + "stated",
        base + "line",
        base + "due",
        base + "started");
  }

  @Override
  public Duration renewedLease() {
    return lease;
  }

  @Override
  public Duration tryTake(
      String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
    if (down.get()) {
      probeWhenDue(account);
      if (down.get()) { // still: the probe runs aside
        return whileDown(outage, account, lease, limits, tokens, leaseFor); // set before down
      }
    }
    List<String> args =
        List.of(
            lease,
            Long.toString(limits.requestsPerMinute().orElse(0)),
            Long.toString(limits.tokensPerMinute().orElse(0)),
            Long.toString(limits.maxConcurrency().orElse(0)),
            Long.toString(tokens),
            Long.toString(leaseFor.toMillis()),
            Long.toString(LEASE_POLL_MILLIS),
            Long.toString(windowMillis),
            Long.toString(SEND_MARGIN.toMillis()),
            Long.toString(
                restartWait ? this.lease.dividedBy(3).plus(RESTART_MARGIN).toMillis() : -1),
            Long.toString(LINE_SLACK_MILLIS));
    try {
      giveBackUnreturned(account);
      long wait = run(takeSha, TAKE, keys(account), args);
      back();
      return Duration.ofMillis(wait);
    } catch (RedisUnavailableException e) {
      wentDown(e);
      return whileDown(e, account, lease, limits, tokens, leaseFor);
    }
  }

  /** Takes while Redis is down: fails closed with what Redis's client said, or counts alone. */
  private Duration whileDown(
      RedisUnavailableException cause,
      String account,
      String lease,
      RateLimit limits,
      long tokens,
      Duration leaseFor) {
    if (fallback == Fallback.FAIL_CLOSED) {
      throw unreachable(cause);
    }
    return takeLocally(account, lease, limits, tokens, leaseFor);
  }

  @Override
  public void giveBack(String account, String lease) {
    if (localLeases.remove(lease)) {
      local.giveBack(account, lease);
      return;
    }
    if (!down.get()) {
      List<String> k = keys(account);
      try {
        run(giveBackSha, GIVE_BACK, List.of(k.get(2), k.get(6), k.get(7)), List.of(lease));
        return;
      } catch (RedisUnavailableException e) {
        wentDown(e);
      }
    }
    // given back by the next call that reaches Redis, or expired there by then
    unreturned.put(new Unreturned(account, lease), nanoTime.getAsLong() + LONGEST_LEASE.toNanos());
  }

  /**
   * Gives back {@code account}'s leases whose give-back failed, unless none are waiting; throws
   * {@link RedisUnavailableException} and keeps them when Redis is still unavailable.
   */
  private void giveBackUnreturned(String account) {
    if (unreturned.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    List<String> leases = new ArrayList<>();
    for (Map.Entry<Unreturned, Long> e : unreturned.entrySet()) {
      if (now - e.getValue() > 0) {
        unreturned.remove(e.getKey(), e.getValue()); // expired in Redis by now
      } else if (e.getKey().account().equals(account)) {
        leases.add(e.getKey().lease());
      }
    }
    if (leases.isEmpty()) {
      return;
    }
    leases.sort(null);
    List<String> k = keys(account);
    run(giveBackSha, GIVE_BACK, List.of(k.get(2), k.get(6), k.get(7)), leases);
    for (String l : leases) {
      unreturned.remove(new Unreturned(account, l));
    }
  }

  @Override
  public void renew(String account, Collection<String> leases, Duration leaseFor) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(leaseFor.toMillis()));
    for (String l : leases) {
      if (!localLeases.contains(l)) {
        args.add(l);
      }
    }
    try {
      giveBackUnreturned(account);
      if (args.size() == 1) {
        return;
      }
      long missing = run(renewSha, RENEW, List.of(keys(account).get(2)), args);
      back();
      if (missing > 0) {
        LOG.log(
            System.Logger.Level.INFO,
            "Redis had lost {0} concurrency lease(s) of account {1} held by calls still in flight"
                + " (a restart?); registered them again",
            missing,
            account);
      }
    } catch (RedisUnavailableException e) {
      throw unreachable(e);
    }
  }

  @Override
  public void pause(String account, Duration pause, RateLimit stated) {
    List<String> k = keys(account);
    List<String> args =
        List.of(
            Long.toString(Math.max(1, pause.toMillis())),
            Long.toString(stated == null ? 0 : stated.requestsPerMinute().orElse(0)),
            Long.toString(stated == null ? 0 : stated.tokensPerMinute().orElse(0)),
            Long.toString(stated == null ? 0 : stated.maxConcurrency().orElse(0)),
            Long.toString(STATED_MILLIS));
    try {
      run(pauseSha, PAUSE, List.of(k.get(4), k.get(5)), args);
      back();
    } catch (RedisUnavailableException e) {
      local.pause(account, pause, stated); // this process's fallback at least
      throw unreachable(e);
    }
  }

  /**
   * Returns how long {@code account} stays paused, by Redis's clock: a client's last look before it
   * sends a request it took a permit for earlier. While Redis is known to be down it asks nothing
   * and answers what this process's own fallback holds; when Redis cannot be reached it notes the
   * outage and answers the same (the client then sends as its take allowed).
   */
  @Override
  public Duration pausedFor(String account) {
    if (down.get()) {
      probeWhenDue(account);
      return local.pausedFor(account);
    }
    try {
      long millis = run(pausedSha, PAUSED, List.of(keys(account).get(4)), List.of());
      return millis > 0 ? Duration.ofMillis(millis) : Duration.ZERO;
    } catch (RedisUnavailableException e) {
      wentDown(e);
      return local.pausedFor(account);
    }
  }

  private Duration takeLocally(
      String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
    Duration wait = local.tryTake(account, lease, limits, tokens, leaseFor);
    if (wait.isZero() && !leaseFor.isZero()) {
      localLeases.add(lease);
    }
    return wait;
  }

  private long run(String sha, String script, List<String> keys, List<String> args) {
    return redis.eval(script, sha, keys, args);
  }

  /** Returns the adapter the store runs its scripts on; for {@link RedisBudgetStore}. */
  RedisScripts scripts() {
    return redis;
  }

  /** Returns what the store does while Redis cannot be reached; for {@link RedisBudgetStore}. */
  Fallback fallbackMode() {
    return fallback;
  }

  /**
   * Tells whether Redis is known to be down, and if so asks a probe of it when one is due: a
   * budget's call then answers from the fallback without asking Redis; for {@link
   * RedisBudgetStore}.
   */
  boolean knownDown() {
    if (down.get()) {
      probeWhenDue("budget");
      return down.get();
    }
    return false;
  }

  /** Notes that Redis answered a budget's script; for {@link RedisBudgetStore}. */
  void answered() {
    back();
  }

  /** Notes that Redis could not be reached for a budget's script; for {@link RedisBudgetStore}. */
  void noteUnreachable(RedisUnavailableException e) {
    wentDown(e);
  }

  /** Returns the last outage seen, or null; for {@link RedisBudgetStore}'s messages. */
  RedisUnavailableException lastOutage() {
    return outage;
  }

  private static IllegalStateException unreachable(RedisUnavailableException e) {
    return new IllegalStateException(
        "Redis is unreachable, and the shared rate limit fails closed: " + e.getMessage(), e);
  }

  /**
   * Notes an outage: until a probe finds Redis answering again, takes fail closed or count alone
   * without asking Redis, and a probe asks it, aside, from {@code retryAt} on.
   */
  private void wentDown(RedisUnavailableException e) {
    outage = e;
    retryAt = nanoTime.getAsLong() + probeEvery.toNanos();
    if (down.compareAndSet(false, true) && fallback == Fallback.IN_PROCESS) {
      String cause = e.getMessage();
      logAside(
          System.Logger.Level.WARNING,
          "Redis is unreachable ({0}); counting this process''s calls alone until it answers",
          cause);
    }
  }

  /**
   * Asks Redis, on the probes' executor, whether it answers again for {@code account}'s keys, once
   * {@code retryAt} has come and no probe is out: so that no take waits for a Redis known to be
   * down.
   */
  private void probeWhenDue(String account) {
    if (nanoTime.getAsLong() - retryAt < 0 || !probing.compareAndSet(false, true)) {
      return;
    }
    retryAt = nanoTime.getAsLong() + probeEvery.toNanos();
    probes.execute(
        () -> {
          try {
            run(probeSha, PROBE, List.of(keys(account).get(2)), List.of());
            back();
          } catch (RedisUnavailableException e) {
            wentDown(e);
          } catch (RuntimeException e) {
            back(); // it answered, with an error the next take reports
          } finally {
            probing.set(false);
          }
        });
  }

  private void back() {
    if (down.compareAndSet(true, false) && fallback == Fallback.IN_PROCESS) {
      logAside(System.Logger.Level.INFO, "Redis answers again; the rate limit is shared again");
    }
  }

  /**
   * Logs on another thread: a take in an outage must answer within milliseconds, and a process's
   * first log line can take a few hundred (the logging backend starts).
   */
  private static void logAside(System.Logger.Level level, String format, Object... args) {
    ForkJoinPool.commonPool().execute(() -> LOG.log(level, format, args));
  }

  /** Returns whether the store knows Redis to be down (no take asks it); for tests. */
  boolean down() {
    return down.get();
  }

  /**
   * Returns whether the store counts in this process because Redis was unreachable.
   *
   * @return true while it falls back
   */
  public boolean fallenBack() {
    return fallback == Fallback.IN_PROCESS && down.get();
  }

  static String sha1(String script) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RedisRateLimitStore["
        + redis
        + ", fallback="
        + fallback
        + ", lease="
        + lease
        + (restartWait ? "" : ", restartWait=false")
        + "]";
  }
}
