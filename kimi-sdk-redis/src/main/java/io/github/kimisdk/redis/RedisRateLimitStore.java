package io.github.kimisdk.redis;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A {@link RateLimitStore} kept in Redis, so that every process using one Kimi account splits its
 * budget. Each operation is one Lua script, run atomically by Redis on Redis's own clock (so the
 * processes' clocks need not agree). An account's counters live under three keys sharing one hash
 * tag, so they stay on one node of a cluster:
 *
 * <ul>
 *   <li>{@code kimi-rate:{account}:requests}: a sorted set of the minute's requests, scored by the
 *       millisecond they were sent;
 *   <li>{@code kimi-rate:{account}:tokens}: the same for tokens, each member holding its amount;
 *   <li>{@code kimi-rate:{account}:leases}: the concurrency leases out, scored by their expiry.
 * </ul>
 *
 * <p>Every key expires by itself once unused. When Redis cannot be reached, the {@link Fallback}
 * chosen decides: fail the call with a clear error, or count in this process alone until Redis
 * answers again (logged once per outage).
 */
public final class RedisRateLimitStore implements RateLimitStore {

  /** What the store does while Redis cannot be reached. */
  public enum Fallback {
    /** The call fails (the client's ConnectionException names Redis) and is not sent. */
    FAIL_CLOSED,
    /** The call is counted by an in-process store of this process's own, at its full limits. */
    IN_PROCESS
  }

  private static final System.Logger LOG = System.getLogger(RedisRateLimitStore.class.getName());

  /** How long a caller refused only for concurrency waits before asking again. */
  static final long LEASE_POLL_MILLIS = 10;

  /** How long the fallback is used before Redis is tried again. */
  static final Duration RETRY_REDIS = Duration.ofSeconds(2);

  // KEYS: requests, tokens, leases, sequence. ARGV: lease, rpm, tpm, concurrency (0 = unlimited),
  // tokens, lease millis (0 = no lease), poll millis, window millis. Returns 0 when taken, else
  // millis to wait.
  static final String TAKE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local minute = tonumber(ARGV[8])
      local rpm, tpm, conc = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
      local tokens, leaseFor = tonumber(ARGV[5]), tonumber(ARGV[6])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - minute)
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - minute)
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
      local wait = 0
      if rpm > 0 then
        local n = redis.call('ZCARD', KEYS[1])
        if n >= rpm then
          local s = redis.call('ZRANGE', KEYS[1], n - rpm, n - rpm, 'WITHSCORES')
          wait = math.max(wait, tonumber(s[2]) + minute - now)
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
            at = #spent > 0 and tonumber(spent[#spent]) or now - minute
          end
          wait = math.max(wait, at + minute - now)
        end
      end
      if wait <= 0 and leaseFor > 0 and conc > 0 and redis.call('ZCARD', KEYS[3]) >= conc then
        wait = tonumber(ARGV[7])
      end
      if wait > 0 then
        return math.max(1, math.ceil(wait))
      end
      local seq = redis.call('INCR', KEYS[4])
      redis.call('ZADD', KEYS[1], now, seq)
      redis.call('PEXPIRE', KEYS[1], minute)
      if tokens > 0 then
        redis.call('ZADD', KEYS[2], now, seq .. ':' .. tokens)
        redis.call('PEXPIRE', KEYS[2], minute)
      end
      if leaseFor > 0 then
        redis.call('ZADD', KEYS[3], now + leaseFor, ARGV[1])
        local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
        redis.call('PEXPIREAT', KEYS[3], tonumber(last[2]) + 1)
      end
      redis.call('PEXPIRE', KEYS[4], minute)
      return 0
      """;

  // KEYS: leases. ARGV: lease. Returns 1 if the lease was out.
  static final String GIVE_BACK = "return redis.call('ZREM', KEYS[1], ARGV[1])";

  private final UnifiedJedis redis;
  private final Fallback fallback;
  private final String takeSha = sha1(TAKE);
  private final String giveBackSha = sha1(GIVE_BACK);
  private final RateLimitStore local = RateLimitStore.inProcess();
  private final Set<String> localLeases = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean down = new AtomicBoolean();
  private final LongSupplier nanoTime;
  private final long windowMillis;
  private volatile long retryAt;

  private RedisRateLimitStore(Builder b) {
    this.redis = b.redis;
    this.fallback = b.fallback;
    this.nanoTime = b.nanoTime;
    this.windowMillis = b.window.toMillis();
  }

  /**
   * Returns a builder of a store kept in {@code redis}.
   *
   * @param redis the Redis client
   * @return the builder
   */
  public static Builder builder(UnifiedJedis redis) {
    return new Builder(redis);
  }

  /** Configures a {@link RedisRateLimitStore}. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private Fallback fallback = Fallback.FAIL_CLOSED;
    private LongSupplier nanoTime = System::nanoTime;
    private Duration window = Duration.ofMinutes(1);

    private Builder(UnifiedJedis redis) {
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

    /** Sets the clock of the fallback's retry time; for tests. */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = nanoTime;
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

  /**
   * Returns a store kept in {@code redis}. Give the client short timeouts (half a second), since
   * the rate limiter asks before every call.
   *
   * @param redis the Redis client, such as {@code RedisClient.create("127.0.0.1", 6379)}
   * @param fallback what to do while Redis cannot be reached
   * @return the store
   */
  public static RedisRateLimitStore create(UnifiedJedis redis, Fallback fallback) {
    return builder(redis).fallback(fallback).build();
  }

  /** As {@link #create(UnifiedJedis, Fallback)}, with the clock of its retry time; for tests. */
  static RedisRateLimitStore create(UnifiedJedis redis, Fallback fallback, LongSupplier nanoTime) {
    return builder(redis).fallback(fallback).nanoTime(nanoTime).build();
  }

  /** Returns the keys of {@code account}'s counters, in the order the scripts take them. */
  static List<String> keys(String account) {
    String base = "kimi-rate:{" + account + "}:";
    return List.of(base + "requests", base + "tokens", base + "leases", base + "seq");
  }

  @Override
  public Duration tryTake(
      String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
    if (useFallback()) {
      return takeLocally(account, lease, limits, tokens, leaseFor);
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
            Long.toString(windowMillis));
    try {
      long wait = (Long) run(takeSha, TAKE, keys(account), args);
      back();
      return Duration.ofMillis(wait);
    } catch (JedisConnectionException e) {
      if (fallback == Fallback.FAIL_CLOSED) {
        throw new IllegalStateException(
            "Redis is unreachable, and the shared rate limit fails closed: " + e.getMessage(), e);
      }
      fellBack(e);
      return takeLocally(account, lease, limits, tokens, leaseFor);
    }
  }

  @Override
  public void giveBack(String account, String lease) {
    if (localLeases.remove(lease)) {
      local.giveBack(account, lease);
      return;
    }
    try {
      run(giveBackSha, GIVE_BACK, List.of(keys(account).get(2)), List.of(lease));
    } catch (JedisConnectionException e) {
      // the lease expires in Redis by itself
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

  private Object run(String sha, String script, List<String> keys, List<String> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(script, keys, args); // loads it, after a restart or a SCRIPT FLUSH
    }
  }

  private boolean useFallback() {
    return down.get() && nanoTime.getAsLong() - retryAt < 0;
  }

  private void fellBack(JedisConnectionException e) {
    retryAt = nanoTime.getAsLong() + RETRY_REDIS.toNanos();
    if (down.compareAndSet(false, true)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Redis is unreachable ({0}); counting this process''s calls alone until it answers",
          e.getMessage());
    }
  }

  private void back() {
    if (down.compareAndSet(true, false)) {
      LOG.log(System.Logger.Level.INFO, "Redis answers again; the rate limit is shared again");
    }
  }

  /**
   * Returns whether the store counts in this process because Redis was unreachable.
   *
   * @return true while it falls back
   */
  public boolean fallenBack() {
    return down.get();
  }

  private static String sha1(String script) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RedisRateLimitStore[fallback=" + fallback + "]";
  }
}
