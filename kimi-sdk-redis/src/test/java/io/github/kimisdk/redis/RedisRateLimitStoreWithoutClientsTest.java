package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.RateLimitStore;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The store in an application that has neither Redis client (or only the other): its classes load
 * and are introspected, as Spring introspects a bean's class, with no Jedis and no Lettuce on the
 * class path; only an adapter names its client.
 */
class RedisRateLimitStoreWithoutClientsTest {

  /** A class loader of kimi-sdk and this module's classes alone, above the JDK's. */
  private static URLClassLoader withoutClients() {
    URL sdk = RateLimitStore.class.getProtectionDomain().getCodeSource().getLocation();
    URL module = RedisRateLimitStore.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(new URL[] {sdk, module}, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void theStoreAndItsSeamLoadAndAreIntrospectedWithNeitherClientPresent() throws Exception {
    try (URLClassLoader loader = withoutClients()) {
      assertThatThrownBy(() -> loader.loadClass("redis.clients.jedis.UnifiedJedis"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> loader.loadClass("io.lettuce.core.RedisClient"))
          .isInstanceOf(ClassNotFoundException.class);
      for (String name :
          new String[] {
            "io.github.kimisdk.redis.RedisRateLimitStore",
            "io.github.kimisdk.redis.RedisRateLimitStore$Builder",
            "io.github.kimisdk.redis.RedisRateLimitStore$Fallback",
            "io.github.kimisdk.redis.RedisScripts",
            "io.github.kimisdk.redis.RedisUnavailableException"
          }) {
        Class<?> c = Class.forName(name, true, loader);
        assertThat(c.getDeclaredMethods()).isNotNull();
        assertThat(c.getDeclaredConstructors()).isNotNull();
        assertThat(c.getDeclaredFields()).isNotNull();
      }
    }
  }

  @Test
  void eachAdapterNamesItsClientSoOnlyItNeedsIt() throws Exception {
    try (URLClassLoader loader = withoutClients()) {
      for (String adapter :
          new String[] {
            "io.github.kimisdk.redis.JedisScripts",
            "io.github.kimisdk.redis.LettuceScripts",
            "io.github.kimisdk.redis.SpringDataRedisScripts"
          }) {
        Class<?> c = Class.forName(adapter, false, loader);
        assertThatThrownBy(c::getDeclaredMethods).isInstanceOf(NoClassDefFoundError.class);
      }
    }
  }
}
