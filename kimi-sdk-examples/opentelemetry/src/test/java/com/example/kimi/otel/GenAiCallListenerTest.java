package com.example.kimi.otel;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener's spans and metrics, against FakeKimiServer and the SDK's in-memory exporters. */
class GenAiCallListenerTest {

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  // Delta temporality: each collection holds only what was recorded since the one before.
  private static final InMemoryMetricReader METRICS = InMemoryMetricReader.createDelta();
  private static final OpenTelemetrySdk OTEL =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
          .build();

  private static final String MODEL = "moonshot-v1-8k";

  private static FakeKimiServer server;
  private static KimiClient kimi;
  // Released by a listener registered after GenAiCallListener: once it hears a call's end, the
  // GenAI listener (called first) has ended the span and recorded the metrics.
  private static final Semaphore ENDS = new Semaphore(0);

  @BeforeAll
  static void start() {
    server = new FakeKimiServer().start();
    // retired, so listed here as a proxy would list it: a model that fixes no sampling value
    server.addModel(ModelCatalog.defaults().lookup(MODEL));
    kimi =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .retryPolicy(
                RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
            .listener(new GenAiCallListener(OTEL))
            .listener(
                new CallListener() {
                  @Override
                  public void onEnd(CallEvent.End e) {
                    ENDS.release();
                  }

                  @Override
                  public void onFailure(CallEvent.Failure e) {
                    ENDS.release();
                  }
                })
            .build();
  }

  @AfterAll
  static void stop() {
    kimi.close();
    server.close();
    OTEL.close();
  }

  private Collection<MetricData> collected;

  @BeforeEach
  void forgetEarlierTests() {
    ENDS.drainPermits();
    SPANS.reset();
    METRICS.collectAllMetrics();
  }

  /** A request with every setting the listener maps. */
  private static ChatRequest everySetting() {
    return ChatRequest.builder(MODEL)
        .addUser("Hello")
        .maxCompletionTokens(50)
        .temperature(0.3)
        .topP(0.9)
        .n(2)
        .presencePenalty(0.1)
        .frequencyPenalty(0.2)
        .stop("END")
        .extraBody("seed", JsonNumber.of(42))
        .build();
  }

  @Test
  void chatSpanIsTheCallersChildWithTheRequestsSettingsAndTheResponsesIds() throws Exception {
    ChatRequest request = everySetting();

    ChatCompletion reply = inCallerSpan(() -> kimi.chat(request));

    SpanData span = awaitGenAiSpan();
    assertChildOfCaller(span);
    assertThat(span)
        .hasName("chat " + MODEL)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfying(
            equalTo(GenAiCallListener.OPERATION_NAME, "chat"),
            equalTo(GenAiCallListener.PROVIDER_NAME, "moonshot_ai"),
            equalTo(GenAiCallListener.REQUEST_MODEL, MODEL),
            equalTo(GenAiCallListener.MAX_TOKENS, 50L),
            equalTo(GenAiCallListener.TEMPERATURE, 0.3),
            equalTo(GenAiCallListener.TOP_P, 0.9),
            equalTo(GenAiCallListener.PRESENCE_PENALTY, 0.1),
            equalTo(GenAiCallListener.FREQUENCY_PENALTY, 0.2),
            equalTo(GenAiCallListener.CHOICE_COUNT, 2L),
            equalTo(GenAiCallListener.SEED, 42L),
            equalTo(GenAiCallListener.STOP_SEQUENCES, List.of("END")),
            equalTo(GenAiCallListener.RESPONSE_ID, reply.id()),
            equalTo(GenAiCallListener.RESPONSE_MODEL, reply.model()),
            equalTo(GenAiCallListener.FINISH_REASONS, List.of("stop")),
            equalTo(GenAiCallListener.INPUT_TOKENS, (long) reply.usage().promptTokens()),
            equalTo(GenAiCallListener.OUTPUT_TOKENS, (long) reply.usage().completionTokens()),
            equalTo(GenAiCallListener.SERVER_ADDRESS, URI.create(server.baseUrl()).getHost()),
            equalTo(GenAiCallListener.SERVER_PORT, (long) server.port()));
    // The completion's id, not the HTTP request id; and no deprecated gen_ai.system.
    assertNotEquals(reply.metadata().requestId().orElseThrow(), reply.id());
    assertNull(span.getAttributes().get(AttributeKey.stringKey("gen_ai.system")));
  }

  @Test
  void streamSpanIsTheCallersChildAndCarriesTheStreamsIdAndUsage() throws Exception {
    ChatRequest request = ChatRequest.builder(MODEL).addUser("Tell me a story").build();

    ChatCompletion reply = inCallerSpan(() -> kimi.stream(request).toCompletion());

    SpanData span = awaitGenAiSpan();
    assertChildOfCaller(span);
    assertThat(span)
        .hasName("chat " + MODEL)
        .hasAttributesSatisfying(
            equalTo(GenAiCallListener.RESPONSE_ID, reply.id()),
            equalTo(GenAiCallListener.RESPONSE_MODEL, reply.model()),
            equalTo(GenAiCallListener.INPUT_TOKENS, (long) reply.usage().promptTokens()),
            equalTo(GenAiCallListener.OUTPUT_TOKENS, (long) reply.usage().completionTokens()),
            equalTo(GenAiCallListener.SERVER_PORT, (long) server.port()));
  }

  @Test
  void asyncSpanIsTheCallersChild() throws Exception {
    ChatCompletion reply =
        inCallerSpan(() -> kimi.chatAsync(ChatRequest.of(MODEL, "Hello")).join());

    SpanData span = awaitGenAiSpan();
    assertChildOfCaller(span);
    assertThat(span).hasAttributesSatisfying(equalTo(GenAiCallListener.RESPONSE_ID, reply.id()));
  }

  @Test
  void retriedCallIsOneSpanWithARetryEvent() throws Exception {
    server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}"));

    ChatCompletion reply = inCallerSpan(() -> kimi.chat(ChatRequest.of(MODEL, "Hello")));

    SpanData span = awaitGenAiSpan();
    assertChildOfCaller(span);
    assertThat(span)
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfying(equalTo(GenAiCallListener.RESPONSE_ID, reply.id()));
    assertEquals(1, span.getEvents().size(), "one retry event");
    assertEquals("kimi.retry", span.getEvents().get(0).getName());
    assertEquals(1L, span.getEvents().get(0).getAttributes().get(GenAiCallListener.ATTEMPT));
  }

  @Test
  void failedCallEndsTheSpanWithAnErrorTypeAndRecordsItsDuration() throws Exception {
    server.enqueue(
        FakeResponse.error(401, "{\"error\":{\"type\":\"invalid_authentication_error\"}}"));

    assertThrows(
        AuthenticationException.class,
        () -> inCallerSpan(() -> kimi.chat(ChatRequest.of(MODEL, "Hello"))));

    SpanData span = awaitGenAiSpan();
    assertChildOfCaller(span);
    assertThat(span)
        .hasStatus(StatusData.create(StatusCode.ERROR, "AuthenticationException"))
        .hasAttributesSatisfying(
            equalTo(GenAiCallListener.ERROR_TYPE, AuthenticationException.class.getName()));
    HistogramPointData point = onlyPoint("gen_ai.client.operation.duration");
    assertEquals(
        AuthenticationException.class.getName(),
        point.getAttributes().get(GenAiCallListener.ERROR_TYPE));
  }

  @Test
  void operationDurationAndTokenUsageMetricsAreNamedAsTheConventionsName() throws Exception {
    ChatCompletion reply = kimi.chat(ChatRequest.of(MODEL, "Hello"));
    assertTrue(ENDS.tryAcquire(5, TimeUnit.SECONDS));

    MetricData durationMetric = metric("gen_ai.client.operation.duration");
    assertEquals("s", durationMetric.getUnit());
    HistogramPointData duration = onlyPoint("gen_ai.client.operation.duration");
    assertEquals(1, duration.getCount());
    assertTrue(duration.getSum() > 0);
    Attributes shared =
        Attributes.builder()
            .put(GenAiCallListener.OPERATION_NAME, "chat")
            .put(GenAiCallListener.PROVIDER_NAME, "moonshot_ai")
            .put(GenAiCallListener.REQUEST_MODEL, MODEL)
            .put(GenAiCallListener.RESPONSE_MODEL, reply.model())
            .put(GenAiCallListener.SERVER_ADDRESS, URI.create(server.baseUrl()).getHost())
            .put(GenAiCallListener.SERVER_PORT, (long) server.port())
            .build();
    assertEquals(shared, duration.getAttributes());
    assertEquals(
        List.of(
            0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92),
        duration.getBoundaries());

    MetricData tokenMetric = metric("gen_ai.client.token.usage");
    assertEquals("{token}", tokenMetric.getUnit());
    List<HistogramPointData> tokens = List.copyOf(tokenMetric.getHistogramData().getPoints());
    assertEquals(2, tokens.size());
    for (HistogramPointData p : tokens) {
      String type = p.getAttributes().get(GenAiCallListener.TOKEN_TYPE);
      assertEquals(
          shared, p.getAttributes().toBuilder().remove(GenAiCallListener.TOKEN_TYPE).build());
      long expected =
          "input".equals(type) ? reply.usage().promptTokens() : reply.usage().completionTokens();
      assertEquals(expected, (long) p.getSum(), type);
      assertEquals(1, p.getCount());
    }
    assertEquals(
        java.util.Set.of("input", "output"),
        java.util.Set.of(
            tokens.get(0).getAttributes().get(GenAiCallListener.TOKEN_TYPE),
            tokens.get(1).getAttributes().get(GenAiCallListener.TOKEN_TYPE)));
  }

  @Test
  void promptTokensServedFromTheCacheAreCacheReadInputTokens() throws Exception {
    ChatRequest request =
        ChatRequest.builder(MODEL)
            .addSystem("You are a careful assistant. ".repeat(80)) // well over 256 tokens
            .addUser("Hello")
            .build();
    kimi.chat(request); // fills the fake's prefix cache
    assertTrue(ENDS.tryAcquire(5, TimeUnit.SECONDS));
    SPANS.reset();

    ChatCompletion again = kimi.chat(request);

    SpanData span = awaitGenAiSpan();
    assertTrue(again.usage().cachedTokens() > 0, "the second request hit the cache");
    assertThat(span)
        .hasAttributesSatisfying(
            equalTo(GenAiCallListener.CACHE_READ_TOKENS, (long) again.usage().cachedTokens()),
            equalTo(GenAiCallListener.INPUT_TOKENS, (long) again.usage().promptTokens()));
  }

  /**
   * The GenAI conventions' current names (open-telemetry/semantic-conventions-genai, all
   * "development", as of 2026-11), with the general conventions' server.* and error.type: every
   * attribute the listener writes is one of them. Token usage is held to the three names the
   * conventions and Spring AI 2.0.1 spell alike; cache writes and reasoning tokens, whose names are
   * still moving (cache_creation renamed cache_write), are not written.
   */
  static final Set<String> CURRENT_NAMES =
      Set.of(
          "gen_ai.operation.name",
          "gen_ai.provider.name",
          "gen_ai.request.model",
          "gen_ai.request.max_tokens",
          "gen_ai.request.temperature",
          "gen_ai.request.top_p",
          "gen_ai.request.seed",
          "gen_ai.request.choice.count",
          "gen_ai.request.stop_sequences",
          "gen_ai.request.presence_penalty",
          "gen_ai.request.frequency_penalty",
          "gen_ai.response.id",
          "gen_ai.response.model",
          "gen_ai.response.finish_reasons",
          "gen_ai.usage.input_tokens",
          "gen_ai.usage.output_tokens",
          "gen_ai.usage.cache_read.input_tokens",
          "gen_ai.token.type",
          "server.address",
          "server.port",
          "error.type");

  @Test
  void everyAttributeTheListenerWritesIsOneOfTheConventionsCurrentNames() throws Exception {
    kimi.chat(everySetting());
    SpanData span = awaitGenAiSpan();
    server.enqueue(
        FakeResponse.error(401, "{\"error\":{\"type\":\"invalid_authentication_error\"}}"));
    assertThrows(AuthenticationException.class, () -> kimi.chat(ChatRequest.of(MODEL, "Hi")));
    assertTrue(ENDS.tryAcquire(5, TimeUnit.SECONDS));

    Set<String> written = new TreeSet<>();
    for (SpanData s : SPANS.getFinishedSpanItems()) {
      s.getAttributes().forEach((key, value) -> written.add(key.getKey()));
    }
    for (MetricData m : METRICS.collectAllMetrics()) {
      for (HistogramPointData p : m.getHistogramData().getPoints()) {
        p.getAttributes().forEach((key, value) -> written.add(key.getKey()));
      }
    }

    assertEquals(
        Set.of(),
        written.stream().filter(k -> !CURRENT_NAMES.contains(k)).collect(Collectors.toSet()),
        "attributes that are not the conventions' current names");
    assertTrue(written.containsAll(Set.of("gen_ai.provider.name", "gen_ai.request.seed")));
    assertEquals("moonshot_ai", span.getAttributes().get(GenAiCallListener.PROVIDER_NAME));
  }

  @Test
  void platformCallsMakeNoSpan() {
    assertFalse(kimi.models().list().isEmpty());

    assertTrue(
        SPANS.getFinishedSpanItems().isEmpty(), () -> "spans: " + SPANS.getFinishedSpanItems());
  }

  // Runs the call inside a span of the caller's, the one every GenAI span must be a child of.
  private static <T> T inCallerSpan(Supplier<T> call) {
    Span parent = OTEL.getTracer("test").spanBuilder("caller").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      return call.get();
    } finally {
      parent.end();
    }
  }

  private static SpanData awaitGenAiSpan() throws InterruptedException {
    assertTrue(ENDS.tryAcquire(5, TimeUnit.SECONDS), "the call ended");
    List<SpanData> genAi =
        SPANS.getFinishedSpanItems().stream()
            .filter(s -> s.getInstrumentationScopeInfo().getName().equals(GenAiCallListener.SCOPE))
            .toList();
    assertEquals(1, genAi.size(), () -> "one GenAI span: " + genAi);
    return genAi.get(0);
  }

  private static void assertChildOfCaller(SpanData span) {
    SpanData caller =
        SPANS.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("caller"))
            .findFirst()
            .orElseThrow();
    assertEquals(caller.getTraceId(), span.getTraceId(), "same trace as the caller");
    assertEquals(caller.getSpanId(), span.getParentSpanId(), "parent is the caller's span");
  }

  // The metrics recorded during this test, collected once.
  private MetricData metric(String name) {
    if (collected == null) {
      collected = METRICS.collectAllMetrics();
    }
    return collected.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + ": " + collected));
  }

  private HistogramPointData onlyPoint(String name) {
    List<HistogramPointData> points = List.copyOf(metric(name).getHistogramData().getPoints());
    assertEquals(1, points.size(), () -> name + ": " + points);
    return points.get(0);
  }
}
