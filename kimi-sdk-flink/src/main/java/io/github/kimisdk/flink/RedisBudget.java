package io.github.kimisdk.flink;

import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.redis.JedisScripts;
import io.github.kimisdk.redis.RedisRateLimitStore;
import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The shared budget of {@code rate-limit.redis}: a Jedis client with the short timeouts the store
 * wants (kimi-sdk-redis's README), and a store that fails closed when Redis is away. The only class
 * that names kimi-sdk-redis or Jedis, loaded only when the option is set: both are optional
 * dependencies.
 */
final class RedisBudget implements AutoCloseable {

  /** Connect and socket timeouts: the limiter asks before every call. */
  private static final int TIMEOUT_MILLIS = 500;

  private final RedisClient jedis;
  private final RateLimitStore store;

  private RedisBudget(RedisClient jedis, RateLimitStore store) {
    this.jedis = jedis;
    this.store = store;
  }

  /** Connects (lazily) to {@code settings}' Redis. */
  static RedisBudget open(ModelSettings settings) {
    URI uri = URI.create(settings.redis());
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(TIMEOUT_MILLIS)
            .socketTimeoutMillis(TIMEOUT_MILLIS)
            .user(JedisURIHelper.getUser(uri))
            .password(JedisURIHelper.getPassword(uri));
    if (JedisURIHelper.isRedisSSLScheme(uri)) {
      config.sslOptions(SslOptions.builder().build()); // the JVM's trust store, host name verified
    }
    if (JedisURIHelper.hasDbIndex(uri)) {
      config.database(JedisURIHelper.getDBIndex(uri));
    }
    RedisClient jedis =
        RedisClient.builder()
            .hostAndPort(JedisURIHelper.getHostAndPort(uri))
            .clientConfig(config.build())
            .build();
    RateLimitStore store =
        RedisRateLimitStore.builder(JedisScripts.of(jedis))
            .fallback(RedisRateLimitStore.Fallback.FAIL_CLOSED)
            .restartWait(settings.redisRestartWait)
            .build();
    return new RedisBudget(jedis, store);
  }

  RateLimitStore store() {
    return store;
  }

  @Override
  public void close() {
    jedis.close();
  }
}
