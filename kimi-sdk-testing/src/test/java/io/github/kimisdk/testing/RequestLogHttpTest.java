package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The line per request of {@code --verbose}, for every surface the fake serves: method, path,
 * model, status, and the error answered; bounded, one line, never the key.
 */
@ExtendWith(FakeKimiExtension.class)
class RequestLogHttpTest {

  static final String KEY = "sk-request-log-0123456789";

  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  FakeKimiServer server;
  String root;

  @BeforeEach
  void logTo(FakeKimiServer server) {
    this.server = server.logRequests(lines::add);
    root = "http://127.0.0.1:" + server.port();
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(root + path))
            .header("Authorization", "Bearer " + KEY)
            .header("x-api-key", KEY)
            .header("anthropic-version", "2023-06-01")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return FakeKimiServerOptionsHttpTest.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The next line logged. The server logs a request after answering it, so a test reads each line
   * before it sends the next request, and the lines come in the order sent.
   */
  String line() throws InterruptedException {
    String l = lines.poll(5, TimeUnit.SECONDS);
    assertThat(l).as("a line within 5 s").isNotNull();
    return l;
  }

  static String chat(String model, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  /** The type and message of an error body, as the line should show them. */
  static String error(HttpResponse<String> r) {
    JsonObject e = (JsonObject) ((JsonObject) Json.parse(r.body())).get("error");
    return ((JsonString) e.get("type")).value() + ": " + ((JsonString) e.get("message")).value();
  }

  @Test
  void logsChatCompletionsStreamedOrNotAndTheirErrors() throws Exception {
    assertThat(send("POST", "/v1/chat/completions", chat("kimi-k3", false)).statusCode())
        .isEqualTo(200);
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 200");
    send("POST", "/v1/chat/completions", chat("kimi-k3", true));
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 200 stream");
    HttpResponse<String> retired = send("POST", "/v1/chat/completions", chat("kimi-k2.5", false));
    assertThat(retired.statusCode()).isEqualTo(404);
    assertThat(line())
        .isEqualTo("POST /v1/chat/completions model=kimi-k2.5 -> 404 " + error(retired))
        .contains("resource_not_found_error: ");
    HttpResponse<String> bad = send("POST", "/v1/chat/completions", "{\"model\":\"kimi-k3\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 400 " + error(bad));
  }

  @Test
  void logsTheMessagesAndResponsesSurfaces() throws Exception {
    String messages =
        "{\"model\":\"kimi-k3\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    assertThat(send("POST", "/anthropic/v1/messages", messages).statusCode()).isEqualTo(200);
    assertThat(line()).isEqualTo("POST /anthropic/v1/messages model=kimi-k3 -> 200");
    HttpResponse<String> noMax =
        send(
            "POST",
            "/anthropic/v1/messages",
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(noMax.statusCode()).isEqualTo(400);
    assertThat(line())
        .isEqualTo("POST /anthropic/v1/messages model=kimi-k3 -> 400 " + error(noMax));

    assertThat(
            send("POST", "/v1/responses", "{\"model\":\"kimi-k3\",\"input\":\"hi\"}").statusCode())
        .isEqualTo(200);
    assertThat(line()).isEqualTo("POST /v1/responses model=kimi-k3 -> 200");
    HttpResponse<String> stored =
        send("POST", "/v1/responses", "{\"model\":\"kimi-k3\",\"input\":\"hi\",\"store\":true}");
    assertThat(stored.statusCode()).isEqualTo(400);
    assertThat(line()).isEqualTo("POST /v1/responses model=kimi-k3 -> 400 " + error(stored));
  }

  @Test
  void logsPlatformEndpointsWithoutTheirQuery() throws Exception {
    send("GET", "/v1/models", null);
    assertThat(line()).isEqualTo("GET /v1/models -> 200");
    send("GET", "/v1/users/me/balance", null);
    assertThat(line()).isEqualTo("GET /v1/users/me/balance -> 200");
    HttpResponse<String> missing = send("GET", "/v1/files/file-none/content?secret=1", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(line())
        .isEqualTo("GET /v1/files/file-none/content -> 404 " + error(missing))
        .doesNotContain("secret");
  }

  @Test
  void neverShowsTheKeyEvenWhereTheClientSentItBack() throws Exception {
    server.requireApiKey("sk-another-key-0000");
    send("POST", "/v1/chat/completions", chat(KEY, false));
    assertThat(line())
        .isEqualTo(
            "POST /v1/chat/completions model=*** -> 401"
                + " invalid_authentication_error: Invalid Authentication");
    server.requireApiKey(null);
    // a key cut by the bound still leaves no part of it
    String model = "x".repeat(RequestLog.MAX_MODEL - 4) + KEY;
    send("POST", "/v1/chat/completions", chat(model, false));
    String l = line();
    assertThat(l).doesNotContain(KEY.substring(0, 4)).contains("model=" + "x".repeat(60) + "***");
  }

  @Test
  void keepsEachPartBoundedAndOnOneLine() throws Exception {
    String model = "kimi\\n" + "m".repeat(500);
    HttpResponse<String> r = send("POST", "/v1/chat/completions", chat(model, false));
    assertThat(r.statusCode()).isEqualTo(404);
    String l = line();
    assertThat(l)
        .startsWith(
            "POST /v1/chat/completions model=kimi "
                + "m".repeat(RequestLog.MAX_MODEL - 5)
                + "... -> 404 resource_not_found_error: ")
        .doesNotContain("\n");
    // method, path, model, status, type and message, each at its bound
    int bound =
        16
            + 1
            + RequestLog.MAX_PATH
            + 3
            + " model=".length()
            + RequestLog.MAX_MODEL
            + 3
            + " -> 404 stream ".length()
            + RequestLog.MAX_MODEL
            + 3
            + ": ".length()
            + RequestLog.MAX_MESSAGE
            + 3;
    assertThat(l.length()).isLessThanOrEqualTo(bound);
  }

  @Test
  void logsAScriptedDropAndAScriptedError() throws Exception {
    server.enqueue(FakeResponse.resetBeforeHeaders());
    try {
      send("POST", "/v1/chat/completions", chat("kimi-k3", false));
    } catch (java.io.IOException expected) {
      // the connection was dropped, as scripted
    }
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> dropped");
    server.enqueue(FakeResponse.error(503, "not json"));
    send("POST", "/v1/chat/completions", chat("kimi-k3", false));
    assertThat(line()).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 503");
  }

  /**
   * With headers on, as {@code --verbose} has them: each header under the request's line, in the
   * order of its name; a secret one's value never, one named by each rule; the key nowhere.
   */
  @Test
  void showsEachHeaderButTheValueOfASecretOneAndNeverTheKey() throws Exception {
    server.logRequests(lines::add, true);
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(root + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + KEY)
            .header("x-api-key", KEY)
            .header("Api-Key", "another-secret-value")
            .header("X-Auth-Token", "a token")
            .header("X-Client-Secret", "shh")
            .header("Cookie", "session=abc")
            .header("traceparent", traceparent)
            .header("X-Team", "search " + KEY + " " + "t".repeat(500))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(chat("kimi-k3", false)))
            .build();
    FakeKimiServerOptionsHttpTest.HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    String[] shown = line().split("\n");
    assertThat(shown[0]).isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 200");
    assertThat(java.util.Arrays.asList(shown).subList(1, shown.length))
        .contains(
            "  api-key: [redacted]",
            "  authorization: Bearer [redacted]",
            "  content-type: application/json",
            "  cookie: [redacted]",
            "  traceparent: " + traceparent,
            "  x-api-key: [redacted]",
            "  x-auth-token: [redacted]",
            "  x-client-secret: [redacted]")
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("  x-team: search ***")
                    .endsWith("...")
                    .hasSize("  x-team: ".length() + RequestLog.MAX_HEADER_VALUE + 3))
        .allSatisfy(l -> assertThat(l).startsWith("  ").doesNotContain(KEY))
        .isSortedAccordingTo(java.util.Comparator.naturalOrder());
    assertThat(String.join("\n", shown)).doesNotContain("another-secret-value", "shh", "abc");
  }

  @Test
  void isQuietUnlessAsked() throws Exception {
    server.logRequests(null);
    send("GET", "/v1/models", null);
    server.logRequests(lines::add);
    send("GET", "/v1/users/me/balance", null);
    assertThat(line()).isEqualTo("GET /v1/users/me/balance -> 200");
    assertThat(lines).isEmpty();
  }
}
