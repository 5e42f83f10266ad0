package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Replays every recorded Kimi fixture through FakeKimiServer and the real client. */
class FixtureReplayHttpTest {

  /** Every recorded error body and the exception it must become. */
  static final Map<String, Class<? extends ApiException>> ERRORS =
      Map.of(
          "moonshotai-error-live-message-only.json", NotFoundException.class,
          "moonshotai-error-without-code-live.json", NotFoundException.class,
          "moonshotai-issue-19544-rejected.json", InvalidRequestException.class,
          "moonshotai-k2.7-disabled-thinking-error.json", InvalidRequestException.class,
          "moonshotai-kimi-k3-temperature-rejection.json", InvalidRequestException.class,
          "moonshotai-required-tool-choice-error.json", InvalidRequestException.class,
          "moonshotai-unsupported-sampling-error.json", InvalidRequestException.class,
          "moonshotai-unsupported-svg-error.json", InvalidRequestException.class);

  static FakeKimiServer server;
  static KimiClient kimi;

  @BeforeAll
  static void start() {
    server = new FakeKimiServer().start();
    kimi = KimiClient.builder().apiKey("sk-fixture").baseUrl(server.baseUrl()).build();
  }

  @AfterAll
  static void stop() {
    kimi.close();
    server.close();
  }

  static Path dir() {
    try {
      return Path.of(FixtureReplayHttpTest.class.getResource("/kimi/").toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<String> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      List<String> names =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(suffix))
              .sorted()
              .collect(Collectors.toList());
      return names.stream();
    }
  }

  static Stream<String> streams() throws IOException {
    return files(".chunks.txt");
  }

  static Stream<String> bodies() throws IOException {
    return files(".json").filter(n -> !n.endsWith(".chunk.json"));
  }

  static String read(String name) throws IOException {
    return Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void thereAreFixturesToReplay() throws IOException {
    assertThat(streams().count()).isGreaterThanOrEqualTo(5);
    assertThat(bodies().count()).isGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest
  @MethodSource("streams")
  void recordedStreamAccumulatesLikeTheRawChunks(String name) throws IOException {
    String text = read(name);
    List<JsonObject> raw = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        raw.add((JsonObject) Json.parse(line));
      }
    }
    Expected expected = Expected.of(raw);

    server.enqueue(FakeResponse.fixture(name, text));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatCompletion done;
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "replay"))) {
      for (ChatCompletionChunk c : s) {
        chunks.add(c);
      }
    }
    assertThat(chunks).hasSize(raw.size());
    server.enqueue(FakeResponse.fixture(dir().resolve(name)));
    done = kimi.stream(ChatRequest.of("kimi-k3", "replay")).toCompletion();

    assertThat(done.text()).isEqualTo(expected.content.toString());
    if (expected.sawReasoning) {
      assertThat(done.reasoning()).isEqualTo(expected.reasoning.toString());
    }
    assertThat(done.finishReason().value()).isEqualTo(expected.finish);
    assertThat(done.id()).isEqualTo(expected.id);
    List<ToolCall> calls = done.choices().get(0).message().toolCalls();
    assertThat(calls.stream().map(ToolCall::arguments))
        .containsExactlyElementsOf(expected.toolArguments.values());
    for (ToolCall call : calls) {
      assertThat(Json.parse(call.arguments())).isInstanceOf(JsonObject.class);
      assertThat(call.id()).isNotBlank();
      assertThat(call.name()).isNotBlank();
    }
    Usage u = done.usage();
    assertThat(u.promptTokens()).isEqualTo(expected.usage.get("prompt_tokens"));
    assertThat(u.completionTokens()).isEqualTo(expected.usage.get("completion_tokens"));
    assertThat(u.totalTokens()).isEqualTo(expected.usage.get("total_tokens"));
    assertThat(u.reasoningTokens()).isEqualTo(expected.reasoningTokens);
  }

  @Test
  void singleRecordedChunkCarriesItsUsageThroughAStream() throws IOException {
    String chunk = read("kimi-cli-stream-usage.chunk.json").strip();
    server.enqueue(FakeResponse.stream(List.of(chunk)));
    ChatCompletion done = kimi.stream(ChatRequest.of("kimi-k2", "replay")).toCompletion();
    assertThat(done.usage().totalTokens()).isEqualTo(19);
    assertThat(done.usage().cachedTokens()).isEqualTo(8);
    assertThat(done.finishReason().value()).isEqualTo("stop");
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void recordedBodyDecodesOrBecomesTheRightException(String name) throws IOException {
    String text = read(name);
    JsonObject tree = (JsonObject) Json.parse(text);
    server.enqueue(FakeResponse.fixture(dir().resolve(name)));
    if (tree.get("error") != null) {
      assertThat(ERRORS).as("every error fixture has an expected type").containsKey(name);
      Throwable t = catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "replay")));
      assertThat(t).isExactlyInstanceOf(ERRORS.get(name));
      ApiException a = (ApiException) t;
      JsonObject error = (JsonObject) tree.get("error");
      assertThat(a.serverMessage()).isEqualTo(((JsonString) error.get("message")).value());
      assertThat(a.errorType()).contains(((JsonString) error.get("type")).value());
      return;
    }
    ChatCompletion r = kimi.chat(ChatRequest.of("kimi-k3", "replay"));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(r).isEqualTo(ChatCodec.decodeCompletion(bytes, 0, bytes.length));
    JsonObject message =
        (JsonObject) ((JsonObject) ((JsonArray) tree.get("choices")).get(0)).get("message");
    assertThat(r.text()).isEqualTo(((JsonString) message.get("content")).value());
    assertThat(r.id()).isEqualTo(((JsonString) tree.get("id")).value());
  }

  /** What a stream should accumulate to, computed from the JSON trees alone. */
  static final class Expected {
    final StringBuilder content = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    boolean sawReasoning;
    String finish;
    String id;
    final Map<Integer, String> toolArguments = new TreeMap<>();
    Map<String, Integer> usage = Map.of();
    Integer reasoningTokens;

    static Expected of(List<JsonObject> chunks) {
      Expected e = new Expected();
      for (JsonObject c : chunks) {
        e.id = ((JsonString) c.get("id")).value();
        for (JsonValue choice : ((JsonArray) c.get("choices")).values()) {
          JsonObject ch = (JsonObject) choice;
          JsonObject delta = (JsonObject) ch.get("delta");
          if (delta.get("content") instanceof JsonString s) {
            e.content.append(s.value());
          }
          if (delta.get("reasoning_content") instanceof JsonString s) {
            e.sawReasoning = true;
            e.reasoning.append(s.value());
          }
          if (delta.get("tool_calls") instanceof JsonArray calls) {
            for (JsonValue v : calls.values()) {
              JsonObject call = (JsonObject) v;
              int index = ((JsonNumber) call.get("index")).intValue();
              String args =
                  ((JsonString) ((JsonObject) call.get("function")).get("arguments")).value();
              e.toolArguments.merge(index, args, String::concat);
            }
          }
          if (ch.get("finish_reason") instanceof JsonString s) {
            e.finish = s.value();
          }
          if (ch.get("usage") instanceof JsonObject u) {
            e.usage(u);
          }
        }
        if (c.get("usage") instanceof JsonObject u) {
          e.usage(u);
        }
      }
      return e;
    }

    void usage(JsonObject u) {
      usage =
          Map.of(
              "prompt_tokens", ((JsonNumber) u.get("prompt_tokens")).intValue(),
              "completion_tokens", ((JsonNumber) u.get("completion_tokens")).intValue(),
              "total_tokens", ((JsonNumber) u.get("total_tokens")).intValue());
      reasoningTokens =
          u.get("completion_tokens_details") instanceof JsonObject d
                  && d.get("reasoning_tokens") instanceof JsonNumber n
              ? n.intValue()
              : null;
    }
  }
}
