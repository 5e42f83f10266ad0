package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.data.redis.connection.PoolException;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The store through Spring Data Redis: which of Spring's translations are outages, and the store on
 * a real redis-server through Lettuce's and Jedis's connection factories.
 */
class SpringDataRedisScriptsTest {

  /** Spring Data Redis's translations of each client's failures, with the outages among them. */
  static Map<RuntimeException, Boolean> table() {
    Map<RuntimeException, Boolean> t = new LinkedHashMap<>();
    t.put(new RedisConnectionFailureException("Unable to connect to Redis"), true);
    t.put(new QueryTimeoutException("Redis command timed out"), true);
    t.put(new PoolException("Could not get a resource from the pool"), true);
    t.put(new ClusterStateFailureException("no node for slot"), true);
    t.put(new TooManyClusterRedirectionsException("redirected too often"), true);
    t.put(
        new RedisSystemException(
            "Error in execution", new RedisCommandExecutionException("CLUSTERDOWN down")),
        true);
    t.put(
        new RedisSystemException(
            "Redis exception", new io.lettuce.core.RedisException("Connection closed")),
        true);
    t.put(
        new QueryTimeoutException(
            "Redis command timed out", new RedisCommandTimeoutException("after 500 ms")),
        true);
    t.put(
        new InvalidDataAccessApiUsageException(
            "LOADING Redis is loading", new JedisDataException("LOADING Redis is loading")),
        true);
    t.put(
        new RedisSystemException("Unknown", new JedisConnectionException("Failed to connect")),
        true);
    t.put(new RedisSystemException("Unknown", new IllegalStateException("READONLY replica")), true);
    t.put(
        new RedisSystemException(
            "Error in execution", new RedisCommandExecutionException("ERR Error running script")),
        false);
    t.put(
        new InvalidDataAccessApiUsageException(
            "NOPERM no permissions", new JedisDataException("NOPERM no permissions")),
        false);
    t.put(
        new InvalidDataAccessApiUsageException("EvalSha is not supported in cluster environment"),
        false);
    t.put(new IllegalStateException("something else"), false);
    return t;
  }

  @Test
  void eachTranslationIsAnOutageOrNotAsTheTableSays() {
    table()
        .forEach(
            (e, outage) ->
                assertThat(SpringDataRedisScripts.unavailable(e))
                    .as("%s: %s (cause %s)", e.getClass().getName(), e.getMessage(), e.getCause())
                    .isEqualTo(outage));
  }

  private RedisServer redis;
  private RedisConnectionFactory factory;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (factory instanceof AutoCloseable c) {
      c.close();
    }
    redis.close();
  }

  private RedisConnectionFactory factory(String client) {
    RedisStandaloneConfiguration where =
        new RedisStandaloneConfiguration("127.0.0.1", redis.port());
    Duration timeout = Duration.ofMillis(500);
    if (client.equals("lettuce")) {
      LettuceConnectionFactory f =
          new LettuceConnectionFactory(
              where, LettuceClientConfiguration.builder().commandTimeout(timeout).build());
      f.afterPropertiesSet();
      f.start();
      factory = f;
    } else {
      JedisConnectionFactory f =
          new JedisConnectionFactory(
              where,
              JedisClientConfiguration.builder()
                  .connectTimeout(timeout)
                  .readTimeout(timeout)
                  .usePooling()
                  .build());
      f.afterPropertiesSet();
      f.start();
      factory = f;
    }
    return factory;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lettuce", "jedis"})
  void theStoreHoldsItsLimitOnAFactoryAndLoadsItsScriptsAgainAfterAFlush(String client)
      throws Exception {
    RedisRateLimitStore store =
        RedisRateLimitStore.builder(SpringDataRedisScripts.of(factory(client)))
            .leaseLength(Duration.ofSeconds(3))
            .restartWait(false)
            .build();
    RateLimit two = RateLimit.builder().maxConcurrency(2).build();
    Duration lease = Duration.ofSeconds(3);
    assertThat(store.tryTake("org-spring", "a1", two, 0, lease)).isZero();
    redis.cli("script", "flush"); // EVALSHA now answers NOSCRIPT: the store sends the script
    assertThat(store.tryTake("org-spring", "a2", two, 0, lease)).isZero();
    assertThat(store.tryTake("org-spring", "a3", two, 0, lease)).isPositive();
    store.giveBack("org-spring", "a1");
    assertThat(store.tryTake("org-spring", "a3", two, 0, lease)).isZero();
    assertThat(redis.cli("zcard", "kimi-rate:{org-spring}:leases").trim()).isEqualTo("2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lettuce", "jedis"})
  void aRedisThatIsDownIsAnOutageAndFailsClosedNamingTheStore(String client) {
    RedisRateLimitStore store =
        RedisRateLimitStore.create(
            SpringDataRedisScripts.of(factory(client)), Fallback.FAIL_CLOSED);
    redis.stop();
    RedisScripts scripts = SpringDataRedisScripts.of(factory);
    assertThatThrownBy(() -> scripts.eval("return 0", "0", List.of("k"), List.of()))
        .isInstanceOf(RedisUnavailableException.class);
    assertThatThrownBy(
            () ->
                store.tryTake(
                    "org-down",
                    "a1",
                    RateLimit.builder().maxConcurrency(1).build(),
                    0,
                    Duration.ofSeconds(15)))
        .hasMessageStartingWith("Redis is unreachable, and the shared rate limit fails closed: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lettuce", "jedis"})
  void onAClusterTheStoreRunsOnTheNodeOfEachAccountsSlot(String client) throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3, 1_000)) {
      RedisClusterConfiguration nodes = new RedisClusterConfiguration();
      for (int port : cluster.ports()) {
        nodes.clusterNode("127.0.0.1", port);
      }
      Duration timeout = Duration.ofMillis(500);
      if (client.equals("lettuce")) {
        LettuceConnectionFactory f =
            new LettuceConnectionFactory(
                nodes, LettuceClientConfiguration.builder().commandTimeout(timeout).build());
        f.afterPropertiesSet();
        f.start();
        factory = f;
      } else {
        JedisConnectionFactory f =
            new JedisConnectionFactory(
                nodes,
                JedisClientConfiguration.builder()
                    .connectTimeout(timeout)
                    .readTimeout(timeout)
                    .build());
        f.afterPropertiesSet();
        f.start();
        factory = f;
      }
      RedisRateLimitStore store =
          RedisRateLimitStore.builder(SpringDataRedisScripts.of(factory))
              .restartWait(false)
              .build();
      RateLimit one = RateLimit.builder().maxConcurrency(1).build();
      Duration lease = Duration.ofSeconds(15);
      for (String account : List.of("org-a", "org-b", "org-c", "org-d")) { // slots all over
        assertThat(store.tryTake(account, "a1", one, 0, lease)).as(account).isZero();
        assertThat(store.tryTake(account, "a2", one, 0, lease)).as(account).isPositive();
        String leases = RedisRateLimitStore.keys(account).get(2);
        assertThat(cluster.masterOf(leases).cli("zcard", leases).trim()).isEqualTo("1");
        store.giveBack(account, "a1");
        assertThat(store.tryTake(account, "a2", one, 0, lease)).as(account).isZero();
      }
    }
  }

  @Test
  void aScriptsErrorIsNoOutage() {
    RedisScripts scripts = SpringDataRedisScripts.of(factory("lettuce"));
    String failing = "return redis.call('NOSUCHCOMMAND')";
    assertThatThrownBy(() -> scripts.eval(failing, "0".repeat(40), List.of("k"), List.of()))
        .isNotInstanceOf(RedisUnavailableException.class);
  }
}
