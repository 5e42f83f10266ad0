package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The budgets' state as metrics: each counter's spend, hold and limit as gauges read from the
 * budget when the SDK collects (what the client's own snapshots say), in the budget's currency or
 * in tokens, by budget, counter and period; and the calls a budget refused, counted by budget.
 */
class BudgetMetricsTest {

  @Test
  void eachBudgetCountersSpendHoldAndLimitAreGaugesAndARefusalIsCounted() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    Budget daily = Budget.spend("fleet-daily", "USD", "1.00").build();
    Budget search = Budget.tokens("search-tokens", 1).perTag().build();
    KimiTelemetry telemetry = KimiTelemetry.builder(otel.sdk).budget(daily).budget(search).build();
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            telemetry
                .install(
                    KimiClient.builder()
                        .apiKey("sk-test")
                        .baseUrl(server.baseUrl())
                        .interceptor(Budget.interceptor(daily, search)))
                .build()) {
      kimi.chat(ChatRequest.builder("kimi-k3").addUser("Hi").maxCompletionTokens(50).build());
      KimiClient tagged = kimi.withOptions(RequestOptions.builder().tag("search").build());
      Throwable refused =
          catchThrowable(
              () ->
                  tagged.chat(
                      ChatRequest.builder("kimi-k3")
                          .addUser("Hi")
                          .maxCompletionTokens(50)
                          .build()));
      assertThat(refused).isInstanceOf(BudgetExceededException.class);

      Collection<MetricData> metrics = otel.metrics.collectAllMetrics();
      Budget.Snapshot spent = daily.snapshots().get(0);
      assertThat(spent.spent()).isPositive();
      DoublePointData money = point(metrics, "kimi.budget.spent", "fleet-daily");
      assertThat(money.getValue()).isEqualTo(spent.spent().doubleValue());
      assertThat(money.getAttributes().get(BudgetMetrics.PERIOD)).isEqualTo(spent.period());
      assertThat(money.getAttributes().get(BudgetMetrics.SCOPE)).isNull();
      assertThat(money.getAttributes().get(BudgetMetrics.UNIT)).isEqualTo("USD");
      assertThat(point(metrics, "kimi.budget.held", "fleet-daily").getValue()).isZero();
      assertThat(point(metrics, "kimi.budget.limit", "fleet-daily").getValue()).isEqualTo(1.0);

      DoublePointData tokens = point(metrics, "kimi.budget.limit", "search-tokens");
      assertThat(tokens.getValue()).isEqualTo(1.0);
      assertThat(tokens.getAttributes().get(BudgetMetrics.SCOPE)).isEqualTo("tag:search");
      assertThat(tokens.getAttributes().get(BudgetMetrics.UNIT)).isEqualTo("token");

      List<LongPointData> refusals =
          metrics.stream()
              .filter(m -> m.getName().equals("kimi.budget.refusals"))
              .flatMap(m -> m.getLongSumData().getPoints().stream())
              .toList();
      assertThat(refusals).hasSize(1);
      assertThat(refusals.get(0).getValue()).isEqualTo(1);
      assertThat(refusals.get(0).getAttributes())
          .isEqualTo(
              Attributes.builder()
                  .put(BudgetMetrics.NAME, "search-tokens")
                  .put(BudgetMetrics.SCOPE, "tag:search")
                  .build());
    }
  }

  private static DoublePointData point(Collection<MetricData> metrics, String name, String budget) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getDoubleGaugeData().getPoints().stream())
        .filter(p -> budget.equals(p.getAttributes().get(BudgetMetrics.NAME)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " of " + budget + ": " + metrics));
  }
}
