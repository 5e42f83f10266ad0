package com.example.kimi.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application over HTTP, with Kimi played by FakeKimiServer: the auto-configured client and
 * chat model, reached through ChatClient. Its start, on kimi-sdk-spring-ai-starter alone, logs no
 * warning.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class KimiApplicationTest {

  private static final FakeKimiServer KIMI = new FakeKimiServer().trackConnections().start();
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final HttpClient browser =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @LocalServerPort int port;
  @Autowired KimiClient kimi;

  @DynamicPropertySource
  static void kimiProperties(DynamicPropertyRegistry registry) {
    registry.add("spring.ai.kimi.api-key", () -> "sk-test");
    registry.add("spring.ai.kimi.base-url", KIMI::baseUrl);
    registry.add("management.endpoints.web.exposure.include", () -> "health,metrics");
    // each probe of Kimi's health asks Kimi, so that a test can script its answer
    registry.add("spring.ai.kimi.health.cache-for", () -> "0s");
  }

  /** The chat observations Spring AI made, as its handlers see them when they stop. */
  private static final Queue<ChatModelObservationContext> OBSERVED = new ConcurrentLinkedQueue<>();

  /**
   * The keys Spring AI's observation has and kimi-sdk-opentelemetry's span does not, each with its reason.
   * Every other key of the observation is on the span, with the same value.
   */
  private static final Map<String, String> SPRING_ONLY =
      Map.of(
          "gen_ai.system",
          "Spring AI's provider key (deprecated by the conventions), its meters' tag; same value",
          "gen_ai.usage.total_tokens",
          "Spring AI's own, not a name of the conventions",
          "gen_ai.request.stream",
          "Spring AI writes it for every call; the conventions (1.41.0 on) only for a stream,"
              + " which this call is not",
          "gen_ai.usage.cache_creation.input_tokens",
          "Spring AI's name for cache writes, renamed cache_write in the conventions; the"
              + " client's span writes neither by default while the name moves");

  /** The application's OpenTelemetry, exporting its spans to memory. */
  @TestConfiguration
  static class Telemetry {
    @Bean
    ObservationHandler<ChatModelObservationContext> chatObservations() {
      return new ObservationHandler<>() {
        @Override
        public boolean supportsContext(Observation.Context context) {
          return context instanceof ChatModelObservationContext;
        }

        @Override
        public void onStop(ChatModelObservationContext context) {
          OBSERVED.add(context);
        }
      };
    }

    @Bean
    OpenTelemetry openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                  .build())
          .build();
    }
  }

  @AfterAll
  static void stopKimi() {
    KIMI.close();
  }

  @BeforeEach
  void forgetSpans() {
    SPANS.reset();
    OBSERVED.clear();
  }

  @Test
  void theStartLogsNoWarningNorError(CapturedOutput output) {
    List<String> start = new ArrayList<>();
    for (String line : output.getAll().split("\\R")) {
      start.add(line);
      if (line.contains("Started KimiApplicationTest")) {
        break;
      }
    }

    assertThat(start)
        .as("the start's log")
        .anyMatch(l -> l.contains("Started KimiApplicationTest"));
    assertThat(start)
        .as("WARN and ERROR lines of the start")
        .noneMatch(
            l -> l.matches(".*\\b(WARN|ERROR)\\b.*") || l.contains("TypeNotPresentException"));
  }

  @Test
  void chatAnswersWithKimisReplyAndMakesAGenAiSpan() throws Exception {
    HttpResponse<String> response = post("/chat", "{\"message\":\"Hello from Spring\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonValue answer = Json.parse(response.body());
    // kimi-sdk-opentelemetry's span reached the application's OpenTelemetry, with the completion's id.
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    SpanData span = spans.get(0);
    assertThat(span.getName()).isEqualTo("chat kimi-k3");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
        .isEqualTo("moonshot_ai");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")))
        .isEqualTo(answer.get("id").asString());
    assertThat(answer.get("model").asString()).isEqualTo("kimi-k3");
    assertThat(answer.get("text").asString()).isEqualTo(expectedReply("Hello from Spring"));
  }

  @Test
  void springAisObservationAndTheListenersSpanNameKimiAndTheCallAlike() throws Exception {
    assertThat(post("/chat", "{\"message\":\"Hello\"}").statusCode()).isEqualTo(200);

    SpanData span = SPANS.getFinishedSpanItems().get(0);
    Map<String, String> listener = new TreeMap<>();
    span.getAttributes().forEach((key, value) -> listener.put(key.getKey(), text(value)));
    assertThat(OBSERVED).hasSize(1);
    Map<String, String> spring = new TreeMap<>();
    ChatModelObservationContext observed = OBSERVED.peek();
    for (KeyValue k : observed.getLowCardinalityKeyValues()) {
      spring.put(k.getKey(), k.getValue());
    }
    for (KeyValue k : observed.getHighCardinalityKeyValues()) {
      spring.put(k.getKey(), k.getValue());
    }

    // One provider name and value on both paths, and Spring AI's own key says the same.
    assertThat(listener).containsEntry("gen_ai.provider.name", "moonshot_ai");
    assertThat(spring)
        .containsEntry("gen_ai.provider.name", "moonshot_ai")
        .containsEntry("gen_ai.system", "moonshot_ai");
    assertThat(spring)
        .containsKeys(
            "gen_ai.operation.name",
            "gen_ai.request.model",
            "gen_ai.response.model",
            "gen_ai.response.id",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens");
    // Every other key of Spring AI's is the listener's too, with the same value (finish reasons in
    // Spring AI's spelling: one text, in upper case), or is listed with its reason.
    for (Map.Entry<String, String> e : spring.entrySet()) {
      String key = e.getKey();
      if (SPRING_ONLY.containsKey(key)) {
        assertThat(listener).as(key).doesNotContainKey(key);
      } else if (key.equals("gen_ai.response.finish_reasons")) {
        assertThat(e.getValue().toLowerCase(Locale.ROOT)).isEqualTo(listener.get(key));
      } else {
        assertThat(listener).as(key).containsEntry(key, e.getValue());
      }
    }
  }

  /** An attribute's value as Spring writes a key value: lists as ["a","b"]. */
  private static String text(Object value) {
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : list) {
        sb.append(sb.length() == 1 ? "" : ",").append('"').append(o).append('"');
      }
      return sb.append(']').toString();
    }
    return String.valueOf(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/stream", "/stream/emitter"})
  void streamSendsEveryPieceAsAJsonEventSoNoLeadingSpaceIsLost(String path) throws Exception {
    String message = "Hello from a stream";
    HttpResponse<String> response =
        browser.send(
            HttpRequest.newBuilder(uri(path + "?message=" + encode(message)))
                .header("Accept", "text/event-stream")
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<String> data = dataLines(response.body());
    assertThat(data).hasSizeGreaterThan(1).allSatisfy(d -> assertThat(d).startsWith("{"));
    StringBuilder text = new StringBuilder();
    for (String d : data) {
      text.append(Json.parse(d).get("text").asString());
    }
    // Pieces after the first start with a space, which plain-text events would have lost.
    assertThat(data.stream().skip(1).map(this::pieceText)).anyMatch(t -> t.startsWith(" "));
    assertThat(text.toString()).isEqualTo(expectedReply(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/stream", "/stream/emitter"})
  void browserLeavingMidStreamClosesTheUpstreamCall(String path) throws Exception {
    int closedBefore = KIMI.clientClosedConnections();
    // A long reply, one piece every 50 ms: 20 s if nobody stopped it, longer than the wait below.
    FakeResponse.SseBuilder slow = FakeResponse.sse();
    for (int i = 0; i < 400; i++) {
      slow.data(chunk(i == 0 ? "Once" : " upon")).pause(Duration.ofMillis(50));
    }
    KIMI.enqueue(slow.done().build());

    HttpResponse<InputStream> response =
        browser.send(
            HttpRequest.newBuilder(uri(path + "?message=story"))
                .header("Accept", "text/event-stream")
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = events.readLine();
      } while (line != null && !line.startsWith("data:"));
      assertThat(line).isEqualTo("data:{\"text\":\"Once\"}");
    } // the browser leaves

    // The application cancels the stream and the SDK closes its connection to Kimi, long before
    // the reply's 20 s are over.
    assertThat(
            KIMI.awaitConnections(
                () -> KIMI.clientClosedConnections() > closedBefore && KIMI.activeExchanges() == 0,
                WAIT))
        .as("the upstream connection closed by the client")
        .isTrue();
  }

  @Test
  void kimiRejectingTheKeyIsA502ProblemWithTheRequestId() throws Exception {
    KIMI.enqueue(
        FakeResponse.error(
                401,
                "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"Invalid"
                    + " Authentication\"}}")
            .withHeader("Msh-Request-Id", "req-boot-401"));

    HttpResponse<String> response = post("/chat", "{\"message\":\"Hello\"}");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonValue problem = Json.parse(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(502);
    assertThat(problem.get("requestId").asString()).isEqualTo("req-boot-401");
    assertThat(problem.get("kimiError").asString()).isEqualTo("AuthenticationException");
    assertThat(problem.get("kimiStatus").asInt()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("sk-test");
  }

  @Test
  void kimiRateLimitIsA503ProblemWithRetryAfter() throws Exception {
    KIMI.enqueue(
        FakeResponse.error(
                429,
                "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account"
                    + " reached max request\"}}")
            .withHeader("Retry-After", "120")
            .withHeader("Msh-Request-Id", "req-boot-429"));

    HttpResponse<String> response = post("/chat", "{\"message\":\"Hello\"}");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("120");
    assertThat(Json.parse(response.body()).get("requestId").asString()).isEqualTo("req-boot-429");
  }

  @Test
  void kimiRefusingTheRequestIsA400ProblemWithKimisMessage() throws Exception {
    KIMI.enqueue(
        FakeResponse.error(
                400,
                "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid request:"
                    + " messages must not be empty\"}}")
            .withHeader("Msh-Request-Id", "req-boot-400"));

    HttpResponse<String> response = post("/chat", "{\"message\":\"Hello\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonValue problem = Json.parse(response.body());
    assertThat(problem.get("detail").asString()).contains("messages must not be empty");
    assertThat(problem.get("requestId").asString()).isEqualTo("req-boot-400");
  }

  @Test
  void kimisHealthIsAGroupOfItsOwnAndItsOutageLeavesTheApplicationUp() throws Exception {
    int before = KIMI.requestCount();
    HttpResponse<String> up = get("/actuator/health/kimi");
    assertThat(up.statusCode()).isEqualTo(200);
    JsonValue kimiHealth = Json.parse(up.body()).get("components").get("kimiApi");
    assertThat(kimiHealth.get("status").asString()).isEqualTo("UP");
    assertThat(kimiHealth.get("details").get("endpoint").asString()).isEqualTo(KIMI.baseUrl());
    // kimi-sdk-spring-ai's indicator asked for the models, which cost no tokens, and nothing else
    assertThat(KIMI.requests().subList(before, KIMI.requestCount()))
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly("GET /v1/models");
    // the application's own status does not hold Kimi's
    HttpResponse<String> root = get("/actuator/health");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(Json.parse(root.body()).get("components").get("kimiApi")).isNull();

    // a check is reused for spring.ai.kimi.health.cache-for (0 here, so this probe asks again)
    KIMI.enqueue(
        FakeResponse.error(401, "{\"error\":{\"type\":\"invalid_authentication_error\"}}"));
    HttpResponse<String> down = get("/actuator/health/kimi");
    assertThat(down.statusCode()).isEqualTo(503);
    JsonValue health = Json.parse(down.body()).get("components").get("kimiApi");
    assertThat(health.get("status").asString()).isEqualTo("DOWN");
    assertThat(health.get("details").get("status").asString()).isEqualTo("BAD_KEY");
    assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
  }

  @Test
  void spendIsAMeterOfTheApplicationsRegistry() throws Exception {
    assertThat(post("/chat", "{\"message\":\"Count me\"}").statusCode()).isEqualTo(200);

    HttpResponse<String> input = get("/actuator/metrics/kimi.spend.tokens?tag=gen_ai.token.type:input");
    HttpResponse<String> cost = get("/actuator/metrics/kimi.spend.cost?tag=currency:USD");

    assertThat(input.statusCode()).isEqualTo(200);
    assertThat(Json.parse(input.body()).get("measurements").get(0).get("value").asDouble())
        .isEqualTo((double) kimi.spend().promptTokens())
        .isPositive();
    assertThat(Json.parse(cost.body()).get("measurements").get(0).get("value").asDouble())
        .isPositive();
  }

  // What the fake's model answers to `message`, asked directly.
  private String expectedReply(String message) {
    return kimi.chat(ChatRequest.of("kimi-k3", message)).text();
  }

  private String pieceText(String data) {
    return Json.parse(data).get("text").asString();
  }

  private static List<String> dataLines(String body) {
    List<String> data = new ArrayList<>();
    for (String line : body.split("\r?\n")) {
      if (line.startsWith("data:")) {
        data.add(line.substring("data:".length()));
      }
    }
    return data;
  }

  private static String chunk(String text) {
    return "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + text
        + "\"},\"finish_reason\":null}]}";
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(uri(path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
