package com.example.kimi.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's trace: the caller's span, the HTTP request's, the Kimi span, and the fake's log. */
class TracedServiceTest {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  FakeKimiServer kimiServer;
  TracedService service;

  @BeforeEach
  void start() throws Exception {
    kimiServer = new FakeKimiServer().start();
    service =
        TracedService.start(
            otel, KimiClient.builder().apiKey("sk-test").baseUrl(kimiServer.baseUrl()), "kimi-k2.6");
  }

  @AfterEach
  void stop() {
    service.close();
    kimiServer.close();
    otel.close();
  }

  @Test
  void theKimiSpanIsTheHttpRequestsChildAndTheTraceparentKimiReceivedNamesIt() throws Exception {
    kimiServer.enqueue(FakeResponse.reply("Bonjour"));
    Span caller = otel.getTracer("test").spanBuilder("caller").startSpan();
    Map<String, String> headers = new HashMap<>();
    W3CTraceContextPropagator.getInstance()
        .inject(Context.root().with(caller), headers, Map::put);

    HttpResponse<String> answer;
    try {
      HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(service.askUri() + "?q=Hi"));
      headers.forEach(get::header);
      answer = HttpClient.newHttpClient().send(get.build(), HttpResponse.BodyHandlers.ofString());
    } finally {
      caller.end();
    }

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("Bonjour");
    SpanData server = span("GET /ask");
    SpanData kimi = span("chat kimi-k2.6");
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(server.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    assertThat(server.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(kimi.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(kimi.getTraceId()).isEqualTo(server.getTraceId());
    assertThat(kimi.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(kimiServer.takeRequest().header("traceparent"))
        .hasValue(
            "00-"
                + kimi.getTraceId()
                + "-"
                + kimi.getSpanId()
                + "-"
                + kimi.getSpanContext().getTraceFlags().asHex());
  }

  private SpanData span(String name) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + ": " + spans.getFinishedSpanItems()));
  }
}
