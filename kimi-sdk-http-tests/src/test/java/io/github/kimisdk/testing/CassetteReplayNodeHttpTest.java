package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassettes across languages (issue 67): a session recorded through the fake by {@link KimiClient}
 * (a streamed chat that calls a tool and the streamed answer to its result, a Messages stream, a
 * Responses stream, a file upload) and one recorded by the AI SDK ({@code streamText} with a tool,
 * through {@code @ai-sdk/openai-compatible}) replay, with no key and no Kimi: to KimiClient as it
 * ran, to Node's {@code openai} and {@code @anthropic-ai/sdk} sending the Java session as those
 * clients send it (the bytes each received are the bytes recorded), and to the AI SDK as it ran
 * (same results, same bytes). Also Node's {@code openai} over the fake's HTTPS ({@code --tls}),
 * trusting its certificate through {@code NODE_EXTRA_CA_CERTS}. Python's {@code openai} would be
 * the third language, but PyPI is not reachable from the build machines (npm is). Pinned versions;
 * skipped, with the reason, when Node, npm or the registry is missing.
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class CassetteReplayNodeHttpTest {

  static final String SECRET = "sk-live-node-0123456789-never-on-disk";

  static final FunctionTool WEATHER =
      new FunctionTool(
          "get_weather",
          "The weather in a city",
          Json.parse(
              "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                  + "\"required\":[\"city\"]}"),
          null);

  @TempDir Path dir;

  static Path install() {
    return Npm.install(
        OfficialClientsHttpTest.OPENAI,
        OfficialClientsHttpTest.ANTHROPIC,
        ZodToolsHttpTest.AI,
        ZodToolsHttpTest.ZOD,
        ZodToolsHttpTest.OPENAI_COMPATIBLE);
  }

  /** Runs the script in {@code mode} against {@code baseUrl}; its result lines by name. */
  static Map<String, JsonObject> node(Path npm, String mode, Map<String, String> env)
      throws IOException {
    String script;
    try (InputStream in =
        CassetteReplayNodeHttpTest.class.getResourceAsStream("/foreign/cassette-clients.cjs")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> all = new HashMap<>(env);
    all.put("MODE", mode);
    Map<String, JsonObject> results = new HashMap<>();
    try (ForeignProcess p = ForeignProcess.start(npm, List.of(Npm.node(), "-e", script), all)) {
      p.await(Pattern.compile("\\{\"what\":\"(done|crash)\".*"), Duration.ofSeconds(120));
      assertThat(p.output()).as(p.output()).contains("{\"what\":\"done\"}");
      for (String line : p.output().split("\n")) {
        if (line.startsWith("{\"what\":")) {
          JsonObject o = Json.parse(line).asObject();
          results.put(((JsonString) o.get("what")).value(), o);
        }
      }
    }
    return results;
  }

  static Map<String, String> env(FakeKimiServer server, String key, Path upload) {
    return Map.of(
        "KIMI_BASE_URL", server.baseUrl(),
        "KIMI_ANTHROPIC_BASE_URL", server.anthropicBaseUrl(),
        "KIMI_KEY", key,
        "UPLOAD", upload.toString());
  }

  static KimiClient client(String baseUrl, WireProtocol wire, String key) {
    return KimiClient.builder()
        .apiKey(key)
        .baseUrl(baseUrl)
        .wireProtocol(wire)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  /** The Java session, as cassette-clients.cjs's "java" mode sends it again. */
  static List<Object> javaSession(FakeKimiServer server, String key, Path upload) {
    List<Object> results = new ArrayList<>();
    try (KimiClient chat = client(server.baseUrl(), WireProtocol.CHAT_COMPLETIONS, key);
        KimiClient messages =
            client(server.anthropicBaseUrl(), WireProtocol.ANTHROPIC_MESSAGES, key);
        KimiClient responses = client(server.baseUrl(), WireProtocol.RESPONSES, key)) {
      ChatRequest ask =
          ChatRequest.builder("kimi-k3")
              .addTool(WEATHER)
              .addUser("What is the weather in city=Paris?")
              .build();
      ChatCompletion called;
      try (ChatStream s = chat.stream(ask)) {
        called = s.toCompletion();
      }
      results.add(called);
      ChatRequest answer =
          ask.toBuilder()
              .addMessage(called.message())
              .addMessage(Message.tool(called.toolCalls().get(0), "sunny"))
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
    return results;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static String text(JsonObject o) {
    return ((JsonString) o.get("text")).value();
  }

  @Test
  void aCassetteRecordedInJavaAndOneByTheAiSdkReplayToJavaNodeAndTheAiSdk() throws Exception {
    Path npm = install();
    Path upload = Files.writeString(dir.resolve("notes.txt"), "Moonlight Bakery opens at 7.\n");
    Path tape = dir.resolve("tape");
    List<Object> javaLive;
    Map<String, JsonObject> aiLive;
    List<Object> javaReplayed;
    Map<String, JsonObject> nodeJava;
    Map<String, JsonObject> aiReplayed;
    try (FakeKimiServer kimi = new FakeKimiServer().requireApiKey(SECRET).start()) {
      try (FakeKimiServer recorder =
          new FakeKimiServer().cassette(Cassette.record(kimi.baseUrl(), tape)).start()) {
        javaLive = javaSession(recorder, SECRET, upload);
        aiLive = node(npm, "ai", env(recorder, SECRET, upload));
      }
      int reached = kimi.requestCount();
      assertThat(reached).as("Java's five calls and the AI SDK's two").isEqualTo(7);
      try (var files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET);
        }
      }
      try (FakeKimiServer replayer = new FakeKimiServer().cassette(Cassette.replay(tape)).start()) {
        javaReplayed = javaSession(replayer, "sk-ci", upload);
        nodeJava = node(npm, "java", env(replayer, "sk-ci", upload));
        aiReplayed = node(npm, "ai", env(replayer, "sk-ci", upload));
        assertThat(replayer.requests())
            .as("no miss, no refusal")
            .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
      }
      assertThat(kimi.requestCount()).as("the replays never reached Kimi").isEqualTo(reached);
    }

    // KimiClient: as it ran
    assertThat(javaReplayed).isEqualTo(javaLive);

    // Node's clients, sending the Java session: the bytes Java received, and its results
    List<Path> files = CassetteFormat.files(tape);
    List<JsonValue> recorded = new ArrayList<>();
    for (Path f : files.subList(0, 5)) {
      recorded.add(JsonString.of(sha256(CassetteFormat.read(f).body())));
    }
    assertThat(nodeJava.get("java.hashes").get("hashes")).isEqualTo(JsonArray.of(recorded));
    ToolCall call = ((ChatCompletion) javaLive.get(0)).toolCalls().get(0);
    assertThat(nodeJava.get("openai.called").get("name")).isEqualTo(JsonString.of(call.name()));
    assertThat(nodeJava.get("openai.called").get("arguments"))
        .isEqualTo(Json.parse(call.arguments()));
    assertThat(text(nodeJava.get("openai.answer")))
        .isEqualTo(((ChatCompletion) javaLive.get(1)).text())
        .isEqualTo("From the tools: get_weather says sunny.");
    assertThat(text(nodeJava.get("anthropic.stream")))
        .isEqualTo(((ChatCompletion) javaLive.get(2)).text());
    assertThat(text(nodeJava.get("responses.stream")))
        .isEqualTo(((ChatCompletion) javaLive.get(3)).text());
    FileObject uploaded = (FileObject) javaLive.get(4);
    assertThat(nodeJava.get("openai.files").get("id")).isEqualTo(JsonString.of(uploaded.id()));
    assertThat(nodeJava.get("openai.files").get("filename"))
        .isEqualTo(JsonString.of(uploaded.filename()));

    // the AI SDK: as it ran, byte for byte
    assertThat(text(aiLive.get("ai.stream"))).isEqualTo("From the tools: get_weather says sunny.");
    assertThat(aiLive.get("ai.stream").get("cities")).isEqualTo(Json.parse("[\"Oslo\"]"));
    assertThat(aiReplayed.get("ai.stream")).isEqualTo(aiLive.get("ai.stream"));
    assertThat(aiLive.get("ai.stream").get("hashes").asArray().size()).isEqualTo(2);
  }

  @Test
  void nodesOpenAiClientTrustsTheFakesTlsThroughNodeExtraCaCerts() throws Exception {
    Path npm = install();
    try (FakeKimiServer server =
        FakeKimiCommand.start(FakeKimiCommand.parse("--tls"), System.err)) {
      Path pem = FakeKimiCommand.trustFile(server);
      Path upload = dir.resolve("unused");
      Map<String, String> trusting = new HashMap<>(env(server, "sk-tls", upload));
      trusting.put("NODE_EXTRA_CA_CERTS", pem.toString());
      assertThat(server.baseUrl()).startsWith("https://");
      assertThat(text(node(npm, "tls", trusting).get("tls"))).isEqualTo("You said: over TLS");
      Map<String, String> untrusting = new HashMap<>(env(server, "sk-tls", upload));
      untrusting.put("NODE_EXTRA_CA_CERTS", dir.resolve("none.pem").toString());
      assertThat(node(npm, "tls", untrusting).get("tls").get("refused").asString())
          .contains("SELF_SIGNED");
      assertThat(server.requestCount()).isZero(); // process mode keeps none; the answer tells
    }
  }
}
