package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The budgets of {@code spring.ai.kimi.budgets.<name>.*}: made from the properties, counted by the
 * auto-configured client (a call they refuse is not sent), reported by the OpenTelemetry
 * auto-configuration, and a budget whose properties cannot be met fails the start naming them.
 */
class KimiBudgetPropertiesTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      Contexts.onFake(
          server, KimiOpenTelemetryAutoConfiguration.class, KimiAutoConfiguration.class);

  static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();

  /** The application's OpenTelemetry, its metrics in memory. */
  @Configuration(proxyBeanMethods = false)
  static class Metered {
    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
          .build();
    }
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void theBudgetsOfThePropertiesCountTheClientsCallsAndAreReportedAsMetrics() {
    List<MetricData> metrics = new ArrayList<>();
    runner
        .withUserConfiguration(Metered.class)
        .withPropertyValues(
            "spring.ai.kimi.budgets.fleet-daily.spend=50.00",
            "spring.ai.kimi.budgets.tenant-monthly.spend=5.00",
            "spring.ai.kimi.budgets.tenant-monthly.period=month",
            "spring.ai.kimi.budgets.tenant-monthly.zone=Europe/Berlin",
            "spring.ai.kimi.budgets.tenant-monthly.per=tenant",
            "spring.ai.kimi.budgets.search.tokens=1",
            "spring.ai.kimi.budgets.search.tag=search",
            "spring.ai.kimi.budgets.hourly.tokens=1000000",
            "spring.ai.kimi.budgets.hourly.period=rolling",
            "spring.ai.kimi.budgets.hourly.window=1h",
            "spring.ai.kimi.budgets.hourly.fall-back=true",
            "spring.ai.kimi.budgets.tenant-search.tokens=2000000",
            "spring.ai.kimi.budgets.tenant-search.per=tenant,tag")
        .run(
            context -> {
              List<Budget> budgets = context.getBean(KimiBudgets.class).budgets();
              assertThat(budgets)
                  .extracting(Budget::toString)
                  .containsExactly(
                      "Budget[fleet-daily: USD 50.00 per day (UTC)]",
                      "Budget[tenant-monthly: USD 5.00 per month (Europe/Berlin), per tenant]",
                      "Budget[search: 1 tokens per day (UTC), tag search]",
                      "Budget[hourly: 1000000 tokens per rolling PT1H, falls back]",
                      "Budget[tenant-search: 2000000 tokens per day (UTC), per tenant, per tag]");
              KimiClient kimi = context.getBean(KimiClient.class);
              ChatRequest hi =
                  ChatRequest.builder("kimi-k3").addUser("Hi").maxCompletionTokens(50).build();
              assertThat(kimi.chat(hi).text()).isNotEmpty();
              KimiClient search =
                  kimi.withOptions(
                      io.github.kimisdk.RequestOptions.builder().tag("search").build());
              BudgetExceededException refused =
                  catchThrowableOfType(BudgetExceededException.class, () -> search.chat(hi));
              assertThat(refused.budget()).isEqualTo("search");
              metrics.addAll(METRICS.collectAllMetrics());
            });
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(metrics)
        .extracting(MetricData::getName)
        .contains(
            "kimi.budget.spent", "kimi.budget.held", "kimi.budget.limit", "kimi.budget.refusals");
  }

  @Test
  void withoutBudgetPropertiesTheClientHasNone() {
    runner.run(context -> assertThat(context.getBean(KimiBudgets.class).budgets()).isEmpty());
  }

  @Test
  void aBudgetWithBothSpendAndTokensFailsTheStartNamingIt() {
    FailureAnalysis a =
        analysis("spring.ai.kimi.budgets.b.spend=1.00", "spring.ai.kimi.budgets.b.tokens=10");
    assertThat(a.getDescription())
        .contains("spring.ai.kimi.budgets.b sets both .spend and .tokens");
    assertThat(a.getAction()).contains("spring.ai.kimi.budgets.b.spend");
  }

  @Test
  void aRollingBudgetWithoutItsWindowFailsTheStartNamingIt() {
    FailureAnalysis a =
        analysis("spring.ai.kimi.budgets.r.tokens=10", "spring.ai.kimi.budgets.r.period=rolling");
    assertThat(a.getDescription()).contains("spring.ai.kimi.budgets.r.window is not set");
  }

  @Test
  void aSharedBudgetWithoutAStoreFailsTheStartSayingWhatToAdd() {
    FailureAnalysis a =
        analysis("spring.ai.kimi.budgets.s.spend=1.00", "spring.ai.kimi.budgets.s.shared=true");
    assertThat(a.getDescription())
        .contains(
            "spring.ai.kimi.budgets.s.shared is true, and the application has no BudgetStore");
    assertThat(a.getAction()).contains("kimi-sdk-redis");
  }

  @Test
  void aTenantAndATagScopeOneBudgetButTwoTenantScopesFailTheStartNamingThem() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.budgets.t.tokens=10",
            "spring.ai.kimi.budgets.t.tenant=acme",
            "spring.ai.kimi.budgets.t.per=tag")
        .run(
            context ->
                assertThat(context.getBean(KimiBudgets.class).budgets())
                    .singleElement()
                    .hasToString("Budget[t: 10 tokens per day (UTC), tenant acme, per tag]"));
    FailureAnalysis a =
        analysis(
            "spring.ai.kimi.budgets.t.tokens=10",
            "spring.ai.kimi.budgets.t.tenant=acme",
            "spring.ai.kimi.budgets.t.per=tenant");
    assertThat(a.getDescription())
        .contains("spring.ai.kimi.budgets.t sets .per=tenant and .tenant");
    assertThat(
            analysis("spring.ai.kimi.budgets.t.tokens=10", "spring.ai.kimi.budgets.t.per=each")
                .getAction())
        .contains("spring.ai.kimi.budgets.t.per to tenant, tag, or tenant,tag");
  }

  @Test
  void aLimitOutOfRangeFailsTheStartWithTheSdksWords() {
    FailureAnalysis a = analysis("spring.ai.kimi.budgets.z.spend=0");
    assertThat(a.getDescription())
        .contains("spring.ai.kimi.budgets.z cannot be built: budget z: the limit must be above 0");
  }

  /** The failure analysis of a start with {@code properties}, which must fail. */
  private FailureAnalysis analysis(String... properties) {
    return Contexts.failedStart(runner, properties);
  }
}
