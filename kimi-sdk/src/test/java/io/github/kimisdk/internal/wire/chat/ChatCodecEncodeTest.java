package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Histories;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
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
import org.junit.jupiter.params.provider.MethodSource;

class ChatCodecEncodeTest {

  private static final String HEAD =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  private static String encode(ChatRequest r) {
    return new String(ChatCodec.encodeRequest(r), StandardCharsets.UTF_8);
  }

  private static Arguments field(
      String name, UnaryOperator<ChatRequest.Builder> change, String expectedTail) {
    return Arguments.of(name, change, expectedTail);
  }

  /** Each case changes {@code model "m" + user "hi"} and gives what follows the messages. */
  static Stream<Arguments> requestFields() {
    JsonObject schema =
        JsonObject.of(
            "type", JsonString.of("object"),
            "properties", JsonObject.of("city", JsonObject.of("type", JsonString.of("string"))));
    return Stream.of(
        field("nothingOptional", b -> b, "}"),
        field(
            "maxCompletionTokensNeverMaxTokens",
            b -> b.maxCompletionTokens(1024),
            ",\"max_completion_tokens\":1024}"),
        field("temperature", b -> b.temperature(0.6), ",\"temperature\":0.6}"),
        field(
            "logprobs",
            b -> b.logprobs(true).topLogprobs(2),
            ",\"logprobs\":true,\"top_logprobs\":2}"),
        field(
            "predictionAsText",
            b -> b.prediction(Prediction.of("int x = 1;")),
            ",\"prediction\":{\"type\":\"content\",\"content\":\"int x = 1;\"}}"),
        field(
            "predictionAsParts",
            b -> b.prediction(Prediction.parts(List.of("a", "b"))),
            ",\"prediction\":{\"type\":\"content\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                + "{\"type\":\"text\",\"text\":\"b\"}]}}"),
        field("topP", b -> b.topP(0.95), ",\"top_p\":0.95}"),
        field("n", b -> b.n(2), ",\"n\":2}"),
        field(
            "penalties",
            b -> b.presencePenalty(0.5).frequencyPenalty(-1.0),
            ",\"presence_penalty\":0.5,\"frequency_penalty\":-1.0}"),
        field("stopAsArray", b -> b.stop("END", "\n\n"), ",\"stop\":[\"END\",\"\\n\\n\"]}"),
        field("streamFalseIsOmitted", b -> b.stream(false).includeUsage(true), "}"),
        field("stream", b -> b.stream(true), ",\"stream\":true}"),
        field(
            "streamWithUsage",
            b -> b.stream(true).includeUsage(true),
            ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
        field(
            "responseFormatText",
            b -> b.responseFormat(ResponseFormat.text()),
            ",\"response_format\":{\"type\":\"text\"}}"),
        field(
            "responseFormatJsonObject",
            b -> b.responseFormat(ResponseFormat.jsonObject()),
            ",\"response_format\":{\"type\":\"json_object\"}}"),
        field(
            "responseFormatJsonSchema",
            b -> b.responseFormat(ResponseFormat.jsonSchema("weather", schema, true)),
            ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\","
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},"
                + "\"strict\":true}}}"),
        field(
            "responseFormatJsonSchemaDefaultStrict",
            b -> b.responseFormat(ResponseFormat.jsonSchema("s", JsonObject.of())),
            ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\","
                + "\"schema\":{}}}}"),
        field(
            "functionTool",
            b -> b.addTool(Tool.function("get_weather", "Weather now", schema).withStrict(true)),
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Weather now\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}}]}"),
        field(
            "functionToolWithoutOptionalFields",
            b -> b.addTool(Tool.function("ping", null, null)),
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}]}"),
        field(
            "webSearchIsBuiltinFunction",
            b -> b.addTool(Tool.webSearch()),
            ",\"tools\":[{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}]}"),
        field("toolChoiceAuto", b -> b.toolChoice(ToolChoice.auto()), ",\"tool_choice\":\"auto\"}"),
        field("toolChoiceNone", b -> b.toolChoice(ToolChoice.none()), ",\"tool_choice\":\"none\"}"),
        field(
            "toolChoiceRequired",
            b -> b.addTool(Tool.webSearch()).toolChoice(ToolChoice.required()),
            ",\"tools\":[{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}],"
                + "\"tool_choice\":\"required\"}"),
        field(
            "toolChoiceFunction",
            b ->
                b.addTool(Tool.function("ping", null, null))
                    .toolChoice(ToolChoice.function("ping")),
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}}"),
        field(
            "thinkingEnabled",
            b -> b.thinking(Thinking.enabled()),
            ",\"thinking\":{\"type\":\"enabled\"}}"),
        field(
            "thinkingDisabled",
            b -> b.thinking(Thinking.disabled()),
            ",\"thinking\":{\"type\":\"disabled\"}}"),
        field(
            "thinkingPreserved",
            b -> b.thinking(Thinking.preserved()),
            ",\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"}}"),
        field(
            "thinkingEffortInsideThinkingNeverABudget",
            b -> b.thinking(Thinking.enabled().withEffort("high")),
            ",\"thinking\":{\"type\":\"enabled\",\"effort\":\"high\"}}"),
        field(
            "preservedThinkingWithEffort",
            b -> b.thinking(Thinking.preserved().withEffort("max")),
            ",\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\",\"effort\":\"max\"}}"),
        field(
            "reasoningEffortAtTheTopLevel",
            b -> b.reasoningEffort("low"),
            ",\"reasoning_effort\":\"low\"}"),
        field(
            "promptCacheKeyAndSafetyIdentifier",
            b -> b.promptCacheKey("task-7").safetyIdentifier("u-hash"),
            ",\"prompt_cache_key\":\"task-7\",\"safety_identifier\":\"u-hash\"}"),
        field(
            "extraBodyMergedLastInOrder",
            b ->
                b.extraBody("user_tag", JsonString.of("high"))
                    .extraBody("seed", JsonNumber.of(42))
                    .extraBody("parallel_tool_calls", JsonBoolean.of(false))
                    .extraBody("meta", JsonObject.of("a", JsonArray.of(JsonNull.INSTANCE)))
                    .maxCompletionTokens(5),
            ",\"max_completion_tokens\":5,\"user_tag\":\"high\",\"seed\":42,"
                + "\"parallel_tool_calls\":false,\"meta\":{\"a\":[null]}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestFields")
  void encodesRequestField(
      String name, UnaryOperator<ChatRequest.Builder> change, String expectedTail) {
    ChatRequest r = change.apply(ChatRequest.builder("m").addUser("hi")).build();
    assertThat(encode(r)).isEqualTo(HEAD + expectedTail);
  }

  private static Arguments message(String name, Message m, String expected) {
    return Arguments.of(name, m, expected);
  }

  static Stream<Arguments> messages() {
    ToolCall call = ToolCall.function("get_weather_0", "get_weather", "{\"city\": \"Paris\"}");
    return Stream.of(
        message(
            "system",
            Message.system("Be terse."),
            "{\"role\":\"system\",\"content\":\"Be terse.\"}"),
        message(
            "systemWithName",
            new SystemMessage("s", "rules"),
            "{\"role\":\"system\",\"content\":\"s\",\"name\":\"rules\"}"),
        message(
            "systemDeclaringToolsHasEmptyContent",
            Message.tools(Tool.function("get_time", "The time", null)),
            "{\"role\":\"system\",\"content\":\"\",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_time\",\"description\":\"The time\"}}]}"),
        message(
            "userSingleTextIsPlainString",
            Message.user("hi"),
            "{\"role\":\"user\",\"content\":\"hi\"}"),
        message(
            "userWithName",
            new UserMessage(List.of(ContentPart.text("hi")), "ann"),
            "{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ann\"}"),
        message(
            "userPartsAsArray",
            Message.user(
                "Describe",
                ContentPart.imageUrl("data:image/png;base64,AAAA"),
                ContentPart.videoFile("file-9")),
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
                + "{\"type\":\"video_url\",\"video_url\":{\"url\":\"ms://file-9\"}}]}"),
        message(
            "userSingleImageIsArray",
            Message.user(List.of(ContentPart.imageFile("f"))),
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ms://f\"}}]}"),
        message(
            "assistantText",
            Message.assistant("Hello"),
            "{\"role\":\"assistant\",\"content\":\"Hello\"}"),
        message(
            "assistantToolCallWithoutContentSendsEmptyContent",
            Message.assistant(null, "Need weather.", List.of(call)),
            "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"Need weather.\",\"tool_calls\":"
                + "[{\"id\":\"get_weather_0\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}"),
        message(
            "assistantEmptyContentIsSentBesideToolCallsAndEmptyReasoningEchoed",
            new AssistantMessage("", "", List.of(call), null, false),
            "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"\",\"tool_calls\":"
                + "[{\"id\":\"get_weather_0\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}"),
        message(
            "assistantToolCallWithoutIdOrName",
            Message.assistant(null, null, List.of(new ToolCall(null, null, null, null))),
            "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"type\":\"function\","
                + "\"function\":{\"arguments\":\"\"}}]}"),
        message(
            "assistantEmptyContentWithoutToolCallsIsOmitted",
            new AssistantMessage("", "", List.of(), null, false),
            "{\"role\":\"assistant\",\"reasoning_content\":\"\"}"),
        message(
            "partialWithName",
            Message.partial("Once upon", "Narrator"),
            "{\"role\":\"assistant\",\"content\":\"Once upon\",\"name\":\"Narrator\","
                + "\"partial\":true}"),
        message(
            "toolCarriesName",
            Message.tool(call, "{\"temp\":21}"),
            "{\"role\":\"tool\",\"tool_call_id\":\"get_weather_0\",\"name\":\"get_weather\","
                + "\"content\":\"{\\\"temp\\\":21}\"}"),
        message(
            "unicodeAndControlCharactersAreEscapedOrKept",
            Message.user("caf\u00e9 \u4f60\u597d \"q\" \\ \t\u0001"),
            "{\"role\":\"user\",\"content\":\"caf\u00e9 \u4f60\u597d \\\"q\\\" \\\\ \\t\\u0001\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void encodesMessage(String name, Message m, String expected) {
    ChatRequest r = ChatRequest.builder("m").addMessage(m).build();
    String prefix = "{\"model\":\"m\",\"messages\":[";
    assertThat(encode(r)).isEqualTo(prefix + expected + "]}");
  }

  @Test
  void encodedBodyIsValidJsonAndKeepsMessageOrder() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addSystem("s")
            .addUser("u")
            .addMessage(Message.assistant("a"))
            .addUser("u2")
            .build();
    JsonObject body = (JsonObject) Json.parse(encode(r));
    assertThat(((JsonArray) body.get("messages")).values())
        .extracting(v -> ((JsonString) ((JsonObject) v).get("role")).value())
        .containsExactly("system", "user", "assistant", "user");
    assertThat(body.get("max_tokens")).isNull();
  }

  @Test
  void requestFieldNamesAreKnown() {
    assertThat(ChatCodec.isRequestField("stream_options")).isTrue();
    assertThat(ChatCodec.isRequestField("reasoning_effort")).isTrue();
    assertThat(ChatCodec.isRequestField("seed")).isFalse();
  }

  // ------------------------------------------------------------ imported histories

  private static List<String> sentReasoning(ChatRequest r) {
    JsonObject body = (JsonObject) Json.parse(encode(r));
    return ((JsonArray) body.get("messages"))
        .values().stream()
            .map(v -> (JsonObject) v)
            .filter(m -> m.get("role").equals(JsonString.of("assistant")))
            .map(m -> m.get("reasoning_content") instanceof JsonString s ? s.value() : null)
            .toList();
  }

  private static ChatRequest history(String model, Thinking thinking) {
    return Histories.reasoningMix(model, thinking);
  }

  @Test
  void reasoningIsWrittenAsGivenAndNeverFilledIn() {
    // the fill of a thinking model's history is ModelInfo.adapt's, before the codec
    assertThat(sentReasoning(history("kimi-k3", null)))
        .containsExactly(null, null, "", "I call ping.");
    assertThat(sentReasoning(history("kimi-k2.6", Thinking.preserved())))
        .containsExactly(null, null, "", "I call ping.");
    ChatRequest r =
        ChatRequest.builder("kimi-k3").addUser("hi").addMessage(Message.partial("Once")).build();
    assertThat(sentReasoning(r)).containsExactly((String) null);
  }
}
