package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.token.TokenEstimator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeKimiServerHttpTest {

  static final Instant NOW = Instant.parse("2026-09-01T12:00:00Z");

  FakeKimiServer server;
  HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    server = new FakeKimiServer(Clock.fixed(NOW, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> post(String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> chat(String body) throws Exception {
    return post("/chat/completions", body, "k");
  }

  static List<JsonObject> events(String sse) {
    List<JsonObject> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      if (block.startsWith("data: ") && !block.equals("data: [DONE]")) {
        out.add((JsonObject) Json.parse(block.substring(6)));
      }
    }
    return out;
  }

  static String str(JsonValue v) {
    return ((JsonString) v).value();
  }

  static JsonObject choice(JsonObject o) {
    return (JsonObject) ((JsonArray) o.get("choices")).get(0);
  }

  @Test
  void baseUrlIsLoopbackEndingInV1() {
    assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
    assertThat(server.toString()).contains(server.baseUrl());
  }

  @Test
  void answersANonStreamingChatLikeKimi() throws Exception {
    HttpResponse<String> r =
        chat(
            "{\"model\":\"moonshot-v1-8k\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.headers().firstValue("Msh-Request-Id")).isPresent();
    JsonObject o = (JsonObject) Json.parse(r.body());
    long created = ((JsonNumber) o.get("created")).longValue();
    assertThat(created).isEqualTo(NOW.getEpochSecond());
    assertThat(str(o.get("id"))).startsWith("chatcmpl-" + Long.toHexString(created)).hasSize(33);
    assertThat(str(o.get("object"))).isEqualTo("chat.completion");
    JsonObject message = (JsonObject) choice(o).get("message");
    assertThat(str(message.get("content"))).isEqualTo("You said: Hi there");
    assertThat(message.get("reasoning_content")).isNull();
    assertThat(str(choice(o).get("finish_reason"))).isEqualTo("stop");
    JsonObject usage = (JsonObject) o.get("usage");
    assertThat(((JsonNumber) usage.get("completion_tokens")).intValue())
        .isEqualTo(TokenEstimator.forKimi().estimate("You said: Hi there"));
  }

  @Test
  void streamsWithKimisShape() throws Exception {
    HttpResponse<String> r =
        chat(
            "{\"model\":\"kimi-k2.6\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Count\"},"
                + "{\"type\":\"text\",\"text\":\"please\"}]}]}");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    List<JsonObject> events = events(r.body());
    JsonObject first = (JsonObject) choice(events.get(0)).get("delta");
    assertThat(first.toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    for (JsonObject e : events) {
      assertThat(str(e.get("object"))).isEqualTo("chat.completion.chunk");
      JsonArray choices = (JsonArray) e.get("choices");
      if (choices.values().isEmpty()) {
        continue;
      }
      JsonObject delta = (JsonObject) choice(e).get("delta");
      if (delta.get("content") instanceof JsonString s) {
        content.append(s.value());
      }
      if (delta.get("reasoning_content") instanceof JsonString s) {
        reasoning.append(s.value());
      }
    }
    assertThat(content).hasToString("You said: Count please");
    assertThat(reasoning.toString()).contains("Count please");
    JsonObject finishing = events.get(events.size() - 2);
    assertThat(str(choice(finishing).get("finish_reason"))).isEqualTo("stop");
    assertThat(choice(finishing).get("usage")).isInstanceOf(JsonObject.class);
    JsonObject trailing = events.get(events.size() - 1);
    assertThat(((JsonArray) trailing.get("choices")).values()).isEmpty();
    assertThat(trailing.get("usage")).isEqualTo(choice(finishing).get("usage"));
    assertThat(((JsonObject) ((JsonObject) trailing.get("usage")).get("completion_tokens_details")))
        .isNotNull();
  }

  @Test
  void withoutIncludeUsageThereIsNoTrailingChunk() throws Exception {
    List<JsonObject> events =
        events(
            chat("{\"model\":\"kimi-k2.6\",\"stream\":true,\"thinking\":{\"type\":\"disabled\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .body());
    JsonObject last = events.get(events.size() - 1);
    assertThat(choice(last).get("usage")).isNotNull();
    assertThat(events.toString()).doesNotContain("reasoning_content");
  }

  @Test
  void thinkingModelsReasonUnlessDisabled() throws Exception {
    for (String model :
        List.of("kimi-k2.5", "kimi-k2.7-code", "kimi-k3", "k3", "kimi-for-coding")) {
      JsonObject o =
          (JsonObject)
              Json.parse(
                  chat("{\"model\":\""
                          + model
                          + "\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")
                      .body());
      assertThat(((JsonObject) choice(o).get("message")).get("reasoning_content"))
          .as(model)
          .isNotNull();
    }
  }

  @Test
  void maxCompletionTokensCutsTheReplyWithFinishLength() throws Exception {
    JsonObject o =
        (JsonObject)
            Json.parse(
                chat("{\"model\":\"moonshot-v1-8k\",\"max_completion_tokens\":2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"a b c d\"}]}")
                    .body());
    assertThat(str(choice(o).get("finish_reason"))).isEqualTo("length");
    // the longest word-wise prefix of the reply whose estimate fits the 2 tokens
    TokenEstimator estimator = TokenEstimator.forKimi();
    String reply = "You said: a b c d";
    String content = str(((JsonObject) choice(o).get("message")).get("content"));
    assertThat(content).isNotEmpty();
    assertThat(reply).startsWith(content);
    assertThat(estimator.estimate(content)).isLessThanOrEqualTo(2);
    assertThat(estimator.estimate(reply.substring(0, reply.indexOf(' ', content.length() + 1))))
        .isGreaterThan(2);
    assertThat(((JsonNumber) ((JsonObject) o.get("usage")).get("completion_tokens")).intValue())
        .isEqualTo(estimator.estimate(content));
    JsonObject legacy =
        (JsonObject)
            Json.parse(
                chat("{\"model\":\"kimi-k3\",\"max_tokens\":1,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                    .body());
    assertThat(str(choice(legacy).get("finish_reason"))).isEqualTo("length");
  }

  @Test
  void rejectsMissingKeysUnknownPathsAndBadBodies() throws Exception {
    HttpResponse<String> noKey = post("/chat/completions", "{}", null);
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.body()).contains("invalid_authentication_error");
    assertThat(post("/chat/completions", "{}", " ").statusCode()).isEqualTo(401);

    HttpResponse<String> unknown = post("/nope?x=1", "{}", "k");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("resource_not_found_error").contains("/v1/nope");

    assertThat(chat("not json").body()).contains("not a JSON object");
    assertThat(chat("{\"messages\":[]}").body()).contains("model is required");
    HttpResponse<String> empty = chat("{\"model\":\"m\",\"messages\":[]}");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("messages must not be empty");
    assertThat(
            str(
                ((JsonObject)
                        choice(
                                (JsonObject)
                                    Json.parse(
                                        chat("{\"model\":\"moonshot-v1-8k\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}")
                                            .body()))
                            .get("message"))
                    .get("content")))
        .isEqualTo("You said nothing.");
  }

  @Test
  void listsModels() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                .header("Authorization", "Bearer k")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"object\":\"list\"").contains("kimi-k2.6");
  }

  @Test
  void servesScriptedResponsesInOrderThenTheModel() throws Exception {
    server
        .enqueue(FakeResponse.json("{\"a\":1}"))
        .enqueue(FakeResponse.error(429, "{\"error\":{}}").withHeader("Retry-After", "3"))
        .enqueue(FakeResponse.body(504, "text/html", "<html>x</html>"))
        .enqueue(FakeResponse.json("{}").withStatus(201));
    assertThat(chat("{}").body()).isEqualTo("{\"a\":1}");
    HttpResponse<String> limited = chat("{}");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).contains("3");
    assertThat(chat("{}").headers().firstValue("Content-Type")).contains("text/html");
    assertThat(chat("{}").statusCode()).isEqualTo(201);
    assertThat(chat("{}").statusCode()).isEqualTo(400);
  }

  @Test
  void sseBuilderWritesEventsCommentsAndPauses() throws Exception {
    server.enqueue(
        FakeResponse.sse()
            .status(200)
            .comment("hello")
            .data("line1\nline2")
            .pause(Duration.ofMillis(5))
            .raw("data: x\n\n")
            .done()
            .pause(Duration.ofMillis(1))
            .build());
    assertThat(chat("{}").body())
        .isEqualTo(": hello\n\ndata: line1\ndata: line2\n\ndata: x\n\ndata: [DONE]\n\n");
    server.enqueue(FakeResponse.stream(List.of("{}", "{}"), Duration.ofMillis(1)));
    assertThat(chat("{}").body()).isEqualTo("data: {}\n\ndata: {}\n\ndata: [DONE]\n\n");
    server.enqueue(FakeResponse.rawSse("data: {}\n\n"));
    assertThat(chat("{}").body()).isEqualTo("data: {}\n\n");
  }

  @Test
  void fixturesChooseTheirStatusFromTheErrorType(@TempDir Path tmp) throws IOException {
    String[][] cases = {
      {"invalid_authentication_error", "401"},
      {"access_terminated_error", "403"},
      {"resource_not_found_error", "404"},
      {"rate_limit_reached_error", "429"},
      {"unexpected_output", "500"},
      {"server_unavailable", "503"},
      {"content_filter", "400"},
    };
    for (String[] c : cases) {
      assertThat(FakeResponse.statusFor("{\"error\":{\"type\":\"" + c[0] + "\"}}"))
          .as(c[0])
          .isEqualTo(Integer.parseInt(c[1]));
    }
    assertThat(FakeResponse.statusFor("{\"id\":1}")).isEqualTo(200);
    assertThat(FakeResponse.statusFor("nope")).isEqualTo(200);
    Path file = tmp.resolve("x.chunks.txt");
    Files.writeString(file, "{\"a\":1}\n\n{\"b\":2}\n");
    assertThat(FakeResponse.fixture(file).toString()).contains("text/event-stream");
    assertThatThrownBy(() -> FakeResponse.fixture(tmp.resolve("missing.json")))
        .hasMessageContaining("missing.json");
  }

  @Test
  void recordsEveryRequest() throws Exception {
    chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hey\"}]}");
    post("/files", "plain", "k");
    assertThat(server.requestCount()).isEqualTo(2);
    RecordedRequest first = server.takeRequest();
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/v1/chat/completions");
    assertThat(first.header("authorization")).contains("Bearer k");
    assertThat(first.headers()).containsKey("AUTHORIZATION");
    assertThat(((JsonObject) first.json()).get("model")).isEqualTo(JsonString.of("m"));
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo(first.bodyText());
    assertThat(first.toString()).contains("POST /v1/chat/completions").doesNotContain("Bearer");
    RecordedRequest second = server.takeRequest();
    assertThat(second.json()).isNull();
    assertThat(second.header("X-Absent")).isEmpty();
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void lifecycleIsChecked() {
    FakeKimiServer fresh = new FakeKimiServer();
    assertThatThrownBy(fresh::baseUrl).isInstanceOf(IllegalStateException.class);
    assertThat(fresh.toString()).contains("not started");
    fresh.close();
    assertThatThrownBy(fresh::start).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    assertThatThrownBy(() -> FakeResponse.json(42, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.sse().pause(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.json("{}").withHeadersDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FakeResponse.json("{}").holdingOpen().toString()).contains("held open");
    assertThat(server.disconnectCount()).isZero();
  }
}
