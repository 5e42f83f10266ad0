package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Kimi's health indicator and spend meters: when they are made, what they tell, what they cost.
 * Runs on both Spring lines ({@link HealthContexts}: each line's health and metrics).
 */
class KimiHealthAndMetricsHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(
              AutoConfigurations.of(
                  KimiAutoConfiguration.class,
                  KimiHealthAutoConfiguration.class,
                  KimiMetricsAutoConfiguration.class))
          .withConfiguration(AutoConfigurations.of(HealthContexts.METRICS))
          .withPropertyValues("spring.ai.kimi.api-key=sk-boot");

  @AfterEach
  void close() {
    server.close();
  }

  private String baseUrl() {
    return "spring.ai.kimi.base-url=" + server.baseUrl();
  }

  private static HealthContexts.Seen kimiHealth(
      org.springframework.context.ApplicationContext context) {
    return HealthContexts.indicator(context);
  }

  @Test
  void healthIsUpWhenKimiAnswersAndAsksOnlyForTheModelsWhichCostNoTokens() {
    runner
        .withPropertyValues(baseUrl())
        .run(
            context -> {
              HealthContexts.Seen health = kimiHealth(context);
              assertThat(health.status()).isEqualTo("UP");
              assertThat(health.details())
                  .containsEntry("status", "OK")
                  .containsEntry("endpoint", server.baseUrl())
                  .containsKey("latencyMs");
              assertThat(context.getBean(KimiClient.class).spend()).isEqualTo(Spend.NONE);
            });

    assertThat(server.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("GET");
              assertThat(r.path()).isEqualTo("/v1/models");
            });
  }

  @Test
  void healthIsDownWithTheReasonWhenKimiRejectsTheKeyOrTheBaseUrlLacksV1() {
    server.enqueue(
        FakeResponse.error(401, "{\"error\":{\"type\":\"invalid_authentication_error\"}}"));
    runner
        .withPropertyValues(baseUrl())
        .run(
            context -> {
              HealthContexts.Seen health = kimiHealth(context);
              assertThat(health.status()).isEqualTo("DOWN");
              assertThat(health.details())
                  .containsEntry("status", "BAD_KEY")
                  .containsEntry("httpStatus", 401)
                  .containsEntry("error", "AuthenticationException");
            });

    String origin = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
    runner
        .withPropertyValues("spring.ai.kimi.base-url=" + origin)
        .run(
            context -> {
              HealthContexts.Seen health = kimiHealth(context);
              assertThat(health.status()).isEqualTo("DOWN");
              assertThat(health.details())
                  .containsEntry("status", "ERROR")
                  .containsEntry("httpStatus", 404)
                  .containsEntry("endpoint", origin);
              assertThat((String) health.details().get("message"))
                  .contains("Not found the path /models")
                  .doesNotContain("sk-boot");
            });
  }

  @Test
  void healthIsDownWhenKimiIsUnreachable() {
    String gone = server.baseUrl();
    server.close();

    runner
        .withPropertyValues("spring.ai.kimi.base-url=" + gone)
        .run(
            context ->
                assertThat(kimiHealth(context).details()).containsEntry("status", "UNREACHABLE"));
  }

  @Test
  void healthIsLeftOutWhenTurnedOffWithoutSpringBootsHealthOrWithoutAClient() {
    runner
        .withPropertyValues(baseUrl(), "management.health.kimi.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("kimiApiHealthIndicator"));
    runner
        .withPropertyValues(baseUrl(), "management.health.defaults.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("kimiApiHealthIndicator"));
    runner
        .withClassLoader(new FilteredClassLoader(HealthContexts.INDICATOR))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(KimiClient.class);
              assertThat(context).doesNotHaveBean("kimiApiHealthIndicator");
            });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KimiHealthAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean("kimiApiHealthIndicator"));
  }

  @Test
  void spendIsCountedByTokenTypeAndPricedInTheTablesCurrency() {
    runner
        .withPropertyValues(baseUrl())
        .run(
            context -> {
              context.getBean(ChatModel.class).call("Hello");
              context.getBean(ChatModel.class).call("Hello again");
              Spend spend = context.getBean(KimiClient.class).spend();
              MeterRegistry registry = context.getBean(MeterRegistry.class);

              assertThat(spend.totalTokens()).isPositive();
              assertThat(count(registry, "kimi.spend.tokens", "input"))
                  .isEqualTo(spend.promptTokens());
              assertThat(count(registry, "kimi.spend.tokens", "output"))
                  .isEqualTo(spend.completionTokens());
              assertThat(count(registry, "kimi.spend.reasoning.tokens", null))
                  .isEqualTo(spend.reasoningTokens());
              assertThat(count(registry, "kimi.spend.cached.tokens", null))
                  .isEqualTo(spend.cachedTokens());
              assertThat(count(registry, "kimi.spend.cache.write.tokens", null))
                  .isEqualTo(spend.cacheWriteTokens());
              assertThat(count(registry, "kimi.spend.unpriced.tokens", null)).isZero();
              BigDecimal usd = spend.cost(Currency.getInstance("USD")).orElseThrow().total();
              assertThat(usd).isPositive();
              assertThat(
                      registry
                          .get("kimi.spend.cost")
                          .tag("currency", "USD")
                          .functionCounter()
                          .count())
                  .isEqualTo(usd.doubleValue());
            });
  }

  /**
   * On a chain, each target's spend is its own set of counters, tagged with its place and host: the
   * second target served the call its overloaded first could not, and the counters say so.
   */
  @Test
  void spendIsCountedPerTargetTaggedWithItsPlaceAndHost() {
    try (FakeKimiServer second = new FakeKimiServer().start()) {
      server.failCalls("overloaded=1");
      runner
          .withPropertyValues(
              baseUrl(),
              "spring.ai.kimi.fallback[0].host=vllm",
              "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
              "spring.ai.kimi.fallback[0].model=kimi-k3",
              "spring.ai.kimi.retry.cooldown=1h")
          .run(
              context -> {
                second.dialect("vllm");
                context.getBean(ChatModel.class).call("Hello");
                KimiClient client = context.getBean(KimiClient.class);
                Spend atVllm = client.account().targets().get(1).spend();
                MeterRegistry registry = context.getBean(MeterRegistry.class);

                assertThat(atVllm.promptTokens()).isPositive();
                assertThat(
                        registry
                            .get("kimi.spend.tokens")
                            .tag(KimiSpendMeters.TOKEN_TYPE, "input")
                            .tag(KimiSpendMeters.TARGET, "1")
                            .tag(KimiSpendMeters.TARGET_HOST, "vllm")
                            .functionCounter()
                            .count())
                    .isEqualTo(atVllm.promptTokens());
                assertThat(
                        registry
                            .get("kimi.spend.tokens")
                            .tag(KimiSpendMeters.TOKEN_TYPE, "input")
                            .tag(KimiSpendMeters.TARGET, "0")
                            .tag(KimiSpendMeters.TARGET_HOST, "moonshot")
                            .functionCounter()
                            .count())
                    .isZero();
                double sum =
                    registry
                        .get("kimi.spend.tokens")
                        .tag(KimiSpendMeters.TOKEN_TYPE, "input")
                        .functionCounters()
                        .stream()
                        .mapToDouble(c -> c.count())
                        .sum();
                assertThat(sum).isEqualTo(client.spend().promptTokens());
                assertThat(registry.get("kimi.spend.tokens").meters())
                    .allSatisfy(
                        m ->
                            assertThat(m.getId().getTags().toString())
                                .doesNotContain(second.baseUrl(), "127.0.0.1"));
              });
    }
  }

  private static double count(MeterRegistry registry, String name, String type) {
    var search = registry.get(name);
    if (type != null) {
      search = search.tag(KimiSpendMeters.TOKEN_TYPE, type);
    }
    return search.functionCounter().count();
  }

  @Test
  void metersAreLeftOutWhenTurnedOffOrWithoutMicrometer() {
    runner
        .withPropertyValues(baseUrl(), "management.metrics.enable.kimi.spend=false")
        .run(
            context ->
                assertThat(context.getBean(MeterRegistry.class).find("kimi.spend.tokens").meters())
                    .isEmpty());
    new ApplicationContextRunner()
        .withClassLoader(new FilteredClassLoader(MeterBinder.class))
        .withConfiguration(
            AutoConfigurations.of(KimiAutoConfiguration.class, KimiMetricsAutoConfiguration.class))
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(
            context -> {
              assertThat(context).hasSingleBean(KimiClient.class);
              assertThat(context).doesNotHaveBean("kimiSpendMeters");
            });
  }

  @Test
  void neitherAsksKimiAnythingAtStart() {
    runner.withPropertyValues(baseUrl()).run(context -> assertThat(context).hasNotFailed());

    assertThat(server.requests()).extracting(RecordedRequest::path).isEmpty();
  }
}
