package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * An application with an agent run store, on Spring Boot 4: the store's health in Kimi's group
 * ({@code /actuator/health/kimi/kimiAgentStore}), down with what failed when the store is, never in
 * the application's own status; its runs by state as meters; none of it without kimi-sdk-agents or
 * a store.
 */
class KimiAgentHealthHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  /** A store whose check fails, as a store that is down does. */
  static RunStore down() {
    KimiAgentStoreCheckTest.Checked store = new KimiAgentStoreCheckTest.Checked();
    store.failure.set(new RunStoreException("the run store could not answer (a test's)", null));
    return store;
  }

  /**
   * A context with Kimi's health group, the fake's client, {@code store} and every detail shown.
   */
  private ApplicationContextRunner withStore(java.util.function.Supplier<RunStore> store) {
    return HealthContexts.withKimiHealth()
        .withBean(RunStore.class, store)
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.base-url=" + server.baseUrl(),
            "management.endpoint.health.show-details=always");
  }

  private static IndicatedHealthDescriptor store(ApplicationContext context) {
    return (IndicatedHealthDescriptor)
        context.getBean(HealthEndpoint.class).healthForPath("kimi", "kimiAgentStore");
  }

  @Test
  void aStoreThatIsDownIsDownInKimisGroupAndTheApplicationStaysUp() {
    withStore(KimiAgentHealthHttpTest::down)
        .run(
            context -> {
              HealthEndpoint health = context.getBean(HealthEndpoint.class);
              assertThat(health.health().getStatus()).isEqualTo(Status.UP);
              assertThat(((CompositeHealthDescriptor) health.health()).getComponents().keySet())
                  .doesNotContain("kimiAgentStore", "kimiApi");
              assertThat(health.healthForPath("kimi").getStatus()).isEqualTo(Status.DOWN);
              IndicatedHealthDescriptor store = store(context);
              assertThat(store.getStatus()).isEqualTo(Status.DOWN);
              assertThat(store.getDetails())
                  .containsEntry("error", "RunStoreException")
                  .containsEntry("message", "the run store could not answer (a test's)")
                  .containsKeys("checkedAt", "ageMs", "nextCheckInMs");
            });
  }

  @Test
  void aStoreThatAnswersIsUpAndTheIndicatorIsLeftOutWithoutOneOrWithoutAgents() {
    withStore(RunStore::inMemory)
        .run(
            context -> {
              assertThat(store(context).getStatus()).isEqualTo(Status.UP);
              assertThat(store(context).getDetails()).containsEntry("store", "RunStore.inMemory()");
              assertThat(context.getBean(HealthEndpoint.class).healthForPath("kimi").getStatus())
                  .isEqualTo(Status.UP);
            });
    HealthContexts.withKimiHealth()
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(context -> assertThat(context).doesNotHaveBean("kimiAgentStoreHealthIndicator"));
    HealthContexts.withKimiHealth()
        .withClassLoader(new FilteredClassLoader(RunStore.class))
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("kimiAgentStoreHealthIndicator");
            });
  }

  @Test
  void theStoresRunsByStateAreMetersAndTheMetersAreTheAgentsListener() {
    Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(
                KimiAutoConfiguration.class,
                KimiMetricsAutoConfiguration.class,
                MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .withBean(RunStore.class, RunStore::inMemory)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(
            context -> {
              assertThat(context).hasSingleBean(KimiAgentMeters.class);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .get(KimiAgentMeters.RUNS)
                          .tag(KimiAgentMeters.STATE, "paused")
                          .gauge()
                          .value())
                  .isZero();
              assertThat(registry.find(KimiAgentMeters.RUNS).gauges()).hasSize(7);
            });
  }
}
