package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 67's session: a {@link KimiClient} records a session through the fake, as a proxy in front
 * of a stand-in for Kimi (a second fake that insists on the key), over every wire and a file
 * upload; the cassette holds no key; replaying it, with another key and no Kimi, gives the client
 * the same bytes and the same results; a changed request is a miss that names the difference.
 */
class CassetteRecordReplayHttpTest {

  static final String SECRET = "sk-live-0123456789abcdef-do-not-write";

  @TempDir Path dir;
  FakeKimiServer kimi; // stands in for Kimi

  @BeforeEach
  void startKimi() {
    kimi = new FakeKimiServer().requireApiKey(SECRET).start();
  }

  @AfterEach
  void stopKimi() {
    kimi.close();
  }

  /** What a client saw of one session: its results, and every body it received, as bytes. */
  record Session(List<Object> results, List<byte[]> bodies) {}

  static KimiClient client(String baseUrl, WireProtocol wire, String key, TeeHttpClient http) {
    return KimiClient.builder()
        .apiKey(key)
        .baseUrl(baseUrl)
        .wireProtocol(wire)
        .httpClient(http)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  /**
   * The session: a streamed chat that calls a tool and its streamed answer to the tool's result, a
   * Messages stream, a Responses stream, a file upload.
   */
  static Session session(FakeKimiServer server, String key, Path upload) {
    TeeHttpClient http = new TeeHttpClient();
    List<Object> results = new ArrayList<>();
    try (KimiClient chat = client(server.baseUrl(), WireProtocol.CHAT_COMPLETIONS, key, http);
        KimiClient messages =
            client(server.anthropicBaseUrl(), WireProtocol.ANTHROPIC_MESSAGES, key, http);
        KimiClient responses = client(server.baseUrl(), WireProtocol.RESPONSES, key, http)) {
      ChatRequest ask =
          ChatRequest.builder("kimi-k3")
              .addTool(FakeRulesTableHttpTest.WEATHER)
              .addUser("What is the weather in city=Paris?")
              .build();
      ChatCompletion called;
      try (ChatStream s = chat.stream(ask)) {
        called = s.toCompletion();
      }
      results.add(called);
      ToolCall call = called.toolCalls().get(0);
      ChatRequest answer =
          ask.toBuilder()
              .addMessage(called.message())
              .addMessage(Message.tool(call, "sunny"))
              .build();
      try (ChatStream s = chat.stream(answer)) {
        results.add(s.toCompletion());
      }
      try (ChatStream s = messages.stream(ChatRequest.of("kimi-k3", "Stream over Messages"))) {
        results.add(s.toCompletion());
      }
      try (ChatStream s = responses.stream(ChatRequest.of("kimi-k3", "Stream over Responses"))) {
        results.add(s.toCompletion());
      }
      results.add(chat.files().upload(upload, FilePurpose.FILE_EXTRACT));
    }
    return new Session(results, http.bodies());
  }

  Path upload() throws Exception {
    return Files.writeString(dir.resolve("notes.txt"), "Moonlight Bakery opens at 7.\n");
  }

  @Test
  void aRecordedSessionReplaysTheSameBytesAndResultsWithoutKimiOrItsKey() throws Exception {
    Path cassette = dir.resolve("cassette");
    Session live;
    try (FakeKimiServer recorder =
        new FakeKimiServer().cassette(Cassette.record(kimi.baseUrl(), cassette)).start()) {
      live = session(recorder, SECRET, upload());
      assertThat(recorder.requests()).extracting(RecordedRequest::status).containsOnly(200);
    }
    assertThat(kimi.requests())
        .extracting(RecordedRequest::path)
        .containsExactly(
            "/v1/chat/completions",
            "/v1/chat/completions",
            "/anthropic/v1/messages",
            "/v1/responses",
            "/v1/files");

    // what the session was, live
    ChatCompletion called = (ChatCompletion) live.results().get(0);
    assertThat(called.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
    assertThat(called.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(((ChatCompletion) live.results().get(1)).text())
        .isEqualTo("From the tools: get_weather says sunny.");
    assertThat(((ChatCompletion) live.results().get(2)).text())
        .isEqualTo("You said: Stream over Messages");
    assertThat(((ChatCompletion) live.results().get(3)).text())
        .isEqualTo("You said: Stream over Responses");
    assertThat(((FileObject) live.results().get(4)).filename()).isEqualTo("notes.txt");
    assertThat(new String(live.bodies().get(0), StandardCharsets.UTF_8))
        .as("the first answer was a stream")
        .startsWith("data: {");

    // the cassette: one file per exchange, and no key anywhere
    assertThat(CassetteFormat.files(cassette))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "0001-post-v1-chat-completions.json",
            "0002-post-v1-chat-completions.json",
            "0003-post-anthropic-v1-messages.json",
            "0004-post-v1-responses.json",
            "0005-post-v1-files.json");
    try (var all = Files.walk(dir)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        assertThat(text).as(f.toString()).doesNotContain(SECRET, "do-not-write");
        if (f.startsWith(cassette)) {
          // a secret header is kept by name, as it was sent, its value scrubbed
          for (String line : text.toLowerCase(Locale.ROOT).split("\n")) {
            if (line.contains("authorization") || line.contains("x-api-key")) {
              assertThat(line)
                  .as(f.toString())
                  .matches(" *\"[a-z-]+\": \"(bearer )?\\(scrubbed\\)\",?");
            }
          }
          assertThat(text.toLowerCase(Locale.ROOT)).as(f.toString()).doesNotContain("cookie");
        }
      }
    }

    // replayed: another key, and Kimi is never asked
    Session replayed;
    try (FakeKimiServer replayer =
        new FakeKimiServer().cassette(Cassette.replay(cassette)).start()) {
      replayed = session(replayer, "sk-ci-with-no-real-key", upload());
      assertThat(replayer.requests()).extracting(RecordedRequest::status).containsOnly(200);
    }
    assertThat(kimi.requestCount()).as("requests that reached Kimi").isEqualTo(5);
    assertThat(replayed.results()).isEqualTo(live.results());
    assertThat(replayed.bodies()).hasSameSizeAs(live.bodies());
    for (int i = 0; i < live.bodies().size(); i++) {
      assertThat(replayed.bodies().get(i)).as("body %d", i).isEqualTo(live.bodies().get(i));
    }
  }

  @Test
  void aChangedRequestIsAMissNamingTheNearestRecordedRequestAndTheDifference() {
    Path cassette = dir.resolve("cassette");
    try (FakeKimiServer recorder =
            new FakeKimiServer().cassette(Cassette.record(kimi.baseUrl(), cassette)).start();
        KimiClient live = KimiClient.builder().apiKey(SECRET).baseUrl(recorder.baseUrl()).build()) {
      live.chat(ChatRequest.of("kimi-k3", "What is the weather in city=Paris?"));
      live.chat(ChatRequest.of("kimi-k3", "And tomorrow?"));
    }
    try (FakeKimiServer replayer =
            new FakeKimiServer().cassette(Cassette.replay(cassette)).start();
        KimiClient ci =
            KimiClient.builder()
                .apiKey("sk-ci")
                .baseUrl(replayer.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .build()) {
      assertThatThrownBy(
              () -> ci.chat(ChatRequest.of("kimi-k3", "What is the weather in city=Lyon?")))
          .isInstanceOf(KimiException.class)
          .hasMessageContaining("holds no recorded exchange that matches POST /v1/chat/completions")
          .hasMessageContaining(
              "The nearest, 0001-post-v1-chat-completions.json, differs at"
                  + " $.body.messages[0].content: recorded \"What is the weather in city=Paris?\","
                  + " sent \"What is the weather in city=Lyon?\"");
      RecordedRequest missed = replayer.takeRequest();
      assertThat(missed.status()).isEqualTo(404);
      assertThat(missed.error().orElseThrow().get("type"))
          .isEqualTo(JsonString.of("cassette_miss_error"));
      assertThatThrownBy(() -> ci.models().list())
          .isInstanceOf(KimiException.class)
          .hasMessageContaining("None of its 2 exchanges is a GET /v1/models")
          .hasMessageContaining("it holds POST /v1/chat/completions");
      // the recorded requests still replay
      assertThat(ci.chat(ChatRequest.of("kimi-k3", "And tomorrow?")).text())
          .isEqualTo("You said: And tomorrow?");
    }
    assertThat(kimi.requestCount()).isEqualTo(2);
  }
}
