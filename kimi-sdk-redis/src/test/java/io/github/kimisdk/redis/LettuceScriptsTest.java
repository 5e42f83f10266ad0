package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.cluster.PartitionException;
import io.lettuce.core.cluster.PartitionSelectorException;
import io.lettuce.core.cluster.UnknownPartitionException;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.failover.api.RedisCircuitBreakerException;
import io.lettuce.core.failover.api.RedisNoHealthyDatabaseException;
import io.lettuce.core.protocol.RedisProtocolException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which of Lettuce's exceptions are outages: one row per exception type of the Lettuce jar that its
 * connections' commands throw.
 */
class LettuceScriptsTest {

  /**
   * The packages of Lettuce whose exceptions the scripting commands never throw: the command
   * interfaces of its own (dynamic), JSON, the health checks of its failover between databases, the
   * client-side cache.
   */
  private static final List<String> ELSEWHERE =
      List.of(
          "io.lettuce.core.dynamic.",
          "io.lettuce.core.json.",
          "io.lettuce.core.failover.health.",
          "io.lettuce.core.support.caching.");

  /** Every exception type of Lettuce's connections, with the outages among them. */
  static Map<RedisException, Boolean> table() {
    Map<RedisException, Boolean> t = new LinkedHashMap<>();
    t.put(new RedisException("Currently not connected. Commands are rejected."), true);
    t.put(new RedisException("Connection closed"), true);
    t.put(new RedisConnectionException("Unable to connect to 127.0.0.1:7000"), true);
    t.put(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"), true);
    t.put(new RedisProtocolException("Invalid first byte"), true);
    t.put(new PartitionException("no partition"), true);
    t.put(new UnknownPartitionException("Connection to 127.0.0.1:7000 not allowed"), true);
    t.put(new PartitionSelectorException("Cannot determine a partition", new Partitions()), true);
    t.put(new RedisCircuitBreakerException(), true);
    t.put(new RedisNoHealthyDatabaseException("no healthy database"), true);
    t.put(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"), true);
    t.put(new RedisCommandExecutionException("TRYAGAIN Multiple keys request"), true);
    t.put(new RedisLoadingException("LOADING Redis is loading the dataset in memory"), true);
    t.put(new RedisCommandExecutionException("MASTERDOWN Link with MASTER is down"), true);
    t.put(
        new RedisReadOnlyException("READONLY You can't write against a read only replica."), true);
    t.put(new RedisBusyException("BUSY Redis is busy running a script."), true);
    t.put(new RedisCommandExecutionException("NOREPLICAS Not enough good replicas"), true);
    t.put(new RedisCommandExecutionException("MISCONF Redis is configured to save"), true);
    t.put(new RedisCommandExecutionException("OOM command not allowed"), true);
    t.put(new RedisCommandExecutionException("ERR Error running script"), false);
    t.put(new RedisCommandExecutionException("WRONGTYPE Operation against a key"), false);
    t.put(new RedisCommandExecutionException("NOPERM this user has no permissions"), false);
    t.put(new RedisNoScriptException("NOSCRIPT No matching script."), false); // loaded, then run
    t.put(new RedisCommandInterruptedException(new InterruptedException()), false);
    return t;
  }

  @Test
  void eachLettuceExceptionIsAnOutageOrNotAsTheTableSays() {
    table()
        .forEach(
            (e, outage) ->
                assertThat(LettuceScripts.unavailable(e))
                    .as("%s: %s", e.getClass().getSimpleName(), e.getMessage())
                    .isEqualTo(outage));
  }

  @Test
  void theTableHoldsEveryExceptionTypeOfLettucesConnections() throws Exception {
    Set<Class<?>> all = ExceptionTypes.inJarOf(RedisException.class, "io/lettuce/core/");
    all.removeIf(c -> ELSEWHERE.stream().anyMatch(p -> c.getName().startsWith(p)));
    assertThat(all).hasSizeGreaterThan(10);
    assertThat(table().keySet().stream().map(Object::getClass).toList())
        .as("a Lettuce exception type the table does not decide on")
        .containsAll(all);
  }
}
