package io.github.kimisdk.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.ClusterRedirectException;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.data.redis.connection.PoolException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Runs the store's scripts through Spring Data Redis: on the application's own {@code
 * RedisConnectionFactory} (Spring Boot's, from {@code spring.data.redis.*}), so on its Lettuce or
 * Jedis client, its pool, its SSL, credentials and timeouts, standalone, Sentinel or Cluster (the
 * scripts run on the node of the account's slot).
 *
 * <pre>{@code
 * RedisRateLimitStore store =
 *     RedisRateLimitStore.create(SpringDataRedisScripts.of(connectionFactory), Fallback.FAIL_CLOSED);
 * }</pre>
 *
 * <p>Each call takes a connection from the factory and closes it: Lettuce's factory shares one
 * native connection by default, Jedis's lends one from its pool (a cluster's, from its pool per
 * node).
 *
 * <p>An outage is Spring's translation of one ({@code RedisConnectionFailureException} and the
 * other {@code DataAccessResourceFailureException}s, {@code QueryTimeoutException} and the other
 * transient ones, a pool with no connection, a cluster in a failed state or redirecting without
 * end), or anything whose cause the client's own adapter ({@link LettuceScripts}, {@link
 * JedisScripts}) counts as one, or an error reply that means one: see {@link RedisScripts}. Give
 * the connection a short timeout ({@code spring.data.redis.timeout=500ms}; Lettuce waits 60 s
 * unless told).
 *
 * <p>Any thread calls {@link #eval}: the factory is safe to share.
 */
public final class SpringDataRedisScripts implements RedisScripts {

  /** The most causes looked through: a cycle or a long chain ends here. */
  private static final int MAX_CAUSES = 8;

  /** Spring Data Redis's own outages, named so that they need no other class loaded. */
  private static final Set<Class<? extends Exception>> OUTAGES =
      Set.of(
          DataAccessResourceFailureException.class, // RedisConnectionFailureException among them
          TransientDataAccessException.class, // QueryTimeoutException among them
          ClusterStateFailureException.class,
          TooManyClusterRedirectionsException.class,
          ClusterRedirectException.class,
          PoolException.class);

  private final RedisConnectionFactory factory;

  private SpringDataRedisScripts(RedisConnectionFactory factory) {
    this.factory = factory;
  }

  /**
   * Returns the scripts run on connections of {@code factory}, which the caller keeps and closes
   * (Spring does, for its beans).
   *
   * @param factory the application's connection factory
   * @return the adapter
   */
  public static SpringDataRedisScripts of(RedisConnectionFactory factory) {
    return new SpringDataRedisScripts(Objects.requireNonNull(factory, "factory"));
  }

  @Override
  public long eval(String script, String sha1, List<String> keys, List<String> args) {
    Long reply = call(script, sha1, keys, args, ReturnType.INTEGER);
    return Objects.requireNonNull(reply, "the script's reply");
  }

  @Override
  public String evalText(String script, String sha1, List<String> keys, List<String> args) {
    byte[] reply = call(script, sha1, keys, args, ReturnType.VALUE);
    return reply == null ? null : new String(reply, StandardCharsets.UTF_8);
  }

  private <T> T call(
      String script, String sha1, List<String> keys, List<String> args, ReturnType type) {
    byte[][] keysAndArgs = new byte[keys.size() + args.size()][];
    int i = 0;
    for (String k : keys) {
      keysAndArgs[i++] = k.getBytes(StandardCharsets.UTF_8);
    }
    for (String a : args) {
      keysAndArgs[i++] = a.getBytes(StandardCharsets.UTF_8);
    }
    try (RedisConnection c = factory.getConnection()) {
      try {
        return c.scriptingCommands().evalSha(sha1, type, keys.size(), keysAndArgs);
      } catch (RuntimeException e) {
        if (!says(e, "NOSCRIPT")) {
          throw e;
        }
        return c.scriptingCommands()
            .eval(script.getBytes(StandardCharsets.UTF_8), type, keys.size(), keysAndArgs);
      }
    } catch (RuntimeException e) {
      if (unavailable(e)) {
        throw new RedisUnavailableException(e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * Returns whether {@code e} or one of its causes is an error reply starting with {@code code}.
   */
  private static boolean says(Throwable e, String code) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.startsWith(code + " ") || m.contains(": " + code + " "))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether {@code e} means that Redis cannot be reached or cannot serve now: Spring's
   * translation says so, or a cause is what the client's own adapter counts as an outage, or an
   * error reply about Redis's state.
   */
  static boolean unavailable(Throwable e) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      for (Class<? extends Exception> outage : OUTAGES) {
        if (outage.isInstance(t)) {
          return true;
        }
      }
      String type = t.getClass().getName();
      if (type.startsWith("io.lettuce.")) {
        return Lettuce.says(t);
      }
      if (type.startsWith("redis.clients.jedis.")) {
        return Jedis.says(t);
      }
      if (ServerReplies.meanUnavailable(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** Lettuce's adapter's rule, loaded only once a cause of Lettuce's was seen. */
  private static final class Lettuce {
    private Lettuce() {}

    static boolean says(Throwable t) {
      return t instanceof io.lettuce.core.RedisException e && LettuceScripts.unavailable(e);
    }
  }

  /** Jedis's adapter's rule, loaded only once a cause of Jedis's was seen. */
  private static final class Jedis {
    private Jedis() {}

    static boolean says(Throwable t) {
      return t instanceof redis.clients.jedis.exceptions.JedisException e
          && JedisScripts.unavailable(e);
    }
  }

  @Override
  public String toString() {
    return "SpringDataRedisScripts[" + factory.getClass().getSimpleName() + "]";
  }
}
