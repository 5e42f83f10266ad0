package io.github.kimisdk.redis;

import java.util.List;

/**
 * Runs the Lua scripts of {@link RedisRateLimitStore} on a Redis client: the one thing the store
 * asks of a client, so that it serves any. {@link JedisScripts} adapts Jedis ({@code UnifiedJedis}:
 * standalone, Sentinel, Cluster), {@link LettuceScripts} Lettuce (standalone, Sentinel, Cluster)
 * and {@link SpringDataRedisScripts} Spring Data Redis's connection factory; another client takes a
 * few lines.
 *
 * <p>An implementation tells an outage apart from any other failure. When Redis cannot be reached
 * or cannot serve now (a connection refused, lost or timed out, a cluster with no master for the
 * keys' slot, a node still loading its data, a failover in progress: each client's whole family of
 * such exceptions, and the error replies {@code CLUSTERDOWN}, {@code TRYAGAIN}, {@code LOADING},
 * {@code MASTERDOWN}, {@code READONLY}, {@code BUSY}, {@code NOREPLICAS}, {@code MISCONF} and
 * {@code OOM}), it throws {@link RedisUnavailableException}, and the store's {@link
 * RedisRateLimitStore.Fallback} applies; any other exception (a script's error, a refused password)
 * reaches the caller as a failure of the store.
 *
 * <p>Implementations are called from any thread at once, and should answer within the client's
 * timeouts (half a second is right: the rate limiter asks before every call).
 */
public interface RedisScripts {

  /**
   * Runs {@code script} on the node that holds {@code keys}, by its SHA-1 digest ({@code EVALSHA}),
   * or by its source ({@code EVAL}) when Redis does not know the digest (a restarted or promoted
   * node, a {@code SCRIPT FLUSH}), and returns its integer reply.
   *
   * @param script the Lua source
   * @param sha1 the SHA-1 digest of {@code script}, in lowercase hexadecimal
   * @param keys the keys the script touches, all in one hash slot
   * @param args the script's arguments
   * @return the script's reply, an integer
   * @throws RedisUnavailableException when Redis cannot be reached or cannot serve now
   */
  long eval(String script, String sha1, List<String> keys, List<String> args);

  /**
   * Runs {@code script} as {@link #eval} does and returns its reply as text: what {@link
   * RedisRunStore} asks of a client. The adapters of this module implement it; another client's
   * adapter that only serves the rate limiter need not.
   *
   * @param script the Lua source
   * @param sha1 the SHA-1 digest of {@code script}, in lowercase hexadecimal
   * @param keys the keys the script touches, all in one hash slot
   * @param args the script's arguments
   * @return the script's reply, a bulk string; null for Redis's nil
   * @throws RedisUnavailableException when Redis cannot be reached or cannot serve now
   * @throws UnsupportedOperationException when the adapter runs no script that answers text
   */
  default String evalText(String script, String sha1, List<String> keys, List<String> args) {
    throw new UnsupportedOperationException(
        getClass().getName() + " runs no script that answers text; implement evalText");
  }
}
