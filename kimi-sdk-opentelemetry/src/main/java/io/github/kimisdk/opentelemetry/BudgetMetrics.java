package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.errors.BudgetExceededException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The budgets' state as metrics, read from each budget when the SDK collects ({@link
 * Budget#snapshots()}: where each counter stood when this process last reserved or settled against
 * it): {@code kimi.budget.spent}, {@code kimi.budget.held} and {@code kimi.budget.limit}, gauges of
 * every budget given, one series per counter, with {@code kimi.budget.name}, {@code
 * kimi.budget.unit} (the budget's currency, such as {@code USD}, or {@code token}), {@code
 * kimi.budget.scope} (a tenant's or tag's counter: {@code tenant:NAME}, {@code tag:NAME}) and
 * {@code kimi.budget.period} (the day, the month, or {@code rolling}); and {@code
 * kimi.budget.refusals}, a counter of the calls a budget refused, by {@code kimi.budget.name} and
 * {@code kimi.budget.scope}. The conventions have no name for any of this. A budget per tenant or
 * tag has a series per counter it used, at most {@link Budget#MAX_SNAPSHOTS}.
 */
final class BudgetMetrics {

  static final AttributeKey<String> NAME = AttributeKey.stringKey("kimi.budget.name");
  static final AttributeKey<String> UNIT = AttributeKey.stringKey("kimi.budget.unit");
  static final AttributeKey<String> SCOPE = AttributeKey.stringKey("kimi.budget.scope");
  static final AttributeKey<String> PERIOD = AttributeKey.stringKey("kimi.budget.period");

  private final LongCounter refusals;

  BudgetMetrics(OpenTelemetry otel, List<Budget> budgets) {
    Meter meter =
        otel.meterBuilder(KimiTelemetry.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(KimiTelemetry.VERSION)
            .setSchemaUrl(KimiTelemetry.SCHEMA_URL)
            .build();
    this.refusals =
        meter
            .counterBuilder("kimi.budget.refusals")
            .setUnit("{call}")
            .setDescription("Calls a budget refused before they were sent")
            .build();
    if (budgets.isEmpty()) {
      return;
    }
    List<Budget> all = List.copyOf(budgets);
    gauge(meter, all, "kimi.budget.spent", "What a budget's calls settled", (b, s) -> s.spent());
    gauge(
        meter, all, "kimi.budget.held", "What a budget's calls in flight hold", (b, s) -> s.held());
    gauge(meter, all, "kimi.budget.limit", "A budget's limit per period", (b, s) -> b.limit());
  }

  private static void gauge(
      Meter meter,
      List<Budget> budgets,
      String name,
      String description,
      BiFunction<Budget, Budget.Snapshot, BigDecimal> value) {
    meter
        .gaugeBuilder(name)
        .setDescription(description)
        .buildWithCallback(
            (ObservableDoubleMeasurement m) -> {
              for (Budget b : budgets) {
                for (Budget.Snapshot s : b.snapshots()) {
                  m.record(value.apply(b, s).doubleValue(), attributes(b, s));
                }
              }
            });
  }

  private static Attributes attributes(Budget b, Budget.Snapshot s) {
    AttributesBuilder a =
        Attributes.builder()
            .put(NAME, b.name())
            .put(UNIT, b.currency().map(c -> c.getCurrencyCode()).orElse("token"))
            .put(PERIOD, s.period());
    if (!s.scope().isEmpty()) {
      a.put(SCOPE, s.scope());
    }
    return a.build();
  }

  /** Counts a call a budget refused. */
  void refused(BudgetExceededException e) {
    AttributesBuilder a = Attributes.builder().put(NAME, e.budget());
    e.scope().ifPresent(s -> a.put(SCOPE, s));
    refusals.add(1, a.build());
  }
}
