package io.github.kimisdk.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Runs the store's scripts on a Lettuce connection: one of a {@code RedisClient} (standalone, or
 * Sentinel through a {@code redis-sentinel://} URI) or of a {@code RedisClusterClient}, with the
 * {@code String} codec.
 *
 * <pre>{@code
 * RedisClient lettuce = RedisClient.create(RedisURI.builder()
 *     .withHost("127.0.0.1").withPort(6379).withTimeout(Duration.ofMillis(500)).build());
 * lettuce.setOptions(ClientOptions.builder()
 *     .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
 * StatefulRedisConnection<String, String> connection = lettuce.connect();
 * RedisRateLimitStore store =
 *     RedisRateLimitStore.create(LettuceScripts.of(connection), Fallback.IN_PROCESS);
 * }</pre>
 *
 * <p>An outage is any {@code RedisException} (a connection refused or lost, a command timed out or
 * rejected while disconnected, no node for a slot) but an interrupt and an error reply that is not
 * about Redis's state: see {@link RedisScripts}. A take waits at most the connection's timeout
 * ({@code RedisURI}'s, 60 s unless set). While a connection of a {@code RedisClient} is
 * disconnected, a take fails at once. Otherwise Lettuce keeps a command it cannot send until it
 * reconnects or the command times out, unless its {@code ClientOptions} reject such commands
 * ({@code DisconnectedBehavior.REJECT_COMMANDS}): on a cluster, where the node's connection is
 * Lettuce's own, set that, or the take that finds a master down waits the whole timeout. A
 * cluster's client follows a failover when it refreshes its topology: Lettuce 7 does so on its
 * adaptive triggers by default, at most once per {@code adaptiveRefreshTriggersTimeout} (30 s by
 * default; a second is right here); Lettuce 6 needs them enabled. A client reconnects after a delay
 * that doubles up to 30 s by default ({@code ClientResources.reconnectDelay}); capped at a second,
 * it finds a promoted master within a second of its promotion.
 *
 * <p>Any thread calls {@link #eval}: a Lettuce connection is safe to share.
 */
public final class LettuceScripts implements RedisScripts {

  private static final String[] NO_KEYS = new String[0];

  private final RedisScriptingCommands<String, String> commands;
  private final BooleanSupplier connected;
  private final String kind;

  private LettuceScripts(
      RedisScriptingCommands<String, String> commands, BooleanSupplier connected, String kind) {
    this.commands = commands;
    this.connected = connected;
    this.kind = kind;
  }

  /**
   * Returns the scripts run on {@code connection} (standalone, Sentinel, or master and replicas),
   * which the caller keeps and closes.
   *
   * @param connection the connection, with a short timeout (half a second)
   * @return the adapter
   */
  public static LettuceScripts of(StatefulRedisConnection<String, String> connection) {
    Objects.requireNonNull(connection, "connection");
    return new LettuceScripts(connection.sync(), connection::isOpen, "redis");
  }

  /**
   * Returns the scripts run on the cluster {@code connection}, which the caller keeps and closes.
   * Give its client a topology refresh (adaptive triggers, or a period) so that it follows a
   * replica promoted in a failover.
   *
   * @param connection the connection, with a short timeout (half a second)
   * @return the adapter
   */
  public static LettuceScripts of(StatefulRedisClusterConnection<String, String> connection) {
    Objects.requireNonNull(connection, "connection");
    // a node's connection is not to be seen from here: its ClientOptions decide
    return new LettuceScripts(connection.sync(), () -> true, "cluster");
  }

  @Override
  public long eval(String script, String sha1, List<String> keys, List<String> args) {
    Long reply = call(script, sha1, keys, args, ScriptOutputType.INTEGER);
    return reply;
  }

  @Override
  public String evalText(String script, String sha1, List<String> keys, List<String> args) {
    return call(script, sha1, keys, args, ScriptOutputType.VALUE);
  }

  private <T> T call(
      String script, String sha1, List<String> keys, List<String> args, ScriptOutputType type) {
    if (!connected.getAsBoolean()) {
      // Lettuce would keep the command until it reconnects or times out, unless told to reject it
      throw new RedisUnavailableException("the Lettuce connection is not connected", null);
    }
    String[] k = keys.toArray(NO_KEYS);
    String[] a = args.toArray(NO_KEYS);
    try {
      try {
        return commands.evalsha(sha1, type, k, a);
      } catch (RedisNoScriptException e) {
        return commands.eval(script, type, k, a);
      }
    } catch (RedisException e) {
      if (unavailable(e)) {
        throw new RedisUnavailableException(e.getMessage(), e);
      }
      throw e;
    }
  }

  /** Returns whether {@code e} means that Redis cannot be reached or cannot serve now. */
  static boolean unavailable(RedisException e) {
    if (e instanceof RedisCommandExecutionException) {
      return ServerReplies.meanUnavailable(e.getMessage());
    }
    return !(e instanceof RedisCommandInterruptedException);
  }

  @Override
  public String toString() {
    return "LettuceScripts[" + kind + "]";
  }
}
