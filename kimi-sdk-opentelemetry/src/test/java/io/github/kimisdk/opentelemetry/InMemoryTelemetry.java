package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * The OpenTelemetry SDK of a test class, whose spans (exported as each ends) and metrics (delta
 * temporality: each collection holds only what was recorded since the one before) it reads in
 * memory.
 */
final class InMemoryTelemetry {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.createDelta();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();

  /** The ended spans of kimi-sdk's instrumentation scope, in the order they ended. */
  List<SpanData> kimiSpans() {
    return spans.getFinishedSpanItems().stream()
        .filter(
            s ->
                s.getInstrumentationScopeInfo()
                    .getName()
                    .equals(KimiTelemetry.INSTRUMENTATION_SCOPE))
        .toList();
  }

  /** The one ended span of kimi-sdk's scope; the test fails unless there is exactly one. */
  SpanData kimiSpan() {
    List<SpanData> kimi = kimiSpans();
    assertThat(kimi).as("one Kimi span").hasSize(1);
    return kimi.get(0);
  }
}
