package io.github.kimisdk.redis;

import io.github.kimisdk.agents.OperatingRunsProgram;
import io.github.kimisdk.agents.RunStore;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** Issue 98's "done when" ({@link OperatingRunsProgram}) on a real redis-server, through Jedis. */
class OperatingRunsRedisTest extends OperatingRunsProgram {
  static RedisServer server;
  static RedisClient jedis;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    jedis = server.client();
  }

  @AfterAll
  static void stop() {
    if (jedis != null) {
      jedis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected RunStore store() {
    return RedisRunStore.of(JedisScripts.of(jedis));
  }

  @Override
  protected List<String> workerStore() {
    return List.of(Opener.class.getName(), Integer.toString(server.port()));
  }

  /** Opens the store in a worker JVM: the redis-server on a loopback port, through Jedis. */
  public static final class Opener implements Function<String, RunStore> {
    /** Made by the worker, by name. */
    public Opener() {}

    @Override
    public RunStore apply(String port) {
      return RedisRunStore.of(
          JedisScripts.of(
              RedisClient.builder().hostAndPort("127.0.0.1", Integer.parseInt(port)).build()));
    }
  }
}
