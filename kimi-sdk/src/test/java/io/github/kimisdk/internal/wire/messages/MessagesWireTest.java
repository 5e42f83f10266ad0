package io.github.kimisdk.internal.wire.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.UnsupportedRequestException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MessagesWireTest {

  static final String MODEL = "kimi-k2.6";

  static String encode(ChatRequest r) {
    return new String(MessagesWire.INSTANCE.encode(r), StandardCharsets.UTF_8);
  }

  static ChatRequest.Builder base() {
    return ChatRequest.builder(MODEL).addUser("hi");
  }

  // ------------------------------------------------------------------ request fields, one rule
  // each

  static Stream<Arguments> fieldRules() {
    return Stream.of(
        rule("max_tokens defaults when the request sets no cap", b -> b, "\"max_tokens\":32768"),
        rule(
            "max_completion_tokens becomes max_tokens",
            b -> b.maxCompletionTokens(100),
            "\"max_tokens\":100"),
        rule("temperature keeps its name", b -> b.temperature(0.6), "\"temperature\":0.6"),
        rule("top_p keeps its name", b -> b.topP(0.9), "\"top_p\":0.9"),
        rule(
            "stop becomes stop_sequences",
            b -> b.stop("END", "STOP"),
            "\"stop_sequences\":[\"END\",\"STOP\"]"),
        rule("stream is sent only when on", b -> b.stream(true), "\"stream\":true"),
        rule(
            "thinking enabled offers the whole allowance but one token",
            b -> b.maxCompletionTokens(4000).thinking(Thinking.enabled()),
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":3999}"),
        rule(
            "thinking budget is at least 1024",
            b -> b.maxCompletionTokens(500).thinking(Thinking.enabled()),
            "\"budget_tokens\":1024"),
        rule(
            "thinking disabled",
            b -> b.thinking(Thinking.disabled()),
            "\"thinking\":{\"type\":\"disabled\"}"),
        rule(
            "preserved thinking drops keep",
            b -> b.thinking(Thinking.preserved()),
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":32767}"),
        rule(
            "thinking effort becomes output_config.effort",
            b -> b.maxCompletionTokens(4000).thinking(Thinking.enabled().withEffort("high")),
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":3999},"
                + "\"output_config\":{\"effort\":\"high\"}"),
        rule(
            "reasoning effort becomes output_config.effort",
            b -> b.reasoningEffort("max"),
            "\"output_config\":{\"effort\":\"max\"}"),
        rule(
            "safety identifier becomes metadata.user_id",
            b -> b.safetyIdentifier("user-7"),
            "\"metadata\":{\"user_id\":\"user-7\"}"),
        rule(
            "a function tool gets input_schema",
            b ->
                b.addTool(
                    Tool.function(
                        "get_time", "Tells the time", Json.parse("{\"type\":\"object\"}"))),
            "\"tools\":[{\"name\":\"get_time\",\"description\":\"Tells the time\",\"input_schema\":{\"type\":\"object\"}}]"),
        rule(
            "a tool without parameters gets an empty object schema",
            b -> b.addTool(Tool.function("now_tool", null, null)),
            "\"input_schema\":{\"type\":\"object\",\"properties\":{}}"),
        rule(
            "tool choice auto",
            b -> b.addTool(Tool.function("now_tool", null, null)).toolChoice(ToolChoice.auto()),
            "\"tool_choice\":{\"type\":\"auto\"}"),
        rule(
            "tool choice none",
            b -> b.addTool(Tool.function("now_tool", null, null)).toolChoice(ToolChoice.none()),
            "\"tool_choice\":{\"type\":\"none\"}"),
        rule(
            "tool choice required becomes any",
            b ->
                b.addTool(Tool.function("now_tool", null, null))
                    .toolChoice(ToolChoice.required())
                    .thinking(Thinking.disabled()),
            "\"tool_choice\":{\"type\":\"any\"}"),
        rule(
            "a named tool choice becomes type tool",
            b ->
                b.addTool(Tool.function("now_tool", null, null))
                    .toolChoice(ToolChoice.function("now_tool"))
                    .thinking(Thinking.disabled()),
            "\"tool_choice\":{\"type\":\"tool\",\"name\":\"now_tool\"}"),
        rule(
            "extra body fields are written as they are",
            b -> b.extraBody("top_k", Json.parse("5")),
            "\"top_k\":5"),
        rule(
            "a text response format is dropped",
            b -> b.responseFormat(ResponseFormat.text()),
            "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
  }

  static Arguments rule(String name, UnaryOperator<ChatRequest.Builder> b, String expected) {
    return Arguments.of(name, b, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldRules")
  void mapsEachRequestField(String name, UnaryOperator<ChatRequest.Builder> b, String expected) {
    assertThat(encode(b.apply(base()).build())).contains(expected);
  }

  @Test
  void defaultMaxTokensIsSentWhenTheRequestHasNoCap() {
    assertThat(encode(base().build()))
        .contains("\"max_tokens\":" + io.github.kimisdk.WireProtocol.DEFAULT_MAX_TOKENS);
  }

  @Test
  void dropsWhatMessagesHasNoUseFor() {
    String body =
        encode(
            base().stream(true)
                .includeUsage(true)
                .promptCacheKey("thread-1")
                .n(1)
                .responseFormat(ResponseFormat.text())
                .build());
    assertThat(body)
        .doesNotContain("stream_options")
        .doesNotContain("prompt_cache_key")
        .doesNotContain("\"n\"")
        .doesNotContain("response_format")
        .doesNotContain("max_completion_tokens");
  }

  // ------------------------------------------------------------------ refusals

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of((UnaryOperator<ChatRequest.Builder>) b -> b.n(2).temperature(0.5), "n = 2"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>) b -> b.presencePenalty(0.5), "presence_penalty"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>) b -> b.frequencyPenalty(0.5), "frequency_penalty"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>) b -> b.responseFormat(ResponseFormat.jsonObject()),
            "response_format json_object"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>) b -> b.addTool(Tool.webSearch()),
            "built-in tool $web_search"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.addMessage(Message.user(List.of(ContentPart.imageFile("file-1")))),
            "uploaded file (ms://)"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.addMessage(
                        Message.user(
                            List.of(
                                ContentPart.video(
                                    new byte[] {
                                      0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'
                                    },
                                    "video/mp4")))),
            "video content"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.addMessage(
                            Message.assistant(
                                null, null, List.of(ToolCall.function("c1", "add", "{\"a\":"))))
                        .addMessage(Message.tool("c1", "add", "x")),
            "not valid JSON"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.reasoningEffort("high")
                        .extraBody("output_config", JsonObject.of("effort", JsonString.of("low"))),
            "an effort and an extra body field output_config"),
        Arguments.of(
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.addMessage(Message.tools(Tool.function("get_time", null, null))),
            "tools declared in a system message"));
  }

  @ParameterizedTest(name = "refuses {1}")
  @MethodSource("refusals")
  void refusesWhatDroppingWouldChange(UnaryOperator<ChatRequest.Builder> b, String what) {
    ChatRequest r = b.apply(base()).build();
    assertThatThrownBy(() -> ((MessagesWire) MessagesWire.INSTANCE).check(r))
        .isInstanceOf(UnsupportedRequestException.class)
        .hasMessageContaining(what);
    assertThatThrownBy(() -> MessagesWire.INSTANCE.encode(r))
        .isInstanceOf(UnsupportedRequestException.class);
  }

  // ------------------------------------------------------------------ messages

  @Test
  void systemMessagesBecomeTheTopLevelSystemInOrder() {
    String body =
        encode(
            ChatRequest.builder(MODEL)
                .addSystem("Be brief.")
                .addUser("hi")
                .addSystem("Answer in French.")
                .build());
    assertThat(body)
        .contains("\"system\":\"Be brief.\\n\\nAnswer in French.\"")
        .contains("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]");
  }

  @Test
  void toolCallsAndResultsBecomeBlocksAndConsecutiveResultsShareOneUserTurn() {
    ChatRequest r =
        ChatRequest.builder(MODEL)
            .addUser("add twice")
            .addMessage(
                new AssistantMessage(
                    "Calling.",
                    "I will add.",
                    List.of(
                        ToolCall.function("c1", "add", "{\"a\":1}"),
                        ToolCall.function("c2", "add", "")),
                    null,
                    false,
                    "sig-1"))
            .addMessage(Message.tool("c1", "add", "1"))
            .addMessage(Message.tool("c2", "add", "2"))
            .addUser("thanks")
            .build();
    JsonObject body = Json.parse(encode(r)).asObject();
    assertThat(Json.write(body.get("messages")))
        .isEqualTo(
            "[{\"role\":\"user\",\"content\":\"add twice\"},"
                + "{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"I will add.\",\"signature\":\"sig-1\"},"
                + "{\"type\":\"text\",\"text\":\"Calling.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"c1\",\"name\":\"add\",\"input\":{\"a\":1}},"
                + "{\"type\":\"tool_use\",\"id\":\"c2\",\"name\":\"add\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"c1\",\"content\":\"1\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"c2\",\"content\":\"2\"},"
                + "{\"type\":\"text\",\"text\":\"thanks\"}]}]");
  }

  @Test
  void emptyReasoningIsSentAsAThinkingBlockWithoutSignature() {
    ChatRequest r =
        base()
            .addMessage(Message.assistant(null, "", List.of(ToolCall.function("c1", "add", "{}"))))
            .addMessage(Message.tool("c1", "add", "0"))
            .build();
    assertThat(encode(r))
        .contains("{\"type\":\"thinking\",\"thinking\":\"\"},{\"type\":\"tool_use\"");
  }

  @Test
  void imagesBecomeBase64Blocks() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
    ChatRequest r =
        ChatRequest.builder(MODEL)
            .addMessage(
                Message.user(List.of(ContentPart.text("what is it?"), ContentPart.image(png))))
            .build();
    assertThat(encode(r))
        .contains(
            "[{\"type\":\"text\",\"text\":\"what is it?\"},{\"type\":\"image\",\"source\":"
                + "{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgoAAAAA\"}}]");
  }

  @Test
  void aPartialAssistantMessageIsThePrefill() {
    ChatRequest r = base().addMessage(Message.partial("Once upon")).build();
    assertThat(encode(r))
        .endsWith(
            "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Once upon\"}]}]}")
        .doesNotContain("partial");
  }

  // ------------------------------------------------------------------ replies

  @Test
  void decodesAMessageWithThinkingTextAndToolUse() {
    String json =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"kimi-k2.6\","
            + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Hm.\",\"signature\":\"s1\"},"
            + "{\"type\":\"text\",\"text\":\"Let me \"},{\"type\":\"text\",\"text\":\"add.\"},"
            + "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"add\",\"input\":{\"a\":1,\"b\":2}},"
            + "{\"type\":\"redacted_thinking\",\"data\":\"xx\"}],"
            + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":30,"
            + "\"cache_creation_input_tokens\":2,\"output_tokens\":7},\"future_field\":1}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ChatCompletion c = MessagesWire.INSTANCE.decode(b);
    assertThat(c.id()).isEqualTo("msg_1");
    assertThat(c.model()).isEqualTo("kimi-k2.6");
    assertThat(c.text()).isEqualTo("Let me add.");
    assertThat(c.reasoning()).isEqualTo("Hm.");
    assertThat(c.message().reasoningSignature()).isEqualTo("s1");
    assertThat(c.toolCalls()).containsExactly(ToolCall.function("t1", "add", "{\"a\":1,\"b\":2}"));
    assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    // prompt: input + cache reads + cache writes; the writes are their own count too
    assertThat(c.usage()).isEqualTo(new Usage(42, 7, 49, 30, null, null, 2));
  }

  @ParameterizedTest
  @CsvSource({
    "end_turn, stop",
    "stop_sequence, stop",
    "max_tokens, length",
    "tool_use, tool_calls",
    "refusal, content_filter",
    "pause_turn, pause_turn"
  })
  void mapsStopReasons(String stopReason, String finish) {
    assertThat(MessagesWire.finishReason(stopReason)).isEqualTo(FinishReason.of(finish));
  }
}
