package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cassette}s one rule at a time, over raw HTTP: how requests match, what is scrubbed, what a
 * miss says, recording what is missing, timing, the files a cassette refuses, and the process's
 * options. The whole session over every wire is {@link CassetteRecordReplayHttpTest}'s.
 */
class CassetteHttpTest {

  static final String KEY = "sk-cassette-0123456789";
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  Path tape;
  FakeKimiServer kimi; // stands in for Kimi

  @BeforeEach
  void startKimi() {
    tape = dir.resolve("tape");
    kimi = new FakeKimiServer().start();
  }

  @AfterEach
  void stopKimi() {
    kimi.close();
  }

  static HttpResponse<String> send(FakeKimiServer server, String method, String path, String body)
      throws Exception {
    return send(server, method, path, body, KEY);
  }

  static HttpResponse<String> send(
      FakeKimiServer server, String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("anthropic-version", "2023-06-01")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String text) {
    return "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  /** Records what {@code session} sends through a recording fake in front of {@link #kimi}. */
  void record(Cassette cassette, ThrowingConsumer<FakeKimiServer> session) throws Exception {
    try (FakeKimiServer recorder = new FakeKimiServer().cassette(cassette).start()) {
      session.accept(recorder);
    }
  }

  interface ThrowingConsumer<T> {
    void accept(T t) throws Exception;
  }

  FakeKimiServer replayer() {
    return new FakeKimiServer().cassette(Cassette.replay(tape)).start();
  }

  static JsonObject file(Path p) throws Exception {
    return Json.parse(Files.readAllBytes(p)).asObject();
  }

  @Test
  void equalRequestsAreAnsweredInTheOrderRecordedThenTheLastAgain() throws Exception {
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r -> {
          send(r, "GET", "/v1/files", null);
          send(r, "POST", "/v1/chat/completions", chat("one"));
          send(r, "GET", "/v1/balance", null);
          send(r, "GET", "/v1/files", null);
        });
    List<String> live = new ArrayList<>();
    kimi.requests().forEach(q -> live.add(q.path()));
    try (FakeKimiServer replay = replayer()) {
      HttpResponse<String> first = send(replay, "GET", "/v1/files", null);
      HttpResponse<String> second = send(replay, "GET", "/v1/files", null);
      HttpResponse<String> third = send(replay, "GET", "/v1/files", null);
      List<Path> files = CassetteFormat.files(tape);
      assertThat(first.body()).isEqualTo(new String(read(files.get(0)), StandardCharsets.UTF_8));
      assertThat(second.body()).isEqualTo(new String(read(files.get(3)), StandardCharsets.UTF_8));
      assertThat(third.body()).as("the last again").isEqualTo(second.body());
    }
    assertThat(live).hasSize(4);
  }

  static byte[] read(Path exchange) {
    return CassetteFormat.read(exchange).body();
  }

  @Test
  void membersInAnyOrderStreamOptionsNullsAndRenamedCallsStillMatch() throws Exception {
    String recorded =
        "{\"model\":\"kimi-k3\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"r\",\"tool_calls\":"
            + "[{\"id\":\"functions.get_weather:0\",\"type\":\"function\",\"function\":"
            + "{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"functions.get_weather:0\",\"content\":\"sunny\"}],"
            + "\"temperature\":1.0}";
    kimi.lenient(); // the history's call was not made by this fake
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r ->
            assertThat(send(r, "POST", "/v1/chat/completions", recorded).statusCode())
                .isEqualTo(200));
    String sent =
        "{\"temperature\":1,\"messages\":[{\"content\":\"weather?\",\"role\":\"user\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"r\",\"name\":null,"
            + "\"tool_calls\":[{\"type\":\"function\",\"id\":\"call_abc\",\"function\":"
            + "{\"arguments\":\"{}\",\"name\":\"get_weather\"}}]},"
            + "{\"role\":\"tool\",\"content\":\"sunny\",\"tool_call_id\":\"call_abc\"}],"
            + "\"model\":\"kimi-k3\",\"stream\":true}";
    try (FakeKimiServer replay = replayer()) {
      HttpResponse<String> r = send(replay, "POST", "/v1/chat/completions", sent);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).startsWith("data: ").endsWith("data: [DONE]\n\n");
      String other = sent.replace("sunny", "rainy");
      HttpResponse<String> miss = send(replay, "POST", "/v1/chat/completions", other);
      assertThat(miss.statusCode()).isEqualTo(404);
      assertThat(miss.body())
          .contains("$.body.messages[2].content: recorded \\\"sunny\\\", sent \\\"rainy\\\"");
      // a tool message that answers no call is the fake's refusal before it is a miss
      String unanswered =
          sent.replace("\"tool_call_id\":\"call_abc\"", "\"tool_call_id\":\"call_xyz\"");
      assertThat(send(replay, "POST", "/v1/chat/completions", unanswered).statusCode())
          .isEqualTo(400);
    }
  }

  static HttpResponse<String> upload(
      FakeKimiServer server, String boundary, boolean purposeFirst, String type, String content)
      throws Exception {
    return upload(server, boundary, purposeFirst, type, content, "file-extract");
  }

  static HttpResponse<String> upload(
      FakeKimiServer server,
      String boundary,
      boolean purposeFirst,
      String type,
      String content,
      String purposeName)
      throws Exception {
    String purpose =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
            + purposeName
            + "\r\n";
    String file =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\";"
            + " filename=\"notes.txt\"\r\nContent-Type: "
            + type
            + "\r\n\r\n"
            + content
            + "\r\n";
    String body = (purposeFirst ? purpose + file : file + purpose) + "--" + boundary + "--\r\n";
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/files"))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMultipartBodyMatchesByItsFieldsInAnyOrderWhateverItsBoundary() throws Exception {
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r ->
            assertThat(upload(r, "java-123", true, "text/plain", "bread").statusCode())
                .isEqualTo(200));
    JsonValue parts = file(CassetteFormat.files(tape).get(0)).get("request").get("multipart");
    assertThat(parts)
        .isEqualTo(
            Json.parse(
                "[{\"name\":\"purpose\",\"text\":\"file-extract\"},{\"name\":\"file\","
                    + "\"filename\":\"notes.txt\",\"content_type\":\"text/plain\",\"text\":\"bread\"}]"));
    try (FakeKimiServer replay = replayer()) {
      HttpResponse<String> node =
          upload(replay, "----node-xyz", false, "application/octet-stream", "bread");
      assertThat(node.statusCode()).as(node.body()).isEqualTo(200);
      assertThat(node.body()).contains("\"filename\":\"notes.txt\"");
      HttpResponse<String> other = upload(replay, "b", true, "text/plain", "cake");
      assertThat(other.statusCode()).isEqualTo(404);
      assertThat(other.body()).contains("recorded \\\"bread\\\", sent \\\"cake\\\"");
    }
  }

  /**
   * A platform session: token counting, the model list, a batch's input uploaded, the batch created
   * from the file's id and read back, the file's content; each answer's body as received.
   */
  static List<String> platform(FakeKimiServer server) throws Exception {
    List<String> bodies = new ArrayList<>();
    bodies.add(
        send(server, "POST", "/v1/tokenizers/estimate-token-count", chat("count me")).body());
    bodies.add(send(server, "GET", "/v1/models", null).body());
    String line =
        "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
            + "\"body\":"
            + chat("batched")
            + "}\n";
    String file =
        upload(server, "b-" + server.port(), true, "application/jsonl", line, "batch").body();
    bodies.add(file);
    String fileId = Json.parse(file).get("id").asString();
    String batch =
        send(
                server,
                "POST",
                "/v1/batches",
                "{\"input_file_id\":\""
                    + fileId
                    + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")
            .body();
    bodies.add(batch);
    String batchId = Json.parse(batch).get("id").asString();
    bodies.add(send(server, "GET", "/v1/batches/" + batchId, null).body());
    bodies.add(send(server, "GET", "/v1/files/" + fileId + "/content", null).body());
    return bodies;
  }

  @Test
  void platformEndpointsRecordAndReplayAsASession() throws Exception {
    List<String> live = new ArrayList<>();
    record(Cassette.record(kimi.baseUrl(), tape), r -> live.addAll(platform(r)));
    assertThat(live.get(0)).contains("total_tokens");
    assertThat(live.get(3)).contains("\"input_file_id\"");
    assertThat(CassetteFormat.files(tape))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "0001-post-v1-tokenizers-estimate-token-count.json",
            "0002-get-v1-models.json",
            "0003-post-v1-files.json",
            "0004-post-v1-batches.json",
            "0005-get-v1-batches-"
                + Json.parse(live.get(3)).get("id").asString().replace('_', '-')
                + ".json",
            "0006-get-v1-files-" + Json.parse(live.get(2)).get("id").asString() + "-content.json");
    try (FakeKimiServer replay = replayer()) {
      assertThat(platform(replay)).isEqualTo(live);
      assertThat(replay.requests()).extracting(RecordedRequest::status).containsOnly(200);
    }
    assertThat(kimi.requestCount()).isEqualTo(6);
  }

  @Test
  void aReplayNeverLaundersARequestKimiWouldRefuse() throws Exception {
    kimi.lenient(); // an upstream that took what Kimi refuses: K3's temperature is fixed
    String refused =
        "{\"model\":\"kimi-k3\",\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r ->
            assertThat(send(r, "POST", "/v1/chat/completions", refused).statusCode())
                .isEqualTo(200));
    try (FakeKimiServer replay = replayer()) {
      HttpResponse<String> r = send(replay, "POST", "/v1/chat/completions", refused);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("invalid temperature: only 1 is allowed for this model");
      assertThat(replay.takeRequest().error()).isPresent();
    }
  }

  @Test
  void aMissIsLoudOnEverySurfaceAndNeverTheModelsAnswer() throws Exception {
    record(Cassette.record(kimi.baseUrl(), tape), r -> send(r, "GET", "/v1/models", null));
    List<String> warned = new ArrayList<>();
    try (FakeKimiServer replay =
        new FakeKimiServer().warnTo(warned::add).cassette(Cassette.replay(tape)).start()) {
      HttpResponse<String> chat = send(replay, "POST", "/v1/chat/completions", chat("hi"));
      assertThat(chat.statusCode()).isEqualTo(404);
      JsonValue error = Json.parse(chat.body()).get("error");
      assertThat(error.get("type")).isEqualTo(JsonString.of("cassette_miss_error"));
      assertThat(error.get("message").asString())
          .startsWith("cassette " + tape + " holds no recorded exchange that matches POST")
          .contains(
              "None of its 1 exchanges is a POST /v1/chat/completions (it holds GET /v1/models)");
      String messages =
          "{\"model\":\"kimi-k3\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpResponse<String> anthropic = send(replay, "POST", "/anthropic/v1/messages", messages);
      assertThat(anthropic.statusCode()).isEqualTo(404);
      JsonValue shaped = Json.parse(anthropic.body());
      assertThat(shaped.get("type")).isEqualTo(JsonString.of("error"));
      assertThat(shaped.get("error").get("type")).isEqualTo(JsonString.of("cassette_miss_error"));
      assertThat(warned)
          .hasSize(2)
          .allSatisfy(w -> assertThat(w).startsWith("FakeKimiServer: cassette "));
    }
    try (FakeKimiServer empty =
        new FakeKimiServer().cassette(Cassette.replay(dir.resolve("none"))).start()) {
      assertThat(send(empty, "GET", "/v1/models", null).body())
          .contains("It holds no exchange at all");
    }
  }

  @Test
  void recordMissingForwardsAMissAndAppendsItAfterTheOthers() throws Exception {
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r -> send(r, "POST", "/v1/chat/completions", chat("one")));
    try (FakeKimiServer both =
        new FakeKimiServer()
            .cassette(Cassette.replay(tape).recordMissing(kimi.baseUrl()))
            .start()) {
      assertThat(send(both, "POST", "/v1/chat/completions", chat("one")).statusCode())
          .isEqualTo(200);
      assertThat(send(both, "POST", "/v1/chat/completions", chat("two")).body())
          .contains("You said: two");
      assertThat(send(both, "POST", "/v1/chat/completions", chat("two")).body())
          .contains("You said: two");
    }
    assertThat(kimi.requestCount()).as("one recorded, one missing").isEqualTo(2);
    assertThat(CassetteFormat.files(tape))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "0001-post-v1-chat-completions.json", "0002-post-v1-chat-completions.json");
    try (FakeKimiServer replay = replayer()) {
      assertThat(send(replay, "POST", "/v1/chat/completions", chat("two")).body())
          .contains("You said: two");
    }
  }

  @Test
  void scrubsTheKeysAndNamedHeadersAndMembersAndMatchesThemScrubbed() throws Exception {
    String echo =
        "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"bad key "
            + KEY
            + "\"}}";
    kimi.enqueue(FakeResponse.error(401, echo));
    kimi.enqueue(
        FakeResponse.sse().data("{\"user\":\"alice\",\"note\":\"" + KEY + "\"}").done().build());
    String withUser =
        "{\"model\":\"kimi-k3\",\"user\":\"alice\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    record(
        Cassette.record(kimi.baseUrl(), tape).scrub("user", "Msh-Request-Id"),
        r -> {
          assertThat(send(r, "POST", "/v1/chat/completions", chat("hi")).body()).contains(KEY);
          send(r, "POST", "/v1/chat/completions", withUser);
        });
    List<Path> files = CassetteFormat.files(tape);
    for (Path f : files) {
      assertThat(Files.readString(f)).doesNotContain(KEY, "alice", "msh-request-id");
    }
    assertThat(file(files.get(0)).get("response").get("body").get("error").get("message"))
        .isEqualTo(JsonString.of("bad key (scrubbed)"));
    JsonObject second = file(files.get(1));
    assertThat(second.get("request").get("body").get("user"))
        .isEqualTo(JsonString.of("(scrubbed)"));
    assertThat(second.get("response").get("stream").get(0))
        .isEqualTo(JsonString.of("data: {\"user\":\"(scrubbed)\",\"note\":\"(scrubbed)\"}"));
    try (FakeKimiServer replay =
        new FakeKimiServer().cassette(Cassette.replay(tape).scrub("user")).start()) {
      HttpResponse<String> bob =
          send(replay, "POST", "/v1/chat/completions", withUser.replace("alice", "bob"));
      assertThat(bob.statusCode()).as(bob.body()).isEqualTo(200);
      assertThat(bob.body()).contains("\"user\":\"(scrubbed)\"");
    }
  }

  @Test
  void theUpstreamKeyReplacesTheCallersAndNeitherIsWritten() throws Exception {
    String upstreamKey = "sk-upstream-secret-987654321";
    kimi.requireApiKey(upstreamKey);
    record(
        Cassette.record(kimi.baseUrl(), tape).upstreamKey(upstreamKey),
        r ->
            assertThat(
                    send(
                            r,
                            "POST",
                            "/v1/chat/completions",
                            chat("hi"),
                            FakeKimiExtension.KEY + "-client")
                        .statusCode())
                .isEqualTo(200));
    assertThat(kimi.takeRequest().header("Authorization")).contains("Bearer " + upstreamKey);
    assertThat(Files.readString(CassetteFormat.files(tape).get(0)))
        .doesNotContain(upstreamKey, FakeKimiExtension.KEY + "-client");
    assertThat(Cassette.record(kimi.baseUrl(), tape).upstreamKey(upstreamKey).toString())
        .doesNotContain(upstreamKey)
        .contains("upstream key (set)");
  }

  @Test
  void fromEnvReplaysUnlessKimiRecordNamesAnEndpoint() {
    Path d = Path.of("cassettes", "trip");
    assertThat(Cassette.fromEnv(d, Map.<String, String>of()::get)).isEqualTo(Cassette.replay(d));
    assertThat(Cassette.fromEnv(d, Map.of("KIMI_RECORD", "https://api.moonshot.ai/v1")::get))
        .isEqualTo(Cassette.replay(d).recordMissing("https://api.moonshot.ai/v1"));
    assertThat(
            Cassette.fromEnv(
                d,
                Map.of(
                        "KIMI_RECORD", "https://api.moonshot.ai/v1",
                        "KIMI_API_KEY", "sk-second",
                        "MOONSHOT_API_KEY", "sk-first")
                    ::get))
        .isEqualTo(
            Cassette.replay(d).recordMissing("https://api.moonshot.ai/v1").upstreamKey("sk-first"));
    assertThatThrownBy(
            () -> Cassette.fromEnv(d, Map.of("KIMI_RECORD", "http://example.com/v1")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain http only to a loopback address");
  }

  @Test
  void anUpstreamIsHttpsOrLoopbackHttp() {
    Path d = Path.of("t");
    assertThat(Cassette.record("https://api.moonshot.ai/v1/", d).upstream())
        .isEqualTo(URI.create("https://api.moonshot.ai/v1"));
    assertThat(Cassette.record("http://localhost:8089/v1", d)).isNotNull();
    assertThat(Cassette.record("http://[::1]:8089/v1", d)).isNotNull();
    for (String bad :
        List.of(
            "http://10.0.0.1/v1",
            "ftp://api.moonshot.ai/v1",
            "api.moonshot.ai",
            "https://a/v1?x=1")) {
      assertThatThrownBy(() -> Cassette.record(bad, d))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Cassette.record("https://a/v1", d).recordMissing("https://a/v1"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keptTimingIsWrittenPerEventAndReplayedAsRecorded() throws Exception {
    kimi.enqueue(FakeResponse.sse().data("{\"n\":1}").data("{\"n\":2}").done().build());
    // the recorder's clock: the stream starts at 7 s, its events end 5, 130 and 131 ms later
    java.util.Iterator<Long> clock =
        List.of(7_000L, 7_005L, 7_130L, 7_131L).stream().map(ms -> ms * 1_000_000).iterator();
    try (FakeKimiServer recorder =
        new FakeKimiServer()
            .cassette(Cassette.record(kimi.baseUrl(), tape).keepTiming(), clock::next)
            .start()) {
      send(recorder, "POST", "/v1/chat/completions", chat("slow"));
    }
    JsonArray ms =
        file(CassetteFormat.files(tape).get(0)).get("response").get("event_ms").asArray();
    assertThat(ms).isEqualTo(Json.parse("[5,130,131]"));
    long first = 5;
    long second = 130;
    // replayed with timing: each event after its recorded pause; without: at once
    RecordedRequest slow =
        new RecordedRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", List.of("Bearer " + KEY)),
            chat("slow").getBytes(StandardCharsets.UTF_8));
    FakeResponse paced =
        CassetteDeck.open(Cassette.replay(tape).keepTiming(), w -> {}).replay(slow);
    assertThat(paced.parts())
        .extracting(p -> p.pauseBefore().toMillis())
        .containsExactly(first, second - first, 1L);
    FakeResponse atOnce = CassetteDeck.open(Cassette.replay(tape), w -> {}).replay(slow);
    assertThat(atOnce.parts()).allSatisfy(p -> assertThat(p.pauseBefore()).isZero());
    assertThat(new String(atOnce.parts().get(1).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("data: {\"n\":2}\n\n");
  }

  @Test
  void aRecordingRefusesAFolderThatHoldsExchangesAndAReplayAFileItCannotRead() throws Exception {
    record(Cassette.record(kimi.baseUrl(), tape), r -> send(r, "GET", "/v1/models", null));
    assertThatThrownBy(() -> new FakeKimiServer().cassette(Cassette.record(kimi.baseUrl(), tape)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds 1 recorded exchanges already: delete them to record again");
    Files.writeString(tape.resolve("0002-notes.json"), "{\"what\":\"notes\"}");
    assertThatThrownBy(() -> new FakeKimiServer().cassette(Cassette.replay(tape)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0002-notes.json: not a cassette exchange");
    Files.writeString(
        tape.resolve("0002-notes.json"),
        "{\"format\":\"kimi-sdk.cassette\",\"version\":2,\"request\":{},\"response\":{}}");
    assertThatThrownBy(() -> new FakeKimiServer().cassette(Cassette.replay(tape)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2, written by a later kimi-sdk-testing");
    Files.writeString(tape.resolve("0002-notes.json"), "{not json");
    assertThatThrownBy(() -> new FakeKimiServer().cassette(Cassette.replay(tape)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not JSON");
    Files.delete(tape.resolve("0002-notes.json"));
    Files.writeString(tape.resolve("README.md"), "what this cassette is\n"); // not an exchange
    assertThat(new FakeKimiServer().cassette(Cassette.replay(tape)).deck().size()).isEqualTo(1);
  }

  @Test
  void anUpstreamThatCannotBeReachedIsA502AndNothingIsRecorded() throws Exception {
    String gone = kimi.baseUrl();
    kimi.close();
    List<String> warned = new ArrayList<>();
    try (FakeKimiServer recorder =
        new FakeKimiServer().warnTo(warned::add).cassette(Cassette.record(gone, tape)).start()) {
      HttpResponse<String> r = send(recorder, "POST", "/v1/chat/completions", chat("hi"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("upstream_error", "could not reach the upstream " + gone);
      assertThat(recorder.takeRequest().status()).isEqualTo(502);
    }
    assertThat(CassetteFormat.files(tape)).isEmpty();
    assertThat(warned).hasSize(1);
  }

  @Test
  void theCassetteIsSetAfterStartAndTakenAway() throws Exception {
    record(
        Cassette.record(kimi.baseUrl(), tape),
        r -> send(r, "POST", "/v1/chat/completions", chat("one")));
    try (FakeKimiServer server = new FakeKimiServer().start()) {
      server.cassette(Cassette.replay(tape));
      assertThat(send(server, "POST", "/v1/chat/completions", chat("two")).statusCode())
          .isEqualTo(404);
      server.enqueue(FakeResponse.reply("scripted first"));
      assertThat(send(server, "POST", "/v1/chat/completions", chat("two")).body())
          .contains("scripted first");
      server.cassette(null);
      assertThat(send(server, "POST", "/v1/chat/completions", chat("two")).body())
          .contains("You said: two");
    }
  }

  @Test
  void theProcessRecordsAndReplaysAndPrintsMissesOnStandardError() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(err, true, StandardCharsets.UTF_8);
    try (FakeKimiServer recorder =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--record", kimi.baseUrl(), "--cassettes", tape.toString()),
            log)) {
      send(recorder, "POST", "/v1/chat/completions", chat("hi"));
    }
    try (FakeKimiServer replay =
        FakeKimiCommand.start(FakeKimiCommand.parse("--replay", tape.toString()), log)) {
      assertThat(send(replay, "POST", "/v1/chat/completions", chat("hi")).body())
          .contains("You said: hi");
      assertThat(send(replay, "POST", "/v1/chat/completions", chat("ho")).statusCode())
          .isEqualTo(404);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("FakeKimiServer: recording into " + tape + " from " + kimi.baseUrl())
        .contains("FakeKimiServer: replaying the 1 exchanges of " + tape)
        .contains("FakeKimiServer: cassette " + tape + " holds no recorded exchange that matches")
        .contains("$.body.messages[0].content: recorded \"hi\", sent \"ho\"");
  }

  /**
   * A recording keeps the request's headers for a reader (a trace context, a team's own, the
   * client's), a secret one with its value scrubbed, the connection's none, and the key nowhere;
   * none is matched on, so a replay answers a request whatever headers it sends, and a cassette
   * written before headers were kept (the golden ones) still replays.
   */
  @Test
  void aRecordingKeepsTheRequestsHeadersButASecretOnesValue() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    try (FakeKimiServer recorder =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--record", kimi.baseUrl(), "--cassettes", tape.toString()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + recorder.port() + "/v1/chat/completions"))
              .header("Authorization", "Bearer " + KEY)
              .header("x-api-key", KEY)
              .header("X-Auth-Token", "a token")
              .header("traceparent", traceparent)
              .header("X-Team", "search for " + KEY)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(chat("hi")))
              .build();
      assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    Path written = CassetteFormat.files(tape).get(0);
    assertThat(Files.readString(written)).doesNotContain(KEY, "a token");
    JsonObject headers = file(written).get("request").get("headers").asObject();
    assertThat(headers.members())
        .containsEntry("traceparent", JsonString.of(traceparent))
        .containsEntry("authorization", JsonString.of("Bearer (scrubbed)"))
        .containsEntry("x-api-key", JsonString.of("(scrubbed)"))
        .containsEntry("x-auth-token", JsonString.of("(scrubbed)"))
        .containsEntry("x-team", JsonString.of("search for (scrubbed)"))
        .containsEntry("content-type", JsonString.of("application/json"))
        .doesNotContainKeys("host", "content-length", "connection");
    assertThat(List.copyOf(headers.names())).isSorted();

    try (FakeKimiServer replay = replayer()) {
      assertThat(send(replay, "POST", "/v1/chat/completions", chat("hi")).body())
          .as("a request without those headers matches")
          .contains("You said: hi");
    }
  }
}
