package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreContract;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The run store contract on a real redis-server, through Jedis and through Lettuce. */
class RedisRunStoreTest {
  static RedisServer server;
  static RedisClient jedis;
  static io.lettuce.core.RedisClient lettuce;
  static StatefulRedisConnection<String, String> connection;
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    jedis = server.client();
    lettuce =
        io.lettuce.core.RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(server.port())
                .withTimeout(Duration.ofSeconds(2))
                .build());
    connection = lettuce.connect();
  }

  @AfterAll
  static void stop() {
    if (connection != null) {
      connection.close();
      lettuce.shutdown();
    }
    if (jedis != null) {
      jedis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Nested
  class OnJedis extends RunStoreContract {
    @Override
    protected RunStore store() {
      return RedisRunStore.of(JedisScripts.of(jedis), "t" + PREFIXES.incrementAndGet() + ":");
    }

    @Test
    void aRunIsOneHashInOneSlot() {
      RunStore s = RedisRunStore.of(JedisScripts.of(jedis), "slot:");
      Claim.Held a = (Claim.Held) s.claim("run-1", "a", T0, T0.plus(LEASE));
      s.put(a, "state", bytes("{}"));
      assertThat(jedis.hkeys("slot:{run-1}")).contains("c:token", "r:state");
    }
  }

  @Nested
  class OnLettuce extends RunStoreContract {
    @Override
    protected RunStore store() {
      return RedisRunStore.of(
          LettuceScripts.of(connection), "l" + PREFIXES.incrementAndGet() + ":");
    }
  }
}
