package io.github.kimisdk.testing;

import static io.github.kimisdk.testing.FakeMisconfiguration.MESSAGE_CLOSE;
import static io.github.kimisdk.testing.FakeMisconfiguration.RESPONSE_CLOSE;
import static io.github.kimisdk.testing.FakeMisconfiguration.RESPONSE_OPEN;
import static io.github.kimisdk.testing.FakeMisconfiguration.THINK_CLOSE;
import static io.github.kimisdk.testing.FakeMisconfiguration.THINK_OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeDialectHttpTest.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FakeKimiServer#misconfigure}: each fault as a client on the wire sees it, whole and
 * streamed, K3's markers and K2's, in the dialects whose parsers differ (vLLM's, SGLang's), and the
 * spec as {@code --misconfigure} reads it.
 */
class FakeMisconfigurationHttpTest {

  private static final String REASONING = "The user wrote \"hi\". I will repeat it back.";
  private static final String REPLY = "You said: hi";

  @RegisterExtension final DialectFakes fakes = new DialectFakes();

  private FakeKimiServer server(String dialect, String misconfigure) {
    return fakes.track(new FakeKimiServer().dialect(dialect).misconfigure(misconfigure).start());
  }

  /** A call in vLLM's and SGLang's form: their model id, their thinking switch. */
  private static String call(String model, boolean thinking, boolean stream, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + (extra.contains("tools") ? "What is the weather in city=Paris?" : "hi")
        + "\"}],\"chat_template_kwargs\":{\"thinking\":"
        + thinking
        + "}"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")
        + extra
        + "}";
  }

  private static Answer post(FakeKimiServer s, String body) throws Exception {
    return FakeDialectHttpTest.send(s, "POST", "/chat/completions", body, null);
  }

  private static String string(JsonObject o, String key) {
    JsonValue v = o.get(key);
    return v instanceof JsonString s ? s.value() : null;
  }

  /** A stream's deltas' text under {@code key}, joined. */
  private static String joined(Answer a, String key) {
    StringBuilder sb = new StringBuilder();
    for (JsonObject d : a.deltas()) {
      String s = string(d, key);
      if (s != null) {
        sb.append(s);
      }
    }
    return sb.toString();
  }

  private static final String K3_RAW =
      THINK_OPEN + REASONING + THINK_CLOSE + RESPONSE_OPEN + REPLY + RESPONSE_CLOSE + MESSAGE_CLOSE;

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "sglang"})
  void withoutAReasoningParserK3sRawOutputIsTheContent(String dialect) throws Exception {
    FakeKimiServer s = server(dialect, "no-reasoning-parser");
    JsonObject m = post(s, call("moonshotai/Kimi-K3", true, false, "")).message();
    assertThat(string(m, "content")).isEqualTo(K3_RAW);
    assertThat(m.get("reasoning")).isNull();
    assertThat(m.get("reasoning_content")).isNull();
    Answer streamed = post(s, call("moonshotai/Kimi-K3", true, true, ""));
    assertThat(joined(streamed, "content")).isEqualTo(K3_RAW);
    assertThat(joined(streamed, "reasoning") + joined(streamed, "reasoning_content")).isEmpty();
  }

  @Test
  void withoutAReasoningParserK2sThinkMarkersAreInTheContent() throws Exception {
    FakeKimiServer s = server("vllm", "no-reasoning-parser");
    String raw = "<think>" + REASONING + "</think>" + REPLY;
    assertThat(string(post(s, call("moonshotai/Kimi-K2.6", true, false, "")).message(), "content"))
        .isEqualTo(raw);
    assertThat(joined(post(s, call("moonshotai/Kimi-K2.6", true, true, "")), "content"))
        .isEqualTo(raw);
  }

  @Test
  void withoutAReasoningParserThinkingOffStillShowsK3sResponseChannel() throws Exception {
    FakeKimiServer s = server("vllm", "no-reasoning-parser");
    assertThat(string(post(s, call("moonshotai/Kimi-K3", false, false, "")).message(), "content"))
        .isEqualTo(RESPONSE_OPEN + REPLY + RESPONSE_CLOSE + MESSAGE_CLOSE);
  }

  @Test
  void k2sParserOnVllmPassesK3sWholeOutputOnAsReasoning() throws Exception {
    FakeKimiServer s = server("vllm", "k2-reasoning-parser");
    String reasoning = REASONING + THINK_CLOSE + RESPONSE_OPEN + REPLY + RESPONSE_CLOSE;
    JsonObject m = post(s, call("moonshotai/Kimi-K3", true, false, "")).message();
    assertThat(string(m, "reasoning")).isEqualTo(reasoning + MESSAGE_CLOSE);
    assertThat(m.get("content")).as("vLLM's content: null").isEqualTo(Json.parse("null"));
    Answer streamed = post(s, call("moonshotai/Kimi-K3", true, true, ""));
    assertThat(joined(streamed, "reasoning")).isEqualTo(reasoning + MESSAGE_CLOSE);
    assertThat(joined(streamed, "content")).isEmpty();
    // thinking off: K2's parser passes everything on as content
    assertThat(string(post(s, call("moonshotai/Kimi-K3", false, false, "")).message(), "content"))
        .isEqualTo(RESPONSE_OPEN + REPLY + RESPONSE_CLOSE + MESSAGE_CLOSE);
  }

  @Test
  void k2sParserOnSglangPassesK3sWholeOutputOnAsContent() throws Exception {
    FakeKimiServer s = server("sglang", "k2-reasoning-parser");
    JsonObject m = post(s, call("moonshotai/Kimi-K3", true, false, "")).message();
    assertThat(string(m, "content")).isEqualTo(K3_RAW);
    assertThat(m.get("reasoning_content")).isNull();
  }

  @Test
  void k2sParserSplitsAK2ModelAsUsual() throws Exception {
    FakeKimiServer s = server("vllm", "k2-reasoning-parser");
    JsonObject m = post(s, call("moonshotai/Kimi-K2.6", true, false, "")).message();
    assertThat(string(m, "reasoning")).isEqualTo(REASONING);
    assertThat(string(m, "content")).isEqualTo(REPLY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "sglang", "moonshot"})
  void aHostIgnoringTheSwitchThinksWithThinkingOff(String dialect) throws Exception {
    FakeKimiServer s = server(dialect, "ignores-thinking-switch");
    String body =
        dialect.equals("moonshot")
            ? "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"thinking\":{\"type\":\"disabled\"},\"temperature\":0.6}"
            : call("moonshotai/Kimi-K3", false, false, ",\"temperature\":0.6");
    Answer a = FakeDialectHttpTest.send(s, "POST", "/chat/completions", body, "sk-test");
    assertThat(a.status()).isEqualTo(200);
    JsonObject m = a.message();
    String key = dialect.equals("vllm") ? "reasoning" : "reasoning_content";
    assertThat(string(m, key)).isEqualTo(REASONING);
    assertThat(string(m, "content")).isEqualTo(REPLY);
    // the request is still judged as sent: thinking off takes 0.6 only
    Answer refused =
        FakeDialectHttpTest.send(
            s, "POST", "/chat/completions", body.replace("0.6", "0.3"), "sk-test");
    assertThat(refused.status()).isEqualTo(400);
  }

  private static final String TOOLS =
      ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
          + "\"required\":[\"city\"]}}}]";

  @Test
  void withoutAToolParserK3sToolCallIsRawMarkersInTheContent() throws Exception {
    FakeKimiServer s = server("vllm", "no-tool-parser");
    String markers =
        "<|open|>tools<|sep|><|open|>call tool=\"get_weather\" index=\"1\"<|sep|>"
            + "<|open|>argument key=\"city\" type=\"string\"<|sep|>Paris<|close|>argument<|sep|>"
            + "<|close|>call<|sep|><|close|>tools<|sep|>";
    Answer whole = post(s, call("moonshotai/Kimi-K3", false, false, TOOLS));
    JsonObject m = whole.message();
    assertThat(m.get("tool_calls")).isNull();
    assertThat(string(m, "content")).isEqualTo(markers);
    assertThat(string(whole.json().get("choices").asArray().get(0).asObject(), "finish_reason"))
        .isEqualTo("stop");
    Answer streamed = post(s, call("moonshotai/Kimi-K3", false, true, TOOLS));
    assertThat(joined(streamed, "content")).isEqualTo(markers);
    assertThat(streamed.deltas()).noneMatch(d -> d.has("tool_calls"));
  }

  @Test
  void withoutAToolParserK2sToolCallSectionIsInTheContent() throws Exception {
    FakeKimiServer s = server("sglang", "no-tool-parser");
    String content =
        string(post(s, call("moonshotai/Kimi-K2.6", false, false, TOOLS)).message(), "content");
    assertThat(content)
        .startsWith("<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0")
        .contains("<|tool_call_argument_begin|>{\"city\":\"Paris\"}<|tool_call_end|>")
        .endsWith("<|tool_calls_section_end|>");
  }

  @Test
  void aStreamWithoutUsageCarriesNoneThoughItWasAskedFor() throws Exception {
    FakeKimiServer s = server("vllm", "no-stream-usage");
    Answer streamed = post(s, call("moonshotai/Kimi-K3", false, true, ""));
    assertThat(streamed.chunks()).isNotEmpty().noneMatch(c -> c.toString().contains("usage"));
    assertThat(joined(streamed, "content")).isEqualTo(REPLY);
    Answer right = post(server("vllm", ""), call("moonshotai/Kimi-K3", false, true, ""));
    assertThat(right.chunks()).anyMatch(c -> c.has("usage"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vllm|404|{\"error\":{\"message\":\"The model `moonshotai/Kimi-K3` does not exist.\","
            + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}}",
        "moonshot|404|{\"error\":{\"message\":\"Not found the model kimi-k3 or Permission"
            + " denied\",\"type\":\"resource_not_found_error\"}}"
      })
  void aRetiredModelIsNotListedAndRefusedInTheHostsWords(String dialect, int status, String error)
      throws Exception {
    FakeKimiServer s = server(dialect, "retired=kimi-k3");
    assertThat(s.modelIds()).doesNotContain("kimi-k3").contains("kimi-k2.6");
    Answer models = FakeDialectHttpTest.send(s, "GET", "/models", null, "sk-test");
    assertThat(models.body()).doesNotContain("Kimi-K3\"").doesNotContain("\"kimi-k3\"");
    String body =
        dialect.equals("moonshot")
            ? "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            : call("moonshotai/Kimi-K3", false, false, "");
    Answer refused = FakeDialectHttpTest.send(s, "POST", "/chat/completions", body, "sk-test");
    assertThat(refused.status()).isEqualTo(status);
    assertThat(refused.body()).isEqualTo(error);
  }

  @Test
  void theFaultsStackAndAScriptedReplyIsWrittenWithThem() throws Exception {
    FakeKimiServer s = server("vllm", "no-reasoning-parser,no-stream-usage");
    s.enqueue(FakeResponse.reply("Scripted."));
    String content =
        string(post(s, call("moonshotai/Kimi-K3", true, false, "")).message(), "content");
    assertThat(content)
        .startsWith(THINK_OPEN)
        .endsWith(RESPONSE_OPEN + "Scripted." + RESPONSE_CLOSE + MESSAGE_CLOSE);
  }

  @Test
  void theSpecIsReadAsTheCommandLineReadsIt() throws Exception {
    assertThat(FakeMisconfiguration.parse(" ").toString()).isEmpty();
    assertThat(
            FakeMisconfiguration.parse("retired=kimi-k3, No-Tool-Parser,no-reasoning-parser")
                .toString())
        .isEqualTo("no-reasoning-parser,no-tool-parser,retired=kimi-k3");
    assertThatThrownBy(() -> FakeMisconfiguration.parse("no-parser"))
        .hasMessage(
            "unknown misconfiguration 'no-parser': use no-reasoning-parser, k2-reasoning-parser,"
                + " ignores-thinking-switch, no-tool-parser, no-stream-usage, retired=MODEL");
    assertThatThrownBy(() -> FakeMisconfiguration.parse("no-tool-parser,no-tool-parser"))
        .hasMessage("no-tool-parser is named twice");
    assertThatThrownBy(() -> FakeMisconfiguration.parse("retired="))
        .hasMessageStartingWith("retired= names the model");
    assertThat(
            FakeKimiCommand.parse("--dialect", "vllm", "--misconfigure", "no-stream-usage")
                .misconfigure())
        .isEqualTo("no-stream-usage");
    assertThat(FakeKimiCommand.parse().misconfigure()).isEmpty();
    assertThatThrownBy(() -> FakeKimiCommand.parse("--misconfigure", "tired"))
        .isInstanceOf(FakeKimiCommand.UsageException.class)
        .hasMessageStartingWith("--misconfigure: unknown misconfiguration 'tired'");
  }

  @Test
  void theProcessPlaysTheFaultsItIsStartedWith() throws Exception {
    FakeKimiServer s =
        FakeKimiCommand.start(
            FakeKimiCommand.parse("--dialect", "vllm", "--misconfigure", "retired=kimi-k3"),
            System.err);
    fakes.track(s);
    assertThat(post(s, call("moonshotai/Kimi-K3", false, false, "")).status()).isEqualTo(404);
  }
}
