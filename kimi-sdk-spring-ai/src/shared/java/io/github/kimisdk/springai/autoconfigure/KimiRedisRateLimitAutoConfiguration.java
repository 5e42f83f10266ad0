package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.budget.BudgetStore;
import io.github.kimisdk.redis.RedisBudgetStore;
import io.github.kimisdk.redis.RedisRateLimitStore;
import io.github.kimisdk.redis.SpringDataRedisScripts;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configures the fleet's shared rate limit in Redis when kimi-sdk-redis and Spring Data Redis
 * are on the class path, the application has a {@link RedisConnectionFactory} (Spring Boot's, from
 * {@code spring.data.redis.*}, on Lettuce or Jedis) and {@code spring.ai.kimi.rate-limit.account}
 * is set or a budget is shared ({@code spring.ai.kimi.budgets.<name>.shared=true}): a {@link
 * RedisRateLimitStore} on that factory ({@link SpringDataRedisScripts}), with {@code
 * spring.ai.kimi.rate-limit.fallback}, {@code lease-length} and {@code restart-wait}. The {@code
 * KimiClient} that {@link KimiAutoConfiguration} builds shares its limits through it, and its
 * shared budgets through a {@link RedisBudgetStore} on it. Each backs off when the application
 * defines a {@link RateLimitStore} or {@link BudgetStore} of its own.
 */
@AutoConfiguration(
    before = KimiAutoConfiguration.class,
    afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(
    name = {
      "io.github.kimisdk.redis.RedisRateLimitStore",
      "org.springframework.data.redis.connection.RedisConnectionFactory"
    })
@Conditional(OnSharedStoreCondition.class)
@EnableConfigurationProperties(KimiRateLimitProperties.class)
public class KimiRedisRateLimitAutoConfiguration {

  /** Creates the configuration; Spring does. */
  public KimiRedisRateLimitAutoConfiguration() {}

  /**
   * Builds the store on the application's Redis connection.
   *
   * @param redis the application's connection factory
   * @param properties the {@code spring.ai.kimi.rate-limit.*} properties
   * @return the store
   * @throws IllegalArgumentException if {@code lease-length} is not from 3 to 30 seconds
   */
  @Bean
  @ConditionalOnMissingBean(RateLimitStore.class)
  @ConditionalOnBean(RedisConnectionFactory.class)
  public RedisRateLimitStore kimiRateLimitStore(
      RedisConnectionFactory redis, KimiRateLimitProperties properties) {
    return RedisRateLimitStore.builder(SpringDataRedisScripts.of(redis))
        .fallback(RedisRateLimitStore.Fallback.valueOf(properties.getFallback().name()))
        .leaseLength(properties.getLeaseLength())
        .restartWait(properties.isRestartWait())
        .build();
  }

  /**
   * Keeps the shared budgets in the Redis of the application's {@link RedisRateLimitStore}, with
   * its fallback ({@link RedisBudgetStore#of}).
   *
   * @param store the application's rate-limit store in Redis
   * @return the budgets' store
   */
  @Bean
  @ConditionalOnMissingBean(BudgetStore.class)
  @ConditionalOnBean(RedisRateLimitStore.class)
  public RedisBudgetStore kimiBudgetStore(RedisRateLimitStore store) {
    return RedisBudgetStore.of(store);
  }
}
