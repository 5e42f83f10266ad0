package io.github.kimisdk.redis;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the store's scripts on a Jedis client: any {@code UnifiedJedis}, so {@code RedisClient}
 * (standalone), {@code RedisSentinelClient} and {@code RedisClusterClient} of Jedis 8 (tested with
 * 8.0.2), or {@code JedisPooled} and {@code JedisCluster} of earlier ones (it calls only {@code
 * evalsha} and {@code eval}, and names only exception types that Jedis 4 has).
 *
 * <pre>{@code
 * RedisClusterClient jedis = RedisClusterClient.builder()
 *     .nodes(Set.of(new HostAndPort("10.0.0.1", 6379)))
 *     .clientConfig(DefaultJedisClientConfig.builder()
 *         .connectionTimeoutMillis(500).socketTimeoutMillis(500).build())
 *     .maxAttempts(2) // a redirection followed; with fewer than 3, no sleep between attempts
 *     .build();
 * RedisRateLimitStore store =
 *     RedisRateLimitStore.create(JedisScripts.of(jedis), Fallback.IN_PROCESS);
 * }</pre>
 *
 * <p>An outage is any {@code JedisException} (a {@code JedisConnectionException}, a {@code
 * JedisClusterOperationException} such as "No more cluster attempts left", the pool's, a
 * failover's) but a mistake (a bad argument or URI, refused credentials) and an error reply ({@code
 * JedisDataException}) that is not about Redis's state; {@code CLUSTERDOWN} arrives as a {@code
 * JedisClusterException}: see {@link RedisScripts}. A connection refused is tried once more on a
 * standalone or Sentinel client, whose pool hands out a connection to a restarted Redis once before
 * it opens a new one.
 *
 * <p>A take waits at most what the client allows: the connect and socket timeouts per attempt, and
 * on a cluster {@code maxAttempts} attempts (5 by default, with sleeps between them within {@code
 * maxTotalRetriesDuration}, by default the socket timeout times the attempts: a take took up to 2.3
 * s in a failover with 500 ms timeouts). With {@code maxAttempts(2)} the client does not sleep:
 * while a master is down, a take is two refused connections and a read of the slots, under 100 ms
 * on loopback (where a dead host does not refuse, two connect timeouts).
 *
 * <p>Jedis itself logs through SLF4J 1.7: a process without an SLF4J binding prints SLF4J's warning
 * once.
 *
 * <p>Any thread calls {@link #eval}: a {@code UnifiedJedis} is safe to share (a pool of
 * connections, or a pool per node).
 */
public final class JedisScripts implements RedisScripts {

  /**
   * The Jedis exceptions that mean a mistake (an argument, a URI, the client-side cache, the
   * credentials), not an outage; named, since not every Jedis the adapter runs on has them all.
   * Every other exception but an error reply is an outage: a connection refused, lost or timed out
   * ({@code JedisConnectionException}), a cluster's attempts spent ({@code
   * JedisClusterOperationException}), no connection from the pool, a failover between databases.
   */
  static final Set<String> MISTAKES =
      Set.of(
          "redis.clients.jedis.exceptions.JedisValidationException",
          "redis.clients.jedis.exceptions.InvalidURIException",
          "redis.clients.jedis.exceptions.JedisCacheException",
          "redis.clients.jedis.authentication.JedisAuthenticationException");

  private final UnifiedJedis jedis;

  private JedisScripts(UnifiedJedis jedis) {
    this.jedis = jedis;
  }

  /**
   * Returns the scripts run on {@code jedis}, which the caller keeps and closes.
   *
   * @param jedis the client, with short timeouts (half a second)
   * @return the adapter
   */
  public static JedisScripts of(UnifiedJedis jedis) {
    return new JedisScripts(Objects.requireNonNull(jedis, "jedis"));
  }

  @Override
  public long eval(String script, String sha1, List<String> keys, List<String> args) {
    return (Long) call(script, sha1, keys, args);
  }

  @Override
  public String evalText(String script, String sha1, List<String> keys, List<String> args) {
    return (String) call(script, sha1, keys, args);
  }

  private Object call(String script, String sha1, List<String> keys, List<String> args) {
    try {
      try {
        return run(script, sha1, keys, args);
      } catch (JedisConnectionException stale) {
        // A pooled connection to a Redis that restarted (or a master that failed over) fails once
        // before the pool opens a new one. A cluster client retries by itself, and throws a
        // JedisClusterOperationException once its attempts are spent: that is not tried again.
        return run(script, sha1, keys, args);
      }
    } catch (JedisException e) {
      if (unavailable(e)) {
        throw new RedisUnavailableException(e.getMessage(), e);
      }
      throw e;
    }
  }

  private Object run(String script, String sha1, List<String> keys, List<String> args) {
    try {
      return jedis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException e) {
      return jedis.eval(script, keys, args);
    }
  }

  /**
   * Returns whether {@code e} means that Redis cannot be reached or cannot serve now: an error
   * reply about Redis's state, or any other Jedis exception but a mistake of the application's.
   */
  static boolean unavailable(JedisException e) {
    if (e instanceof JedisDataException) {
      return ServerReplies.meanUnavailable(e.getMessage());
    }
    return !MISTAKES.contains(e.getClass().getName());
  }

  @Override
  public String toString() {
    return "JedisScripts[" + jedis.getClass().getSimpleName() + "]";
  }
}
