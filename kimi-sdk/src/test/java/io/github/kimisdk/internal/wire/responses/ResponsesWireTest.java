package io.github.kimisdk.internal.wire.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.UnsupportedRequestException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
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

/**
 * The Responses codec on its own: what each request member becomes on the wire, what is dropped,
 * what is refused and why, and how a reply's items, status and usage map back.
 */
class ResponsesWireTest {

  static final JsonObject SCHEMA =
      Json.parse("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")
          .asObject();

  static String encode(ChatRequest r) {
    return new String(ResponsesWire.INSTANCE.encode(r), StandardCharsets.UTF_8);
  }

  @Test
  void aWholeConversationBecomesStatelessInputItemsInOrder() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3")
            .addSystem("Be brief.")
            .addMessage(
                Message.user("What is this?", ContentPart.imageUrl("data:image/png;base64,AAAA")))
            .addMessage(
                new AssistantMessage(
                    "",
                    "I should look it up.",
                    List.of(
                        ToolCall.function("get_weather:0", "get_weather", "{\"city\":\"Oslo\"}")),
                    null,
                    false,
                    "enc-1"))
            .addMessage(Message.tool("get_weather:0", "get_weather", "12 C"))
            .addMessage(Message.assistant("It is 12 C."))
            .addUser("Thanks")
            .build();

    assertThat(encode(r))
        .isEqualTo(
            "{\"model\":\"kimi-k3\",\"store\":false,\"input\":["
                + "{\"type\":\"message\",\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\"}]},"
                + "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                + "\"text\":\"I should look it up.\"}],\"encrypted_content\":\"enc-1\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"get_weather:0\",\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"get_weather:0\","
                + "\"output\":\"12 C\"},"
                + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"output_text\",\"text\":\"It is 12 C.\"}]},"
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"Thanks\"}]}");
  }

  @Test
  void everyRequestSettingHasItsResponsesName() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Hi")
            .maxCompletionTokens(300)
            .temperature(0.6)
            .topP(0.95)
            .stream(true)
            .includeUsage(true)
            .responseFormat(ResponseFormat.jsonSchema("place", SCHEMA, true))
            .addTool(new FunctionTool("get_weather", "The weather.", SCHEMA, false))
            .toolChoice(ToolChoice.function("get_weather"))
            .thinking(Thinking.preserved().withEffort("high"))
            .promptCacheKey("k1")
            .promptCacheTtl(CacheTtl.FIVE_MINUTES)
            .safetyIdentifier("user-7")
            .extraBody("metadata", JsonObject.of(java.util.Map.of("a", JsonString.of("b"))))
            .build();

    assertThat(encode(r))
        .isEqualTo(
            "{\"model\":\"kimi-k2.6\",\"store\":false,\"input\":["
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_output_tokens\":300,\"temperature\":0.6,\"top_p\":0.95,\"stream\":true,"
                + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"place\",\"schema\":"
                + Json.write(SCHEMA)
                + ",\"strict\":true}},"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
                + "\"description\":\"The weather.\",\"parameters\":"
                + Json.write(SCHEMA)
                + ",\"strict\":false}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"get_weather\"},"
                + "\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"},"
                + "\"reasoning\":{\"effort\":\"high\",\"summary\":\"auto\"},"
                + "\"prompt_cache_key\":\"k1\",\"safety_identifier\":\"user-7\","
                + "\"metadata\":{\"a\":\"b\"}}");
  }

  static Stream<Arguments> choices() {
    return Stream.of(
        Arguments.of(ToolChoice.auto(), "\"auto\""),
        Arguments.of(ToolChoice.none(), "\"none\""),
        Arguments.of(ToolChoice.required(), "\"required\""),
        Arguments.of(
            ToolChoice.function("get_weather"),
            "{\"type\":\"function\",\"name\":\"get_weather\"}"));
  }

  @ParameterizedTest
  @MethodSource("choices")
  void toolChoices(ToolChoice choice, String wire) {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Hi")
            .addTool(new FunctionTool("get_weather", null, null, null))
            .toolChoice(choice)
            .build();
    assertThat(encode(r))
        .contains("\"tool_choice\":" + wire + "}")
        .doesNotContain("\"function\":{");
  }

  @Test
  void aJsonObjectFormatAndAPlainEffort() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3")
            .addUser("Hi")
            .responseFormat(ResponseFormat.jsonObject())
            .reasoningEffort("max")
            .thinking(Thinking.disabled())
            .build();
    assertThat(encode(r))
        .contains("\"text\":{\"format\":{\"type\":\"json_object\"}}")
        .contains("\"thinking\":{\"type\":\"disabled\"}")
        .contains("\"reasoning\":{\"effort\":\"max\",\"summary\":\"auto\"}");
  }

  @Test
  void whatChangesNothingIsLeftOut() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3")
            .addUser("Hi")
            .n(1)
            .presencePenalty(0.0)
            .frequencyPenalty(0.0)
            .promptCacheTtl(CacheTtl.FIVE_MINUTES)
            .responseFormat(ResponseFormat.text())
            .stream(true)
            .includeUsage(true)
            .build();
    assertThat(encode(r))
        .isEqualTo(
            "{\"model\":\"kimi-k3\",\"store\":false,\"input\":[{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}");
  }

  @Test
  void kimisWebSearchIsTheResponsesWebSearchTool() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addUser("What happened today?")
            .addTool(Tool.function("get_time", "The time", null))
            .addTool(Tool.webSearch())
            .build();
    assertThat(encode(r))
        .contains(
            "\"tools\":[{\"type\":\"function\",\"name\":\"get_time\",\"description\":\"The time\"},"
                + "{\"type\":\"web_search\"}]");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("n = 2", (UnaryOperator<ChatRequest.Builder>) b -> b.n(2)),
        Arguments.of(
            "presence_penalty", (UnaryOperator<ChatRequest.Builder>) b -> b.presencePenalty(0.5)),
        Arguments.of(
            "frequency_penalty", (UnaryOperator<ChatRequest.Builder>) b -> b.frequencyPenalty(0.5)),
        Arguments.of("stop sequences", (UnaryOperator<ChatRequest.Builder>) b -> b.stop("END")),
        Arguments.of("logprobs", (UnaryOperator<ChatRequest.Builder>) b -> b.logprobs(true)),
        Arguments.of(
            "prediction",
            (UnaryOperator<ChatRequest.Builder>) b -> b.prediction(Prediction.of("x"))),
        Arguments.of(
            "CacheTtl.ONE_HOUR",
            (UnaryOperator<ChatRequest.Builder>) b -> b.promptCacheTtl(CacheTtl.ONE_HOUR)),
        Arguments.of(
            "the built-in tool $code_runner",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.addTool(Tool.webSearch()).addTool(new BuiltinTool("$code_runner"))),
        Arguments.of(
            "the extra body field defer_loading",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.extraBody("defer_loading", JsonBoolean.TRUE)),
        Arguments.of(
            "the extra body field search_context_size",
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.addTool(Tool.webSearch())
                        .extraBody("search_context_size", JsonString.of("low"))),
        Arguments.of(
            "the extra body field blocked_domains",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.extraBody("blocked_domains", JsonArray.of(List.of(JsonString.of("x.com"))))),
        Arguments.of(
            "the extra body field prompt_cache_breakpoint",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.extraBody("prompt_cache_breakpoint", JsonBoolean.TRUE)),
        Arguments.of(
            "tools declared in a system message",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.addMessage(Message.tools(new FunctionTool("get_time", null, null, null)))),
        Arguments.of(
            "video content",
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.addMessage(
                        Message.user("see", ContentPart.videoUrl("data:video/mp4;base64,AA")))),
        Arguments.of(
            "ms://",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.addMessage(Message.user("see", ContentPart.imageFile("file-1")))),
        Arguments.of(
            "a partial assistant message",
            (UnaryOperator<ChatRequest.Builder>) b -> b.addMessage(Message.partial("Once"))),
        Arguments.of(
            "an assistant message with no content",
            (UnaryOperator<ChatRequest.Builder>)
                b ->
                    b.addMessage(new AssistantMessage("", null, List.of(), null, false))
                        .addUser("Hi")),
        Arguments.of(
            "extra body field reasoning",
            (UnaryOperator<ChatRequest.Builder>)
                b -> b.reasoningEffort("low").extraBody("reasoning", JsonObject.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void whatWouldChangeTheAnswerIsRefusedByName(String what, UnaryOperator<ChatRequest.Builder> f) {
    ChatRequest r = f.apply(ChatRequest.builder("kimi-k2.6").addUser("Hi")).build();
    assertThatThrownBy(() -> ResponsesWire.INSTANCE.encode(r))
        .isInstanceOf(UnsupportedRequestException.class)
        .hasMessageContaining(what)
        .hasMessageContaining("Kimi's Responses protocol cannot express");
  }

  static final String RESPONSE =
      "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1764000000,"
          + "\"status\":\"completed\",\"model\":\"kimi-k3\",\"error\":null,"
          + "\"incomplete_details\":null,\"output\":["
          + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\","
          + "\"text\":\"First.\"},{\"type\":\"summary_text\",\"text\":\"Second.\"}],"
          + "\"encrypted_content\":\"enc-9\"},"
          + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\","
          + "\"content\":[{\"type\":\"output_text\",\"text\":\"Let me \",\"annotations\":[]},"
          + "{\"type\":\"output_text\",\"text\":\"check.\",\"annotations\":[]}]},"
          + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"get_weather:0\","
          + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\","
          + "\"status\":\"completed\"},"
          + "{\"type\":\"web_search_call\",\"id\":\"ws_1\"}],"
          + "\"usage\":{\"input_tokens\":120,\"input_tokens_details\":{\"cached_tokens\":100},"
          + "\"output_tokens\":40,\"output_tokens_details\":{\"reasoning_tokens\":12},"
          + "\"total_tokens\":160}}";

  @Test
  void aWholeReplyMapsOntoOneChoice() {
    byte[] b = RESPONSE.getBytes(StandardCharsets.UTF_8);
    ChatCompletion c = ResponsesWire.INSTANCE.decode(b);

    assertThat(c.id()).isEqualTo("resp_1");
    assertThat(c.model()).isEqualTo("kimi-k3");
    assertThat(c.created()).isEqualTo(1764000000L);
    assertThat(c.choices()).hasSize(1);
    AssistantMessage m = c.choices().get(0).message();
    assertThat(m.content()).isEqualTo("Let me check.");
    assertThat(m.reasoningContent()).isEqualTo("First.\n\nSecond.");
    assertThat(m.reasoningSignature()).isEqualTo("enc-9");
    assertThat(m.toolCalls())
        .containsExactly(ToolCall.function("get_weather:0", "get_weather", "{\"city\":\"Oslo\"}"));
    assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(c.usage()).isEqualTo(new Usage(120, 40, 160, 100, 12, null, null));
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of("\"status\":\"completed\"", FinishReason.STOP),
        Arguments.of(
            "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}",
            FinishReason.LENGTH),
        Arguments.of(
            "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"content_filter\"}",
            FinishReason.CONTENT_FILTER),
        Arguments.of(
            "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"time_limit\"}",
            FinishReason.of("time_limit")),
        // unexplained: read as cut by length, as most clients read it
        Arguments.of("\"status\":\"incomplete\"", FinishReason.LENGTH),
        Arguments.of("\"status\":\"incomplete\",\"incomplete_details\":null", FinishReason.LENGTH),
        Arguments.of("\"status\":\"incomplete\",\"incomplete_details\":{}", FinishReason.LENGTH),
        Arguments.of("\"status\":\"queued\"", FinishReason.of("queued")),
        Arguments.of("\"model\":\"kimi-k3\"", null));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void statusesMapOntoFinishReasons(String members, FinishReason expected) {
    String body =
        "{\"id\":\"resp_2\","
            + members
            + ",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Hi\"}]}]}";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    assertThat(ResponsesWire.INSTANCE.decode(b).choices().get(0).finishReason())
        .isEqualTo(expected);
  }

  static Stream<Arguments> usages() {
    return Stream.of(
        Arguments.of(
            "{\"input_tokens\":10,\"output_tokens\":5}",
            new Usage(10, 5, 15, null, null, null, null)),
        Arguments.of(
            "{\"input_tokens\":300,\"output_tokens\":5,\"total_tokens\":305,"
                + "\"input_tokens_details\":{\"cached_tokens\":256}}",
            new Usage(300, 5, 305, 256, null, null, null)),
        Arguments.of(
            "{\"input_tokens\":300,\"output_tokens\":5,\"cached_tokens\":256}",
            new Usage(300, 5, 305, 256, null, null, null)),
        Arguments.of(
            "{\"input_tokens\":300,\"output_tokens\":5,"
                + "\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":290},"
                + "\"cache_creation_input_tokens\":290}",
            new Usage(300, 5, 305, 0, null, null, 290)),
        Arguments.of(
            "{\"input_tokens\":300,\"output_tokens\":5,\"cache_creation_input_tokens\":280}",
            new Usage(300, 5, 305, null, null, null, 280)),
        Arguments.of(
            "{\"input_tokens\":3,\"output_tokens\":6001,\"total_tokens\":6004,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":6002},\"surcharge\":1}",
            new Usage(
                3, 6001, 6004, null, 6002, Json.parse("{\"surcharge\":1}").asObject(), null)));
  }

  @ParameterizedTest
  @MethodSource("usages")
  void usageIsReadFromEverySpellingAndNeverCountedTwice(String usage, Usage expected) {
    assertThat(ResponsesWire.usage(Json.parse(usage).asObject())).isEqualTo(expected);
  }

  @Test
  void aBodyWithoutOutputIsNotAResponse() {
    byte[] b = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ResponsesWire.INSTANCE.decode(b))
        .hasMessageContaining("no output array");
  }
}
