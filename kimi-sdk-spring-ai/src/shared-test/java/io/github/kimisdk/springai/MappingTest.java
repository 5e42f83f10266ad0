package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeType;

/** Spring AI's messages and options as the SDK's request, and the SDK's replies as responses. */
class MappingTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};

  private static ChatRequest request(List<org.springframework.ai.chat.messages.Message> messages) {
    return Requests.toKimi(messages, KimiChatOptions.builder().model("kimi-k3").build(), false);
  }

  private static ChatRequest request(KimiChatOptions options) {
    return Requests.toKimi(List.of(new UserMessage("hi")), options, false);
  }

  @Test
  void everyRoleMapsInOrderAndToolResponsesBecomeOneMessageEach() {
    AssistantMessage calls =
        AssistantMessage.builder()
            .content("")
            .toolCalls(
                List.of(
                    new AssistantMessage.ToolCall("c1", "function", "weather", "{\"city\":\"A\"}"),
                    new AssistantMessage.ToolCall("c2", "function", "weather", "{\"city\":\"B\"}")))
            .properties(
                Map.of(
                    KimiChatModel.REASONING_CONTENT, "two cities",
                    KimiChatModel.REASONING_SIGNATURE, "sig"))
            .build();
    ToolResponseMessage results =
        ToolResponseMessage.builder()
            .responses(
                List.of(
                    new ToolResponseMessage.ToolResponse("c1", "weather", "rain"),
                    new ToolResponseMessage.ToolResponse("c2", "weather", "sun")))
            .build();

    List<Message> sent =
        request(List.of(new SystemMessage("Be brief"), new UserMessage("Weather?"), calls, results))
            .messages();

    assertThat(sent)
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant", "tool", "tool");
    var assistant = (io.github.kimisdk.chat.AssistantMessage) sent.get(2);
    assertThat(assistant.reasoningContent()).isEqualTo("two cities");
    assertThat(assistant.reasoningSignature()).isEqualTo("sig");
    assertThat(assistant.toolCalls())
        .containsExactly(
            ToolCall.function("c1", "weather", "{\"city\":\"A\"}"),
            ToolCall.function("c2", "weather", "{\"city\":\"B\"}"));
    assertThat(sent.subList(3, 5))
        .containsExactly(
            new ToolMessage("c1", "weather", "rain"), new ToolMessage("c2", "weather", "sun"));
  }

  @Test
  void anEmptySystemMessageIsLeftOutAndABlankOneIsKept() {
    List<Message> sent =
        request(
                List.of(
                    new SystemMessage(""),
                    new UserMessage("Weather?"),
                    new SystemMessage(" "),
                    new UserMessage("In Paris")))
            .messages();

    assertThat(sent)
        .containsExactly(Message.user("Weather?"), Message.system(" "), Message.user("In Paris"));
  }

  /**
   * An assistant message as Spring AI 2's OpenAI module builds it from a reply (OpenAiChatModel's
   * metadata: id, role, index, finish reason, refusal, annotations and the reasoning under {@code
   * reasoningContent}, {@code ""} when the model did not reason), as a memory advisor keeps it.
   */
  static AssistantMessage asSpringAisOpenAiModuleBuildsIt(String reasoning, ToolCall call) {
    Map<String, Object> metadata = new java.util.LinkedHashMap<>();
    metadata.put("id", "chatcmpl-openai-1");
    metadata.put("role", "assistant");
    metadata.put("index", 0);
    metadata.put("finishReason", "tool_calls");
    metadata.put("refusal", "");
    metadata.put("annotations", List.of(Map.of()));
    metadata.put("reasoningContent", reasoning);
    return AssistantMessage.builder()
        .content("")
        .properties(metadata)
        .toolCalls(
            List.of(
                new AssistantMessage.ToolCall(
                    call.id(), "function", call.name(), call.arguments())))
        .build();
  }

  @Test
  void theReasoningOfAnAssistantMessageBuiltBySpringAisOpenAiModuleIsSentBack() {
    AssistantMessage fromOpenAiModule =
        asSpringAisOpenAiModuleBuildsIt(
            "K3 reasoned through the OpenAI module",
            ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}"));

    var sent =
        (io.github.kimisdk.chat.AssistantMessage)
            request(List.of(new UserMessage("Weather?"), fromOpenAiModule)).messages().get(1);

    assertThat(sent.reasoningContent()).isEqualTo("K3 reasoned through the OpenAI module");
    assertThat(sent.toolCalls())
        .containsExactly(ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void anEmptyReasoningAsSpringAisOpenAiModuleWritesItCountsAsNone() {
    AssistantMessage fromOpenAiModule =
        asSpringAisOpenAiModuleBuildsIt(
            "", ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}"));

    var sent =
        (io.github.kimisdk.chat.AssistantMessage)
            request(List.of(new UserMessage("Weather?"), fromOpenAiModule)).messages().get(1);

    assertThat(sent.reasoningContent()).isNull(); // the SDK fills in what Kimi accepts
  }

  @Test
  void theReasoningIsWrittenUnderTheKeySpringAisOpenAiModuleReads() {
    assertThat(KimiChatModel.REASONING_CONTENT).isEqualTo("reasoningContent");
  }

  @Test
  void anAssistantMessageFromElsewhereHasNoReasoning() {
    var sent =
        (io.github.kimisdk.chat.AssistantMessage)
            request(List.of(new UserMessage("a"), new AssistantMessage("b"), new UserMessage("c")))
                .messages()
                .get(1);

    assertThat(sent.content()).isEqualTo("b");
    assertThat(sent.reasoningContent()).isNull(); // the SDK fills in what Kimi accepts
  }

  @Test
  void imageBytesBecomeADataUrlBesideTheText() {
    UserMessage user =
        UserMessage.builder()
            .text("What is this?")
            .media(new Media(MimeType.valueOf("image/png"), new ByteArrayResource(PNG)))
            .build();

    Message sent = request(List.of(user)).messages().get(0);

    assertThat(sent)
        .isEqualTo(
            Message.user(List.of(ContentPart.text("What is this?"), ContentPart.image(PNG))));
  }

  @Test
  void aKimiFileReferenceIsSentAsItIs() {
    UserMessage user =
        UserMessage.builder()
            .text("Describe")
            .media(
                new Media(MimeType.valueOf("video/mp4"), URI.create("ms://file-abc")),
                new Media(MimeType.valueOf("image/png"), URI.create("ms://file-def")))
            .build();

    assertThat(request(List.of(user)).messages().get(0))
        .isEqualTo(
            Message.user(
                List.of(
                    ContentPart.text("Describe"),
                    ContentPart.videoFile("file-abc"),
                    ContentPart.imageFile("file-def"))));
  }

  @Test
  void anImageByHttpUrlIsRefusedBecauseKimiDoesNotFetchIt() {
    UserMessage user =
        UserMessage.builder()
            .text("What is this?")
            .media(
                new Media(MimeType.valueOf("image/png"), URI.create("https://example.com/a.png")))
            .build();

    assertThatThrownBy(() -> request(List.of(user)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http");
  }

  @Test
  void audioIsRefused() {
    UserMessage user =
        UserMessage.builder()
            .text("Listen")
            .media(new Media(MimeType.valueOf("audio/mpeg"), new ByteArrayResource(PNG)))
            .build();

    assertThatThrownBy(() -> request(List.of(user)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kimi does not support audio/mpeg media: only images and video");
  }

  @Test
  void optionsBecomeTheRequestsFields() {
    ChatRequest r =
        request(
            KimiChatOptions.builder()
                .model("kimi-k2.6")
                .temperature(0.6)
                .topP(0.9)
                .frequencyPenalty(0.1)
                .presencePenalty(0.2)
                .maxTokens(321)
                .stopSequences(List.of("END"))
                .thinking(Thinking.disabled())
                .reasoningEffort("low")
                .promptCacheKey("key")
                .promptCacheTtl(CacheTtl.ONE_HOUR)
                .responseFormat(ResponseFormat.jsonObject())
                .toolChoice(ToolChoice.none())
                .safetyIdentifier("user-4f1c")
                .logprobs(true)
                .topLogprobs(2)
                .prediction(Prediction.of("the file as it was"))
                .extraBody(Map.of("seed", 42))
                .build());

    assertThat(r.model()).isEqualTo("kimi-k2.6");
    assertThat(r.temperature()).isEqualTo(0.6);
    assertThat(r.topP()).isEqualTo(0.9);
    assertThat(r.frequencyPenalty()).isEqualTo(0.1);
    assertThat(r.presencePenalty()).isEqualTo(0.2);
    assertThat(r.maxCompletionTokens()).isEqualTo(321);
    assertThat(r.stop()).containsExactly("END");
    assertThat(r.thinking()).isEqualTo(Thinking.disabled());
    assertThat(r.reasoningEffort()).isEqualTo("low");
    assertThat(r.promptCacheKey()).isEqualTo("key");
    assertThat(r.promptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
    assertThat(r.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.none());
    assertThat(r.safetyIdentifier()).isEqualTo("user-4f1c");
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(2);
    assertThat(r.prediction()).isEqualTo(Prediction.of("the file as it was"));
    assertThat(r.extraBody()).containsExactly(Map.entry("seed", Json.parse("42")));
    assertThat(r.stream()).isFalse();
    assertThat(r.includeUsage()).isFalse();
  }

  @Test
  void aStreamAsksForTheTrailingUsageChunk() {
    ChatRequest r =
        Requests.toKimi(
            List.of(new UserMessage("hi")),
            KimiChatOptions.builder().model("kimi-k3").build(),
            true);

    assertThat(r.stream()).isTrue();
    assertThat(r.includeUsage()).isTrue();
  }

  @Test
  void unsetOptionsAreNotSent() {
    ChatRequest r = request(KimiChatOptions.builder().model("kimi-k3").build());

    assertThat(r.temperature()).isNull();
    assertThat(r.topP()).isNull();
    assertThat(r.maxCompletionTokens()).isNull();
    assertThat(r.stop()).isEmpty();
    assertThat(r.tools()).isEmpty();
    assertThat(r.thinking()).isNull();
    assertThat(r.responseFormat()).isNull();
    assertThat(r.toolChoice()).isNull();
    assertThat(r.safetyIdentifier()).isNull();
    assertThat(r.logprobs()).isNull();
    assertThat(r.topLogprobs()).isNull();
    assertThat(r.prediction()).isNull();
    assertThat(r.extraBody()).isEmpty();
  }

  @Test
  void aToolsSchemaIsRewrittenIntoOneKimiAccepts() {
    ToolCallback callback =
        new ToolCallback() {
          @Override
          public ToolDefinition getToolDefinition() {
            return ToolDefinition.builder()
                .name("find_user")
                .description("Finds a user")
                .inputSchema(
                    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                        + "\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\","
                        + "\"format\":\"email\"}},\"required\":[\"email\"]}")
                .build();
          }

          @Override
          public String call(String toolInput) {
            throw new AssertionError("the model never runs tools");
          }
        };

    ChatRequest r =
        request(KimiChatOptions.builder().model("kimi-k3").toolCallbacks(callback).build());

    FunctionTool tool = (FunctionTool) r.tools().get(0);
    assertThat(tool.name()).isEqualTo("find_user");
    assertThat(tool.description()).isEqualTo("Finds a user");
    assertThat(tool.parameters().asObject().has("$schema")).isFalse();
    assertThat(tool.parameters().get("properties").get("email").asObject().has("format")).isFalse();
    assertThat(tool.parameters().get("required").asArray().get(0).asString()).isEqualTo("email");
  }

  @Test
  void everyChoiceIsAGenerationWithItsToolCallsReasoningAndFinishReason() {
    ChatCompletion completion =
        new ChatCompletion(
            "chatcmpl-1",
            "chat.completion",
            7,
            "kimi-k3",
            List.of(
                new Choice(
                    0,
                    new io.github.kimisdk.chat.AssistantMessage(
                        "",
                        "thinking",
                        List.of(ToolCall.function("weather:0", "weather", "{}")),
                        null,
                        false),
                    FinishReason.TOOL_CALLS,
                    null),
                new Choice(1, Message.assistant("text"), FinishReason.of("stop"), null)),
            null,
            null,
            null,
            null);

    ChatResponse response = Responses.toSpring(completion);

    assertThat(response.getResults()).hasSize(2);
    AssistantMessage first = response.getResults().get(0).getOutput();
    assertThat(first.getToolCalls())
        .containsExactly(new AssistantMessage.ToolCall("weather:0", "function", "weather", "{}"));
    assertThat(first.getMetadata()).containsEntry(KimiChatModel.REASONING_CONTENT, "thinking");
    assertThat(response.hasToolCalls()).isTrue();
    assertThat(response.getResults().get(0).getMetadata().getFinishReason())
        .isEqualTo("TOOL_CALLS");
    assertThat(response.getResults().get(1).getOutput().getText()).isEqualTo("text");
    assertThat(response.getResults().get(1).getOutput().getMetadata())
        .doesNotContainKey(KimiChatModel.REASONING_CONTENT);
    assertThat(response.getMetadata().getUsage()).isInstanceOf(EmptyUsage.class);
    assertThat(response.getMetadata().<Long>get("created")).isEqualTo(7L);
  }

  @Test
  void anOutputSchemaIsSentAsAJsonSchemaResponseFormat() {
    KimiChatOptions options =
        KimiChatOptions.builder()
            .outputSchema(
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":"
                    + "\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}")
            .build();

    ResponseFormat format = options.getResponseFormat();
    assertThat(format.type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(format.name()).isEqualTo(KimiChatOptions.OUTPUT_SCHEMA_NAME);
    assertThat(Json.parse(options.getOutputSchema()).asObject().has("$schema")).isFalse();
    assertThat(KimiChatOptions.builder().outputSchema(null).build().getOutputSchema()).isNull();
  }
}
