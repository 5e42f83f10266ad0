package io.github.kimisdk.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;

/**
 * The Redis clients the store runs on, each configured as the module README tells a team to: short
 * timeouts, and on a cluster bounded retries (Jedis) or a topology that follows a failover and
 * commands refused while disconnected (Lettuce).
 */
enum ClientKind {
  JEDIS {
    @Override
    Connected standalone(int port) {
      RedisClient c =
          RedisClient.builder().hostAndPort("127.0.0.1", port).clientConfig(config()).build();
      return new Connected(JedisScripts.of(c), c::close);
    }

    @Override
    Connected cluster(List<Integer> ports) {
      RedisClusterClient c =
          connecting(
              () ->
                  RedisClusterClient.builder()
                      .nodes(
                          ports.stream().map(p -> new HostAndPort("127.0.0.1", p)).collect(toSet()))
                      .clientConfig(config())
                      .maxAttempts(JEDIS_CLUSTER_ATTEMPTS)
                      .maxTotalRetriesDuration(JEDIS_CLUSTER_RETRIES)
                      .build());
      return new Connected(JedisScripts.of(c), c::close);
    }

    @Override
    Connected sentinel(int sentinel, String master) {
      RedisSentinelClient c =
          connecting(
              () ->
                  RedisSentinelClient.builder()
                      .masterName(master)
                      .sentinels(Set.of(new HostAndPort("127.0.0.1", sentinel)))
                      .clientConfig(config())
                      .sentinelClientConfig(config())
                      .build());
      return new Connected(JedisScripts.of(c), c::close);
    }

    private JedisClientConfig config() {
      return DefaultJedisClientConfig.builder()
          .connectionTimeoutMillis(TIMEOUT_MILLIS)
          .socketTimeoutMillis(TIMEOUT_MILLIS)
          .build();
    }
  },

  LETTUCE {
    @Override
    Connected standalone(int port) {
      return lettuce(RedisURI.builder().withHost("127.0.0.1").withPort(port));
    }

    @Override
    Connected cluster(List<Integer> ports) {
      ClientResources resources = resources();
      io.lettuce.core.cluster.RedisClusterClient c =
          io.lettuce.core.cluster.RedisClusterClient.create(
              resources,
              ports.stream()
                  .map(
                      p ->
                          RedisURI.builder()
                              .withHost("127.0.0.1")
                              .withPort(p)
                              .withTimeout(Duration.ofMillis(TIMEOUT_MILLIS))
                              .build())
                  .toList());
      c.setOptions(
          ClusterClientOptions.builder()
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder() // adaptive: Lettuce 7's default
                      .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                      .enablePeriodicRefresh(Duration.ofSeconds(5))
                      .build())
              .build());
      return connected(c, resources, c::connect, LettuceScripts::of);
    }

    @Override
    Connected sentinel(int sentinel, String master) {
      return lettuce(
          RedisURI.builder().withSentinel("127.0.0.1", sentinel).withSentinelMasterId(master));
    }

    private Connected lettuce(RedisURI.Builder uri) {
      ClientResources resources = resources();
      io.lettuce.core.RedisClient c =
          io.lettuce.core.RedisClient.create(
              resources, uri.withTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build());
      c.setOptions(
          ClientOptions.builder()
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .build());
      return connected(c, resources, c::connect, LettuceScripts::of);
    }

    /** Connects {@code client}; the client and its resources are shut down with the connection. */
    private <T extends StatefulConnection<String, String>> Connected connected(
        AbstractRedisClient client,
        ClientResources resources,
        Supplier<T> connect,
        Function<T, RedisScripts> scripts) {
      Runnable shutdown =
          () -> {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
          };
      T connection;
      try {
        connection = connecting(connect);
      } catch (RuntimeException e) {
        shutdown.run();
        throw e;
      }
      return new Connected(
          scripts.apply(connection),
          () -> {
            connection.close();
            shutdown.run();
          });
    }
  };

  /**
   * Lettuce's resources: reconnecting at most a second apart (by default the delay doubles up to 30
   * s, so a client can take many seconds to find a promoted master).
   */
  private static ClientResources resources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(
            Delay.exponential(
                Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /**
   * Returns what {@code connect} makes, trying again for up to 20 s: on a machine loaded with other
   * builds, a client's first connection can take longer than its timeout of half a second, and the
   * harness does not test that.
   */
  private static <T> T connecting(Supplier<T> connect) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        return connect.get();
      } catch (RuntimeException e) {
        if (System.nanoTime() - end > 0) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException i) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The clients' connect and command timeout. */
  static final int TIMEOUT_MILLIS = 500;

  /**
   * A Jedis cluster client's attempts per command: the slot's master, then once more after a
   * redirection or with the slots read again; with fewer than 3, Jedis never sleeps between them.
   */
  static final int JEDIS_CLUSTER_ATTEMPTS = 2;

  /** The longest a Jedis cluster client retries one command. */
  static final Duration JEDIS_CLUSTER_RETRIES = Duration.ofMillis(500);

  /** Connects to the standalone Redis on {@code port}. */
  abstract Connected standalone(int port);

  /** Connects to the cluster with these seed nodes. */
  abstract Connected cluster(List<Integer> ports);

  /** Connects to the master {@code master} that the sentinel on port {@code sentinel} watches. */
  abstract Connected sentinel(int sentinel, String master);

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return Collectors.toSet();
  }

  /** A client's adapter, and what closes the client. */
  record Connected(RedisScripts scripts, Runnable client) implements AutoCloseable {
    @Override
    public void close() {
      client.run();
    }
  }
}
