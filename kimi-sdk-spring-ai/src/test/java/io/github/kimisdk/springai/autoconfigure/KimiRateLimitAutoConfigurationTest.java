package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.budget.BudgetStore;
import io.github.kimisdk.redis.RedisBudgetStore;
import io.github.kimisdk.redis.RedisRateLimitStore;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@code spring.ai.kimi.rate-limit.*} in a Spring context: the client's limit from the properties,
 * shared through the Redis store built on the application's connection factory when an account is
 * set, and what fails the start. No Redis is reached: the store asks it only at a call.
 */
class KimiRateLimitAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(
              AutoConfigurations.of(
                  DataRedisAutoConfiguration.class,
                  KimiRedisRateLimitAutoConfiguration.class,
                  KimiAutoConfiguration.class))
          .withPropertyValues("spring.ai.kimi.api-key=sk-boot");

  private static RateLimit limit(org.springframework.context.ApplicationContext context) {
    return context.getBean(KimiClient.class).rateLimit().orElseThrow();
  }

  @Test
  void withoutRateLimitPropertiesTheClientHasNoLimitAndNoStoreIsMade() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(KimiClient.class).rateLimit()).isEmpty();
          assertThat(context).doesNotHaveBean(RateLimitStore.class);
        });
  }

  @Test
  void limitsWithoutAnAccountLimitTheClientInProcessEvenWithRedisPresent() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.rate-limit.tier=1",
            "spring.ai.kimi.rate-limit.max-concurrency=4",
            "spring.ai.kimi.rate-limit.max-queue-wait=30s")
        .run(
            context -> {
              RateLimit l = limit(context);
              assertThat(l.maxConcurrency()).isEqualTo(OptionalInt.of(4)); // replaces the tier's
              assertThat(l.requestsPerMinute()).isEqualTo(OptionalInt.of(200)); // tier 1's
              assertThat(l.tokensPerMinute()).isEqualTo(OptionalLong.of(2_000_000));
              assertThat(l.maxQueueWait()).isEqualTo(Optional.of(Duration.ofSeconds(30)));
              assertThat(l.store()).isEmpty();
              assertThat(context).doesNotHaveBean(RateLimitStore.class);
            });
  }

  @Test
  void anAccountSharesTheLimitsThroughARedisStoreOnTheApplicationsConnectionFactory() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.rate-limit.max-concurrency=2",
            "spring.ai.kimi.rate-limit.account=org-boot",
            "spring.ai.kimi.rate-limit.fallback=in-process",
            "spring.ai.kimi.rate-limit.lease-length=6s",
            "spring.ai.kimi.rate-limit.restart-wait=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisConnectionFactory.class);
              RedisRateLimitStore store = context.getBean(RedisRateLimitStore.class);
              assertThat(store.toString())
                  .contains("SpringDataRedisScripts[LettuceConnectionFactory]")
                  .contains("fallback=IN_PROCESS")
                  .contains("lease=PT6S")
                  .contains("restartWait=false");
              RateLimit l = limit(context);
              assertThat(l.store()).containsSame(store);
              assertThat(l.account()).contains("org-boot");
              assertThat(l.maxConcurrency()).isEqualTo(OptionalInt.of(2));
            });
  }

  @Test
  void aSharedBudgetAloneBuildsTheRedisStoreAndIsKeptInIt() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.budgets.fleet-daily.spend=50.00",
            "spring.ai.kimi.budgets.fleet-daily.shared=true")
        .run(
            context -> {
              RedisRateLimitStore store = context.getBean(RedisRateLimitStore.class);
              assertThat(context.getBean(KimiClient.class).rateLimit()).isEmpty();
              assertThat(context.getBean(KimiBudgets.class).budgets())
                  .singleElement()
                  .satisfies(b -> assertThat(b.isShared()).isTrue())
                  .hasToString("Budget[fleet-daily: USD 50.00 per day (UTC), shared]");
              assertThat(store.toString()).contains("SpringDataRedisScripts");
              assertThat(context.getBean(BudgetStore.class))
                  .isInstanceOf(RedisBudgetStore.class)
                  .hasToString("RedisBudgetStore[" + store + ", lease=PT3S]");
            });
  }

  @Test
  void onJedisTheStoreRunsOnJedissConnectionFactory() {
    runner
        .withPropertyValues(
            "spring.data.redis.client-type=jedis",
            "spring.ai.kimi.rate-limit.tier=0",
            "spring.ai.kimi.rate-limit.account=org-boot")
        .run(
            context ->
                assertThat(context.getBean(RedisRateLimitStore.class).toString())
                    .contains("SpringDataRedisScripts[JedisConnectionFactory]")
                    .contains("fallback=FAIL_CLOSED"));
  }

  @Test
  void anApplicationsOwnStoreIsUsedAndNoRedisStoreIsMade() {
    RateLimitStore own = RateLimitStore.inProcess();
    runner
        .withBean(RateLimitStore.class, () -> own)
        .withPropertyValues(
            "spring.ai.kimi.rate-limit.max-concurrency=3",
            "spring.ai.kimi.rate-limit.account=org-own")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RedisRateLimitStore.class);
              assertThat(limit(context).store()).containsSame(own);
            });
  }

  @Test
  void anAccountWithoutRedisOnTheClassPathFailsTheStartNamingWhatToAdd() {
    runner
        .withClassLoader(new FilteredClassLoader("io.github.kimisdk.redis"))
        .withPropertyValues(
            "spring.ai.kimi.rate-limit.max-concurrency=2",
            "spring.ai.kimi.rate-limit.account=org-boot")
        .run(
            context -> {
              assertThat(context)
                  .getFailure()
                  .rootCause()
                  .hasMessageContaining(
                      "spring.ai.kimi.rate-limit.account is set (org-boot), so this application's"
                          + " processes are to share one account's limits, but the application"
                          + " has no RateLimitStore")
                  .hasMessageContaining("io.github.kimisdk:kimi-sdk-redis");
              FailureAnalysis analysis = analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .endsWith("(kimi-sdk-redis is not on the class path).");
              assertThat(analysis.getAction())
                  .startsWith("Add io.github.kimisdk:kimi-sdk-redis and Spring Data Redis");
            });
  }

  @Test
  void anAccountWithoutARedisConnectionFactoryEndsInTheFailureReportSayingSo() {
    Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(
                KimiRedisRateLimitAutoConfiguration.class, KimiAutoConfiguration.class))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.rate-limit.tier=1",
            "spring.ai.kimi.rate-limit.account=org-boot")
        .run(
            context -> {
              FailureAnalysis analysis = analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("kimi-sdk-redis and Spring Data Redis are there")
                  .contains("no RedisConnectionFactory");
              assertThat(analysis.getAction())
                  .startsWith("Let Spring Boot make the RedisConnectionFactory")
                  .contains("spring-boot-starter-data-redis");
            });
  }

  /** What the application's failure report says, as Spring Boot asks Kimi's analyzer. */
  private static FailureAnalysis analyze(Throwable failure) {
    FailureAnalysis analysis = new KimiFailureAnalyzer(new StandardEnvironment()).analyze(failure);
    assertThat(analysis).as("Kimi's analysis of %s", failure).isNotNull();
    return analysis;
  }

  @Test
  void anAccountWithoutALimitFailsTheStart() {
    runner
        .withPropertyValues("spring.ai.kimi.rate-limit.account=org-boot")
        .run(
            context -> {
              assertThat(context)
                  .getFailure()
                  .rootCause()
                  .hasMessageContaining("but no limit is set to share");
              assertThat(analyze(context.getStartupFailure()).getAction())
                  .startsWith("Set spring.ai.kimi.rate-limit.tier");
            });
  }

  @Test
  void withoutSpringDataRedisAndWithoutLimitsTheContextStartsAsBefore() {
    runner
        .withClassLoader(
            new FilteredClassLoader("org.springframework.data.redis", "io.github.kimisdk.redis"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(KimiClient.class).rateLimit()).isEmpty();
            });
  }
}
