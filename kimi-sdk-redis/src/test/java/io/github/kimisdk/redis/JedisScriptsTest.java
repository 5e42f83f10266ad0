package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.authentication.JedisAuthenticationException;
import redis.clients.jedis.exceptions.ClusterAggregationException;
import redis.clients.jedis.exceptions.InvalidURIException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisCacheException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisProtocolNotSupportedException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.exceptions.JedisValidationException;
import redis.clients.jedis.exceptions.UnsupportedAggregationException;
import redis.clients.jedis.mcf.ConnectionFailoverException;
import redis.clients.jedis.mcf.JedisFailoverException;

/** Which of Jedis's exceptions are outages: one row per exception type of the Jedis jar. */
class JedisScriptsTest {

  private static final HostAndPort NODE = new HostAndPort("127.0.0.1", 7000);

  /** Every exception type of Jedis's, with the outages among them. */
  static Map<JedisException, Boolean> table() {
    Map<JedisException, Boolean> t = new LinkedHashMap<>();
    t.put(new JedisException("Could not get a resource from the pool"), true);
    t.put(new JedisConnectionException("Failed to connect to 127.0.0.1:7000."), true);
    t.put(new JedisFailoverException("no healthy database"), true);
    t.put(new JedisFailoverException.JedisPermanentlyNotAvailableException("gone"), true);
    t.put(new JedisFailoverException.JedisTemporarilyNotAvailableException("not yet"), true);
    t.put(new ConnectionFailoverException("failing over", new RuntimeException()), true);
    t.put(new JedisClusterOperationException("No more cluster attempts left."), true);
    t.put(new JedisClusterOperationException("Cluster retry deadline exceeded."), true);
    t.put(new ClusterAggregationException("no aggregation"), true); // multi-node: never ours
    t.put(new UnsupportedAggregationException("no aggregation"), true);
    t.put(new JedisClusterException("CLUSTERDOWN The cluster is down"), true);
    t.put(new JedisClusterException("CLUSTERDOWN Hash slot not served"), true);
    t.put(new JedisDataException("TRYAGAIN Multiple keys request during rehashing of slot"), true);
    t.put(new JedisDataException("LOADING Redis is loading the dataset in memory"), true);
    t.put(new JedisDataException("MASTERDOWN Link with MASTER is down"), true);
    t.put(new JedisDataException("READONLY You can't write against a read only replica."), true);
    t.put(new JedisBusyException("BUSY Redis is busy running a script."), true);
    t.put(new JedisDataException("NOREPLICAS Not enough good replicas to write."), true);
    t.put(new JedisDataException("MISCONF Redis is configured to save RDB snapshots"), true);
    t.put(new JedisDataException("OOM command not allowed when used memory > 'maxmemory'."), true);
    t.put(new JedisDataException("ERR Error running script (call to f_0): @user_script:1"), false);
    t.put(
        new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind"), false);
    t.put(new JedisNoScriptException("NOSCRIPT No matching script."), false); // loaded, then run
    t.put(new JedisAccessControlException("NOPERM this user has no permissions"), false);
    t.put(new JedisAccessControlException("WRONGPASS invalid username-password pair"), false);
    t.put(new JedisProtocolNotSupportedException("NOPROTO unsupported protocol version"), false);
    t.put(new JedisBroadcastException(), false);
    t.put(new JedisRedirectionException("MOVED 1 127.0.0.1:7000", NODE, 1), false);
    t.put(new JedisMovedDataException("MOVED 1 127.0.0.1:7000", NODE, 1), false);
    t.put(new JedisAskDataException("ASK 1 127.0.0.1:7000", NODE, 1), false);
    t.put(new JedisValidationException("keys must not be null"), false);
    t.put(new InvalidURIException("not a redis URI"), false);
    t.put(new JedisCacheException("cache"), false);
    t.put(new JedisAuthenticationException("token refused"), false);
    return t;
  }

  @Test
  void eachJedisExceptionIsAnOutageOrNotAsTheTableSays() {
    table()
        .forEach(
            (e, outage) ->
                assertThat(JedisScripts.unavailable(e))
                    .as("%s: %s", e.getClass().getSimpleName(), e.getMessage())
                    .isEqualTo(outage));
  }

  @Test
  void theTableHoldsEveryExceptionTypeOfTheJedisJar() throws Exception {
    Set<Class<?>> all = ExceptionTypes.inJarOf(JedisException.class, "redis/clients/jedis/");
    assertThat(all).hasSizeGreaterThan(20);
    assertThat(table().keySet().stream().map(Object::getClass).toList())
        .as("a Jedis exception type the table does not decide on")
        .containsAll(all);
  }

  @Test
  void theNamedMistakesAreJedisTypes() {
    assertThat(JedisScripts.MISTAKES)
        .containsExactlyInAnyOrder(
            JedisValidationException.class.getName(),
            InvalidURIException.class.getName(),
            JedisCacheException.class.getName(),
            JedisAuthenticationException.class.getName());
  }
}
