package io.github.kimisdk.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The artifact's spans, metrics and trace context, against FakeKimiServer and the OpenTelemetry
 * SDK's in-memory exporters. A span ends, and its metrics are recorded, before the caller has the
 * call's outcome, so each test reads them right after its call.
 */
class KimiTelemetryTest {

  static final InMemoryTelemetry TELEMETRY = new InMemoryTelemetry();
  static final InMemorySpanExporter SPANS = TELEMETRY.spans;
  static final InMemoryMetricReader METRICS = TELEMETRY.metrics;
  static final OpenTelemetrySdk OTEL = TELEMETRY.sdk;

  // retired, so listed here as a proxy would list it: a model that fixes no sampling value
  static final String MODEL = "moonshot-v1-8k";
  static final String BUSY = "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}";
  static final String BAD_KEY = "{\"error\":{\"type\":\"invalid_authentication_error\"}}";
  static final String OVERLOADED =
      "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}";
  static final AttributeKey<Value<?>> INPUT_VALUE = AttributeKey.valueKey("gen_ai.input.messages");
  static final AttributeKey<Value<?>> OUTPUT_VALUE =
      AttributeKey.valueKey("gen_ai.output.messages");

  FakeKimiServer server;
  KimiClient kimi;

  @AfterAll
  static void stop() {
    OTEL.close();
  }

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    server.addModel(ModelCatalog.defaults().lookup(MODEL));
    kimi = client(b -> b);
    SPANS.reset();
    METRICS.collectAllMetrics();
  }

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  KimiClient client(UnaryOperator<KimiTelemetry.Builder> settings) {
    return client(
        settings, RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)));
  }

  KimiClient client(UnaryOperator<KimiTelemetry.Builder> settings, RetryPolicy retries) {
    return installed(settings)
        .retryPolicy(retries)
        // a seed, which Moonshot does not document, sent on purpose for its span attribute
        .deliberateFields("seed")
        .build();
  }

  /** A builder of a client of the fake, with the telemetry {@code settings} make installed. */
  KimiClient.Builder installed(UnaryOperator<KimiTelemetry.Builder> settings) {
    return settings
        .apply(KimiTelemetry.builder(OTEL))
        .build()
        .install(KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()));
  }

  static ChatRequest everySetting() {
    return everySetting(ChatRequest.builder(MODEL).addUser("Hello")).build();
  }

  /** {@code b} with each sampling setting the conventions name an attribute for, and a seed. */
  static ChatRequest.Builder everySetting(ChatRequest.Builder b) {
    return b.maxCompletionTokens(50)
        .temperature(0.3)
        .topP(0.9)
        .n(2)
        .presencePenalty(0.1)
        .frequencyPenalty(0.2)
        .stop("END")
        .extraBody("seed", JsonNumber.of(42));
  }

  @Test
  void aBlockingCallIsOneClientSpanUnderTheCallersWithTheConventionsAttributes() {
    ChatCompletion reply = inCallerSpan(() -> kimi.chat(everySetting()));

    SpanData span = kimiSpanUnderCaller();
    assertThat(span)
        .hasName("chat " + MODEL)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfying(
            equalTo(GenAi.OPERATION_NAME, "chat"),
            equalTo(GenAi.PROVIDER_NAME, "moonshot_ai"),
            equalTo(GenAi.REQUEST_MODEL, MODEL),
            equalTo(GenAi.MAX_TOKENS, 50L),
            equalTo(GenAi.TEMPERATURE, 0.3),
            equalTo(GenAi.TOP_P, 0.9),
            equalTo(GenAi.PRESENCE_PENALTY, 0.1),
            equalTo(GenAi.FREQUENCY_PENALTY, 0.2),
            equalTo(GenAi.CHOICE_COUNT, 2L),
            equalTo(GenAi.SEED, 42L),
            equalTo(GenAi.STOP_SEQUENCES, List.of("END")),
            equalTo(GenAi.RESPONSE_ID, reply.id()),
            equalTo(GenAi.RESPONSE_MODEL, reply.model()),
            equalTo(GenAi.FINISH_REASONS, List.of("stop", "stop")),
            equalTo(GenAi.INPUT_TOKENS, (long) reply.usage().promptTokens()),
            equalTo(GenAi.OUTPUT_TOKENS, (long) reply.usage().completionTokens()),
            equalTo(GenAi.SERVER_ADDRESS, URI.create(server.baseUrl()).getHost()),
            equalTo(GenAi.SERVER_PORT, (long) server.port()),
            equalTo(GenAi.REQUEST_ID, reply.metadata().requestId().orElseThrow()));
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isNull();
  }

  @Test
  void anAsyncCallIsOneClientSpanUnderTheCallers() {
    ChatCompletion reply =
        inCallerSpan(() -> kimi.chatAsync(ChatRequest.of(MODEL, "Hello")).join());

    assertThat(kimiSpanUnderCaller())
        .hasAttributesSatisfying(equalTo(GenAi.RESPONSE_ID, reply.id()));
  }

  @Test
  void aStreamedCallIsOneClientSpanUnderTheCallersWithItsIdAndUsage() {
    ChatCompletion reply =
        inCallerSpan(() -> kimi.stream(ChatRequest.of(MODEL, "Tell me a story")).toCompletion());

    assertThat(kimiSpanUnderCaller())
        .hasName("chat " + MODEL)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfying(
            equalTo(GenAi.RESPONSE_ID, reply.id()),
            equalTo(GenAi.RESPONSE_MODEL, reply.model()),
            equalTo(GenAi.INPUT_TOKENS, (long) reply.usage().promptTokens()),
            equalTo(GenAi.OUTPUT_TOKENS, (long) reply.usage().completionTokens()),
            equalTo(GenAi.SERVER_PORT, (long) server.port()));
  }

  @Test
  void theRequestCarriesTheTraceContextOfTheCallsSpanInTheCallersTrace() {
    inCallerSpan(() -> kimi.chat(ChatRequest.of(MODEL, "Hello")));

    SpanData span = kimiSpan();
    RecordedRequest sent = server.takeRequest();
    String traceparent = sent.header("traceparent").orElseThrow();
    assertThat(traceparent).isEqualTo(traceparent(span)).contains(caller().getTraceId());
  }

  @Test
  void everyAttemptCarriesTheTraceContextAndEachRetryIsASpanEvent() {
    server.enqueue(FakeResponse.error(503, BUSY));

    ChatCompletion reply = inCallerSpan(() -> kimi.chat(ChatRequest.of(MODEL, "Hello")));

    SpanData span = kimiSpan();
    assertThat(span)
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfying(equalTo(GenAi.RESPONSE_ID, reply.id()));
    assertThat(span.getEvents()).hasSize(1);
    EventData retry = span.getEvents().get(0);
    assertThat(retry.getName()).isEqualTo("kimi.retry");
    assertThat(retry.getAttributes().get(GenAi.ATTEMPT)).isEqualTo(2L);
    assertThat(retry.getAttributes().get(GenAi.ERROR_TYPE))
        .as("the failure before it, by Kimi's error type")
        .isEqualTo("server_error");
    assertThat(retry.getAttributes().get(GenAi.HTTP_STATUS)).isEqualTo(503L);
    assertThat(retry.getAttributes().get(GenAi.SERVER_PORT)).isEqualTo((long) server.port());
    String expected = traceparent(span);
    assertThat(server.takeRequest().header("traceparent")).hasValue(expected);
    assertThat(server.takeRequest().header("traceparent")).hasValue(expected);
  }

  @Test
  void aFallbackIsASpanEventAndTheSpanAndMetricsNameTheTargetThatAnswered() {
    server.enqueue(
        FakeResponse.error(
            429, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}"));
    try (FakeKimiServer second = new FakeKimiServer().start()) {
      second.addModel(ModelCatalog.defaults().lookup(MODEL));
      try (KimiClient chain =
          installed(t -> t)
              .fallback(Target.of(Host.compatible("backup", second.baseUrl())).apiKey("sk-b"))
              .build()) {
        inCallerSpan(() -> chain.chat(ChatRequest.of(MODEL, "Hello")));
      }
      SpanData span = kimiSpan();
      assertThat(span.getEvents()).hasSize(1);
      EventData moved = span.getEvents().get(0);
      assertThat(moved.getName()).isEqualTo("kimi.fallback");
      assertThat(moved.getAttributes().get(GenAi.SERVER_PORT)).isEqualTo((long) second.port());
      assertThat(moved.getAttributes().get(RerouteEvents.FROM_TARGET))
          .as("the target that failed")
          .isZero();
      assertThat(moved.getAttributes().get(RerouteEvents.FROM_PORT))
          .isEqualTo((long) server.port());
      assertThat(moved.getAttributes().get(GenAi.ERROR_TYPE)).isEqualTo("engine_overloaded_error");
      assertThat(span)
          .hasAttributesSatisfying(
              equalTo(GenAi.TARGET, 1L),
              equalTo(GenAi.TARGET_HOST, "backup"),
              equalTo(GenAi.SERVER_PORT, (long) second.port()));
      HistogramPointData point =
          onlyPoint(METRICS.collectAllMetrics(), "gen_ai.client.operation.duration");
      assertThat(point.getAttributes().get(GenAi.TARGET_HOST)).isEqualTo("backup");
      assertThat(second.takeRequest().header("traceparent")).hasValue(traceparent(span));
    }
  }

  @Test
  void anErrorEventAfterTheFirstChunksSetsTheErrorTypeTheHostSent() {
    server.enqueue(
        FakeResponse.sse()
            .data(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                    + MODEL
                    + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"Hel\"},\"finish_reason\":null}]}")
            .data("{\"error\":{\"type\":\"server_error\",\"message\":\"the engine fell over\"}}")
            .build());
    try (KimiClient kimi =
        installed(t -> t).retryPolicy(io.github.kimisdk.RetryPolicy.none()).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> kimi.stream(ChatRequest.of(MODEL, "Hello")).toCompletion())
          .isInstanceOf(io.github.kimisdk.errors.StreamAbortedException.class);
    }
    assertThat(kimiSpan().getAttributes().get(GenAi.ERROR_TYPE))
        .as("the type the host's event named, not the stream's exception class")
        .isEqualTo("server_error");
  }

  @Test
  void aFailedCallSetsErrorTypeOnItsSpanAndItsDuration() {
    server.enqueue(FakeResponse.error(401, BAD_KEY));

    assertThatThrownBy(() -> inCallerSpan(() -> kimi.chat(ChatRequest.of(MODEL, "Hello"))))
        .isInstanceOf(AuthenticationException.class);

    SpanData span = kimiSpanUnderCaller();
    assertThat(span)
        .hasStatus(StatusData.create(StatusCode.ERROR, "AuthenticationException"))
        .hasAttributesSatisfying(
            equalTo(GenAi.ERROR_TYPE, "invalid_authentication_error"),
            equalTo(GenAi.HTTP_STATUS, 401L));
    HistogramPointData point =
        onlyPoint(METRICS.collectAllMetrics(), "gen_ai.client.operation.duration");
    assertThat(point.getAttributes().get(GenAi.ERROR_TYPE))
        .isEqualTo("invalid_authentication_error");
  }

  /**
   * {@code error.type}, one rule per row: Kimi's error type when the server gave one of a safe
   * form, else the HTTP status of its refusal; the failure's class for anything that is no server
   * answer.
   */
  @Test
  void errorTypeIsTheErrorsOwnIdentifierWhereOneExists() {
    Object[][] rows = {
      {
        FakeResponse.error(429, "{\"error\":{\"type\":\"engine_overloaded_error\"}}"),
        "engine_overloaded_error",
        429L
      },
      {FakeResponse.error(503, "upstream connect error"), "503", 503L},
      {FakeResponse.error(500, "{\"error\":{\"type\":\"no such type; drop table\"}}"), "500", 500L},
      {FakeResponse.resetBeforeHeaders(), "io.github.kimisdk.errors.ConnectionException", null},
    };
    try (KimiClient once = client(b -> b, RetryPolicy.none())) {
      for (Object[] row : rows) {
        SPANS.reset();
        server.enqueue((FakeResponse) row[0]);

        assertThatThrownBy(() -> once.chat(ChatRequest.of(MODEL, "Hello")))
            .isInstanceOf(KimiException.class);

        SpanData span = kimiSpan();
        assertThat(span.getAttributes().get(GenAi.ERROR_TYPE)).as("%s", row[1]).isEqualTo(row[1]);
        assertThat(span.getAttributes().get(GenAi.HTTP_STATUS)).as("%s", row[1]).isEqualTo(row[2]);
      }
    }
  }

  @Test
  void aCallRefusedBeforeSendingIsASpanWithItsErrorAndNoAttempt() {
    ChatRequest refused =
        ChatRequest.builder("kimi-k3")
            .addUser("Hello")
            .thinking(Thinking.disabled())
            .temperature(1.0) // kimi-k3 takes 0.6 with thinking off: the client refuses it
            .build();

    assertThatThrownBy(() -> inCallerSpan(() -> kimi.chat(refused)))
        .isInstanceOf(PreflightException.class);
    assertThatThrownBy(() -> inCallerSpan(() -> kimi.stream(refused)))
        .isInstanceOf(PreflightException.class);

    assertThat(server.requestCount()).isZero();
    List<SpanData> spans = kimiSpans();
    assertThat(spans).hasSize(2);
    for (SpanData span : spans) {
      assertThat(span)
          .hasName("chat kimi-k3")
          .hasStatus(StatusData.create(StatusCode.ERROR, "PreflightException"))
          .hasAttributesSatisfying(
              equalTo(GenAi.ERROR_TYPE, PreflightException.class.getName()),
              equalTo(GenAi.REQUEST_MODEL, "kimi-k3"));
      assertThat(span.getAttributes().get(GenAi.HTTP_STATUS)).isNull();
      assertThat(span.getEvents()).isEmpty();
    }
    assertThat(spans.get(1).getAttributes().get(GenAi.STREAM)).isTrue();
    HistogramPointData duration =
        onlyPoint(METRICS.collectAllMetrics(), "gen_ai.client.operation.duration");
    assertThat(duration.getCount()).isEqualTo(2);
    assertThat(duration.getAttributes().get(GenAi.ERROR_TYPE))
        .isEqualTo(PreflightException.class.getName());
  }

  @Test
  void theMetricsRecordTheDurationAndTheTokensAsTheConventionsNameThem() {
    ChatCompletion reply = kimi.chat(ChatRequest.of(MODEL, "Hello"));

    Collection<MetricData> metrics = METRICS.collectAllMetrics();
    assertThat(metric(metrics, "gen_ai.client.operation.duration").getUnit()).isEqualTo("s");
    HistogramPointData duration = onlyPoint(metrics, "gen_ai.client.operation.duration");
    assertThat(duration.getCount()).isEqualTo(1);
    assertThat(duration.getSum()).isPositive();
    Attributes shared =
        Attributes.builder()
            .put(GenAi.OPERATION_NAME, "chat")
            .put(GenAi.PROVIDER_NAME, "moonshot_ai")
            .put(GenAi.REQUEST_MODEL, MODEL)
            .put(GenAi.RESPONSE_MODEL, reply.model())
            .put(GenAi.SERVER_ADDRESS, URI.create(server.baseUrl()).getHost())
            .put(GenAi.SERVER_PORT, (long) server.port())
            .build();
    assertThat(duration.getAttributes()).isEqualTo(shared);

    MetricData tokenMetric = metric(metrics, "gen_ai.client.token.usage");
    assertThat(tokenMetric.getUnit()).isEqualTo("{token}");
    List<HistogramPointData> tokens = List.copyOf(tokenMetric.getHistogramData().getPoints());
    assertThat(tokens).hasSize(2);
    for (HistogramPointData p : tokens) {
      String type = p.getAttributes().get(GenAi.TOKEN_TYPE);
      assertThat(p.getAttributes().toBuilder().remove(GenAi.TOKEN_TYPE).build()).isEqualTo(shared);
      long expected =
          "input".equals(type) ? reply.usage().promptTokens() : reply.usage().completionTokens();
      assertThat((long) p.getSum()).as(type).isEqualTo(expected);
    }
  }

  @Test
  void messagesAreRecordedOnlyWhenTheApplicationOptsInAsStructuredValues() {
    kimi.chat(ChatRequest.of(MODEL, "my secret question"));
    assertThat(kimiSpan().getAttributes().get(INPUT_VALUE)).isNull();
    assertThat(kimiSpan().getAttributes().get(GenAi.INPUT_MESSAGES)).isNull();
    SPANS.reset();

    try (KimiClient recording = client(b -> b.captureMessageContent(true))) {
      ChatCompletion reply = recording.chat(ChatRequest.of(MODEL, "my secret question"));

      SpanData span = kimiSpan();
      assertThat(span.getAttributes().get(GenAi.INPUT_MESSAGES)).as("not a string").isNull();
      Value<?> input = span.getAttributes().get(INPUT_VALUE);
      assertThat(input.getType()).isEqualTo(ValueType.ARRAY);
      assertThat(input)
          .isEqualTo(
              Value.of(
                  Value.of(
                      KeyValue.of("role", Value.of("user")),
                      KeyValue.of(
                          "parts",
                          Value.of(
                              Value.of(
                                  KeyValue.of("type", Value.of("text")),
                                  KeyValue.of("content", Value.of("my secret question"))))))));
      Value<?> output = span.getAttributes().get(OUTPUT_VALUE);
      assertThat(output.getType()).isEqualTo(ValueType.ARRAY);
      assertThat(output.asString()).contains(reply.text()).contains("finish_reason");
    }
  }

  @Test
  void whereTheApiHasNoStructuredValuesMessagesAreJsonStringsOfTheSameShape() {
    GenAi json = new GenAi(false, true, false, PriceTable.defaults());
    GenAi structured = new GenAi(false, true, true, PriceTable.defaults());
    ChatRequest request =
        ChatRequest.builder(MODEL)
            .addSystem("Be brief.")
            .addUser("Weather in Paris?")
            .addMessage(
                Message.assistant(
                    null,
                    null,
                    List.of(
                        ToolCall.function("call_1", "get_weather", "{\"location\":\"Paris\"}"))))
            .addMessage(Message.tool("call_1", "get_weather", "rainy"))
            .build();

    String written = json.request(Attributes.empty(), request, false).get(GenAi.INPUT_MESSAGES);
    Value<?> value = structured.request(Attributes.empty(), request, false).get(INPUT_VALUE);

    assertThat(written)
        .isEqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be brief.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in"
                + " Paris?\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\","
                + "\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":{\"location\":"
                + "\"Paris\"}}]},{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\","
                + "\"id\":\"call_1\",\"response\":\"rainy\"}]}]");
    assertThat(value).isEqualTo(Structured.value(Json.parse(written)));
    assertThat(Structured.AVAILABLE).as("the API this module compiles against has them").isTrue();
  }

  @Test
  void detailedTokenCountsAreWrittenOnlyWhenTheApplicationOptsIn() {
    ChatRequest request =
        ChatRequest.builder(MODEL)
            .addSystem("You are a careful assistant. ".repeat(80)) // over 256 tokens: cached
            .addUser("Hello")
            .build();
    kimi.chat(request); // fills the fake's prefix cache
    ChatCompletion cached = kimi.chat(request);
    assertThat(cached.usage().cachedTokens()).isPositive();
    assertThat(SPANS.getFinishedSpanItems())
        .allSatisfy(s -> assertThat(s.getAttributes().get(GenAi.CACHE_READ_TOKENS)).isNull());
    SPANS.reset();

    try (KimiClient detailed = client(b -> b.experimentalAttributes(true))) {
      ChatCompletion again = detailed.chat(request);

      assertThat(kimiSpan())
          .hasAttributesSatisfying(
              equalTo(GenAi.CACHE_READ_TOKENS, (long) again.usage().cachedTokens()));
    }
  }

  @Test
  void withPropagationOffNoTraceContextIsSent() {
    try (KimiClient quiet = client(b -> b.propagateContext(false))) {
      inCallerSpan(() -> quiet.chat(ChatRequest.of(MODEL, "Hello")));
    }

    assertThat(server.takeRequest().header("traceparent")).isEmpty();
    assertThat(kimiSpan()).isNotNull();
  }

  @Test
  void theScopeHasTheArtifactsVersionAndTheConventionsSchemaUrl() {
    kimi.chat(ChatRequest.of(MODEL, "Hello"));

    assertThat(KimiTelemetry.VERSION).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    SpanData span = kimiSpan();
    assertThat(span.getInstrumentationScopeInfo().getVersion()).isEqualTo(KimiTelemetry.VERSION);
    assertThat(span.getInstrumentationScopeInfo().getSchemaUrl())
        .isEqualTo("https://opentelemetry.io/schemas/1.41.1");
    for (MetricData m : METRICS.collectAllMetrics()) {
      assertThat(m.getInstrumentationScopeInfo().getVersion()).isEqualTo(KimiTelemetry.VERSION);
      assertThat(m.getInstrumentationScopeInfo().getSchemaUrl())
          .isEqualTo(KimiTelemetry.SCHEMA_URL);
    }
  }

  @Test
  void aStreamsSpanSaysSoAndHasItsTimeToFirstChunkAsTheCallerMeasuredIt() {
    server.latency(Duration.ofMillis(300)); // the first chunk comes 300 ms after the request

    long started = System.nanoTime();
    long first = 0;
    try (ChatStream s = kimi.stream(ChatRequest.of(MODEL, "Tell me a story"))) {
      for (ChatCompletionChunk c : s) {
        if (first == 0) {
          first = System.nanoTime();
        }
      }
    }
    double measured = (first - started) / 1e9;

    SpanData span = kimiSpan();
    assertThat(span.getAttributes().get(GenAi.STREAM)).isTrue();
    Double toFirst = span.getAttributes().get(GenAi.TIME_TO_FIRST_CHUNK);
    assertThat(toFirst).isGreaterThanOrEqualTo(0.3).isCloseTo(measured, within(0.05));
    SPANS.reset();
    kimi.chat(ChatRequest.of(MODEL, "Hello"));
    assertThat(kimiSpan().getAttributes().get(GenAi.STREAM))
        .as("set if and only if the request is streaming")
        .isNull();
    assertThat(kimiSpan().getAttributes().get(GenAi.TIME_TO_FIRST_CHUNK)).isNull();
  }

  @Test
  void aStreamRecordsTheTimeToItsFirstChunkAndBetweenTheOthers() {
    server.enqueue(
        FakeResponse.stream(
            List.of(
                "{\"id\":\"c1\",\"model\":\""
                    + MODEL
                    + "\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"one\"}}]}",
                "{\"id\":\"c1\",\"model\":\""
                    + MODEL
                    + "\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\" two\"}}]}",
                "{\"id\":\"c1\",\"model\":\""
                    + MODEL
                    + "\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
                    + "\"completion_tokens\":2,\"total_tokens\":5}}"),
            Duration.ofMillis(40)));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (ChatStream s = kimi.stream(ChatRequest.of(MODEL, "Count"))) {
      s.forEach(chunks::add);
    }

    Collection<MetricData> metrics = METRICS.collectAllMetrics();
    MetricData first = metric(metrics, "gen_ai.client.operation.time_to_first_chunk");
    assertThat(first.getUnit()).isEqualTo("s");
    HistogramPointData toFirst = onlyPoint(metrics, "gen_ai.client.operation.time_to_first_chunk");
    assertThat(toFirst.getCount()).isEqualTo(1);
    assertThat(toFirst.getSum())
        .isEqualTo(kimiSpan().getAttributes().get(GenAi.TIME_TO_FIRST_CHUNK));
    HistogramPointData between =
        onlyPoint(metrics, "gen_ai.client.operation.time_per_output_chunk");
    assertThat(between.getCount()).isEqualTo(chunks.size() - 1);
    assertThat(between.getSum())
        .isPositive()
        .isLessThan(onlyPoint(metrics, "gen_ai.client.operation.duration").getSum());
    assertThat(toFirst.getAttributes())
        .isEqualTo(onlyPoint(metrics, "gen_ai.client.operation.duration").getAttributes())
        .containsEntry(GenAi.RESPONSE_MODEL, MODEL);

    kimi.chat(ChatRequest.of(MODEL, "Hello"));
    assertThat(METRICS.collectAllMetrics())
        .as("neither is recorded for a call that is not streamed")
        .noneMatch(m -> m.getName().contains("chunk"));
  }

  @Test
  void aSuccessfulCallsSpanHasItsHttpStatus() {
    kimi.chat(ChatRequest.of(MODEL, "Hello"));

    assertThat(kimiSpan().getAttributes().get(GenAi.HTTP_STATUS)).isEqualTo(200L);
  }

  @Test
  void theProviderIsTheHostThatServedTheCall() {
    kimi.chat(ChatRequest.of(MODEL, "Hello"));
    assertThat(kimiSpan().getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("moonshot_ai");
    SPANS.reset();
    METRICS.collectAllMetrics();
    server.dialect("vllm");

    try (KimiClient vllm =
        KimiTelemetry.create(OTEL)
            .install(KimiClient.builder().host(Host.vllm(server.baseUrl())).apiKey("sk-test"))
            .build()) {
      vllm.chat(ChatRequest.of("kimi-k3", "Hello"));
    }

    assertThat(kimiSpan().getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("vllm");
    assertThat(
            onlyPoint(METRICS.collectAllMetrics(), "gen_ai.client.operation.duration")
                .getAttributes()
                .get(GenAi.PROVIDER_NAME))
        .isEqualTo("vllm");
    assertThat(GenAi.provider("kimi-code")).isEqualTo("moonshot_ai");
    assertThat(GenAi.provider("openrouter")).isEqualTo("openrouter");
  }

  /**
   * The chain docs/hosts.md shows first: two targets on one URL with two models. The first target's
   * model is overloaded: its fallback is a {@code kimi.fallback} event, not a retry.
   */
  @Test
  void aFallbackToAnotherTargetOnTheSameUrlIsAFallbackEvent() {
    server.respondWith(
        r ->
            r.bodyText().contains("\"model\":\"kimi-k3\"")
                ? FakeResponse.error(429, OVERLOADED)
                : null);
    Host sameUrl = Host.moonshot(Endpoint.of(server.baseUrl()));
    try (KimiClient chain =
        KimiTelemetry.create(OTEL)
            .install(
                KimiClient.builder()
                    .apiKey("sk-test")
                    .baseUrl(server.baseUrl())
                    .fallback(Target.of(sameUrl, MODEL).apiKey("sk-test")))
            .build()) {
      inCallerSpan(() -> chain.chat(ChatRequest.of("kimi-k3", "Hello")));
    }

    SpanData span = kimiSpan();
    assertThat(span.getEvents()).hasSize(1);
    EventData moved = span.getEvents().get(0);
    assertThat(moved.getName()).isEqualTo("kimi.fallback");
    assertThat(moved.getAttributes().get(GenAi.TARGET)).isEqualTo(1L);
    assertThat(moved.getAttributes().get(GenAi.ERROR_TYPE)).isEqualTo("engine_overloaded_error");
    assertThat(moved.getAttributes().get(GenAi.SERVER_PORT)).isEqualTo((long) server.port());
    assertThat(span)
        .hasAttributesSatisfying(
            equalTo(GenAi.TARGET, 1L),
            equalTo(GenAi.RESPONSE_MODEL, MODEL),
            equalTo(GenAi.PROVIDER_NAME, "moonshot_ai"));
  }

  // Runs the call inside a span of the caller's, the one every Kimi span must be a child of.
  @SuppressWarnings("try")
  static <T> T inCallerSpan(Supplier<T> call) {
    Span parent = OTEL.getTracer("test").spanBuilder("caller").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      return call.get();
    } finally {
      parent.end();
    }
  }

  static SpanData kimiSpan() {
    return TELEMETRY.kimiSpan();
  }

  static List<SpanData> kimiSpans() {
    return TELEMETRY.kimiSpans();
  }

  /** The W3C header of {@code span}'s context: version, trace, span, flags. */
  static String traceparent(SpanData span) {
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + "-"
        + span.getSpanContext().getTraceFlags().asHex();
  }

  static SpanData caller() {
    return SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("caller"))
        .findFirst()
        .orElseThrow();
  }

  static void assertChildOfCaller(SpanData span) {
    SpanData caller = caller();
    assertThat(span.getTraceId()).as("the caller's trace").isEqualTo(caller.getTraceId());
    assertThat(span.getParentSpanId()).as("the caller's child").isEqualTo(caller.getSpanId());
  }

  /** The one span of kimi-sdk's scope, asserted the caller's child. */
  static SpanData kimiSpanUnderCaller() {
    SpanData span = kimiSpan();
    assertChildOfCaller(span);
    return span;
  }

  static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + ": " + metrics));
  }

  static HistogramPointData onlyPoint(Collection<MetricData> metrics, String name) {
    List<HistogramPointData> points =
        List.copyOf(metric(metrics, name).getHistogramData().getPoints());
    assertThat(points).as(name).hasSize(1);
    return points.get(0);
  }
}
