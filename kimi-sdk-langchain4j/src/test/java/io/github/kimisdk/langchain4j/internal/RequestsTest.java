package io.github.kimisdk.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.VideoContent;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.langchain4j.KimiChatRequestParameters;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LangChain4j's requests and messages as the SDK's, rule by rule. */
class RequestsTest {

  private static final ChatRequestParameters K3 =
      ChatRequestParameters.builder().modelName("kimi-k3").build();

  private static ChatRequest map(ChatRequestParameters p, ChatMessage... messages) {
    return Requests.toKimi(List.of(messages), p, false);
  }

  /** Maps "Capital?" asked of kimi-k3 with a JSON response format of the schema, named Answer. */
  private static ChatRequest capitalAsAnswer(JsonSchemaElement root) {
    ResponseFormat f =
        ResponseFormat.builder()
            .type(ResponseFormatType.JSON)
            .jsonSchema(JsonSchema.builder().name("Answer").rootElement(root).build())
            .build();
    return map(
        ChatRequestParameters.builder().modelName("kimi-k3").responseFormat(f).build(),
        UserMessage.from("Capital?"));
  }

  @Test
  void systemUserAndToolResultMessagesKeepRoleTextAndName() {
    List<Message> m =
        Requests.messages(
            List.of(
                SystemMessage.from("Be brief"),
                UserMessage.from("ann", "Hi"),
                ToolExecutionResultMessage.from("call-1", "getWeather", "sunny")));
    assertThat(m.get(0)).isEqualTo(Message.system("Be brief"));
    assertThat(m.get(1))
        .isEqualTo(new io.github.kimisdk.chat.UserMessage(List.of(ContentPart.text("Hi")), "ann"));
    assertThat(m.get(2)).isEqualTo(new ToolMessage("call-1", "getWeather", "sunny"));
  }

  @Test
  void anAiMessageSendsItsThinkingAsReasoningContentWithItsToolCalls() {
    AiMessage ai =
        AiMessage.builder()
            .text("Let me look.")
            .thinking("The user wants the weather.")
            .toolExecutionRequests(
                List.of(
                    ToolExecutionRequest.builder()
                        .id("getWeather:0")
                        .name("getWeather")
                        .arguments("{\"city\":\"Munich\"}")
                        .build()))
            .attributes(Map.of(Requests.REASONING_SIGNATURE, "sig-1"))
            .build();
    AssistantMessage a = (AssistantMessage) Requests.message(ai);
    assertThat(a.content()).isEqualTo("Let me look.");
    assertThat(a.reasoningContent()).isEqualTo("The user wants the weather.");
    assertThat(a.reasoningSignature()).isEqualTo("sig-1");
    assertThat(a.toolCalls())
        .containsExactly(ToolCall.function("getWeather:0", "getWeather", "{\"city\":\"Munich\"}"));
  }

  @Test
  void anAiMessageWithoutThinkingSendsNone() {
    AssistantMessage a = (AssistantMessage) Requests.message(AiMessage.from("Hello"));
    assertThat(a.reasoningContent()).isNull();
    assertThat(a.toolCalls()).isEmpty();
  }

  @Test
  void imagesAndVideoGoAsDataUrlsOrKimiFiles() {
    UserMessage u =
        UserMessage.from(
            TextContent.from("What is this?"),
            ImageContent.from("aGVsbG8=", "image/png"),
            ImageContent.from("ms://file-123"),
            VideoContent.from("AAAA", "video/mp4"));
    io.github.kimisdk.chat.UserMessage m = (io.github.kimisdk.chat.UserMessage) Requests.message(u);
    assertThat(m.content())
        .containsExactly(
            ContentPart.text("What is this?"),
            new ContentPart.ImagePart("data:image/png;base64,aGVsbG8="),
            new ContentPart.ImagePart("ms://file-123"),
            new ContentPart.VideoPart("data:video/mp4;base64,AAAA"));
  }

  @Test
  void anImageByHttpUrlIsNotSupported() {
    UserMessage u =
        UserMessage.from(TextContent.from("See"), ImageContent.from("https://example.com/cat.jpg"));
    assertThatThrownBy(() -> Requests.message(u))
        .isExactlyInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("image")
        .hasMessageContaining("not support");
  }

  @Test
  void audioIsNotSupported() {
    UserMessage u = UserMessage.from(AudioContent.from("AAAA", "audio/wav"));
    assertThatThrownBy(() -> Requests.message(u))
        .isExactlyInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("AUDIO");
  }

  @Test
  void commonParametersMapToKimisFields() {
    ChatRequest r =
        map(
            ChatRequestParameters.builder()
                .modelName("kimi-k2.6")
                .temperature(0.6)
                .topP(0.95)
                .frequencyPenalty(0.5)
                .presencePenalty(-0.5)
                .maxOutputTokens(64)
                .stopSequences("END")
                .build(),
            UserMessage.from("Hi"));
    assertThat(r.model()).isEqualTo("kimi-k2.6");
    assertThat(r.temperature()).isEqualTo(0.6);
    assertThat(r.topP()).isEqualTo(0.95);
    assertThat(r.frequencyPenalty()).isEqualTo(0.5);
    assertThat(r.presencePenalty()).isEqualTo(-0.5);
    assertThat(r.maxCompletionTokens()).isEqualTo(64);
    assertThat(r.stop()).containsExactly("END");
  }

  @Test
  void topKIsNotSupported() {
    ChatRequestParameters p = ChatRequestParameters.builder().modelName("kimi-k3").topK(5).build();
    assertThatThrownBy(() -> map(p, UserMessage.from("Hi")))
        .isExactlyInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("topK");
  }

  @Test
  void aModelNameIsRequired() {
    assertThatThrownBy(() -> map(ChatRequestParameters.builder().build(), UserMessage.from("Hi")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modelName");
  }

  @Test
  void toolSpecificationsBecomeFunctionToolsWithKimiSchemas() {
    ToolSpecification weather =
        ToolSpecification.builder()
            .name("getWeather")
            .description("The weather of a city")
            .parameters(
                JsonObjectSchema.builder()
                    .addStringProperty("city", "City name")
                    .addEnumProperty("unit", List.of("C", "F"))
                    .required("city")
                    .build())
            .build();
    ToolSpecification time = ToolSpecification.builder().name("get_time").build();
    ChatRequest r =
        map(
            ChatRequestParameters.builder()
                .modelName("kimi-k3")
                .toolSpecifications(weather, time)
                .toolChoice(ToolChoice.REQUIRED)
                .build(),
            UserMessage.from("Weather?"));
    FunctionTool w = (FunctionTool) r.tools().get(0);
    assertThat(w.name()).isEqualTo("getWeather");
    assertThat(w.description()).isEqualTo("The weather of a city");
    assertThat(Json.write(w.parameters()))
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
                + "\"description\":\"City name\"},\"unit\":{\"type\":\"string\","
                + "\"enum\":[\"C\",\"F\"]}},\"required\":[\"city\"]}");
    assertThat(Json.write(((FunctionTool) r.tools().get(1)).parameters()))
        .isEqualTo("{\"type\":\"object\",\"properties\":{}}");
    assertThat(r.toolChoice()).isEqualTo(io.github.kimisdk.tool.ToolChoice.required());
  }

  @Test
  void toolChoicesMapOneToOne() {
    ToolSpecification t = ToolSpecification.builder().name("get_time").build();
    for (ToolChoice c : ToolChoice.values()) {
      ChatRequest r =
          map(
              ChatRequestParameters.builder()
                  .modelName("kimi-k3")
                  .toolSpecifications(t)
                  .toolChoice(c)
                  .build(),
              UserMessage.from("Time?"));
      assertThat(r.toolChoice())
          .as(c.name())
          .isEqualTo(io.github.kimisdk.tool.ToolChoice.Mode.valueOf(c.name()));
    }
  }

  @Test
  void jsonWithoutASchemaIsJsonObjectMode() {
    ChatRequest r =
        map(
            ChatRequestParameters.builder()
                .modelName("kimi-k3")
                .responseFormat(ResponseFormat.JSON)
                .build(),
            UserMessage.from("JSON please"));
    assertThat(r.responseFormat()).isEqualTo(io.github.kimisdk.chat.ResponseFormat.jsonObject());
  }

  @Test
  void jsonWithASchemaIsAJsonSchemaFormatNamedAsGiven() {
    ChatRequest r =
        capitalAsAnswer(
            JsonObjectSchema.builder().addStringProperty("city").required("city").build());
    assertThat(r.responseFormat().type())
        .isEqualTo(io.github.kimisdk.chat.ResponseFormat.Type.JSON_SCHEMA);
    assertThat(r.responseFormat().name()).isEqualTo("Answer");
    assertThat(Json.write(r.responseFormat().schema()))
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"]}");
  }

  @Test
  void aRawSchemaIsNormalisedToWhatKimiTakes() {
    ChatRequest r =
        capitalAsAnswer(
            JsonRawSchema.from(
                "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                    + "\"type\":\"object\",\"properties\":{\"city\":"
                    + "{\"type\":\"string\"}},\"required\":[\"city\"]}"));
    assertThat(Json.write(r.responseFormat().schema()))
        .doesNotContain("$schema")
        .contains("\"city\":{\"type\":\"string\"}");
  }

  @Test
  void kimisOwnParametersReachTheRequest() {
    ChatRequest r =
        map(
            KimiChatRequestParameters.builder()
                .modelName("kimi-k3")
                .thinking(Thinking.disabled())
                .reasoningEffort("low")
                .promptCacheKey("cache-1")
                .safetyIdentifier("user-hash")
                .promptCacheTtl(CacheTtl.ONE_HOUR)
                .customParameters(Map.of("seed", 7))
                .logprobs(true)
                .topLogprobs(2)
                .prediction(Prediction.of("Hi there"))
                .build(),
            UserMessage.from("Hi"));
    assertThat(r.thinking()).isEqualTo(Thinking.disabled());
    assertThat(r.reasoningEffort()).isEqualTo("low");
    assertThat(r.promptCacheKey()).isEqualTo("cache-1");
    assertThat(r.safetyIdentifier()).isEqualTo("user-hash");
    assertThat(r.promptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
    assertThat(Json.write(r.extraBody().get("seed"))).isEqualTo("7");
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(2);
    assertThat(r.prediction()).isEqualTo(Prediction.of("Hi there"));
  }

  @Test
  void aToolResultsTextPartsAreJoinedAndAnImageIsNotSupported() {
    ToolExecutionResultMessage texts =
        ToolExecutionResultMessage.builder()
            .id("call-1")
            .toolName("look")
            .contents(List.of(TextContent.from("first"), TextContent.from("second")))
            .build();
    ToolExecutionResultMessage image =
        ToolExecutionResultMessage.builder()
            .id("call-2")
            .toolName("takePhoto")
            .contents(List.of(ImageContent.from("iVBORw0KGgo=", "image/png")))
            .build();

    assertThat(Requests.message(texts))
        .isEqualTo(new ToolMessage("call-1", "look", "first\nsecond"));
    assertThat(Requests.message(ToolExecutionResultMessage.from("call-3", "modify", "")))
        .as("Kimi documents every content as non-empty")
        .isEqualTo(new ToolMessage("call-3", "modify", " "));
    assertThatThrownBy(() -> Requests.message(image))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("non-text content")
        .hasMessageContaining("takePhoto");
  }

  @Test
  void includeUsageIsAskedForOnlyWhenStreamed() {
    KimiChatRequestParameters p =
        KimiChatRequestParameters.builder().modelName("kimi-k3").includeUsage(true).build();
    assertThat(Requests.toKimi(List.of(UserMessage.from("Hi")), p, true).includeUsage()).isTrue();
    assertThat(Requests.toKimi(List.of(UserMessage.from("Hi")), p, false).includeUsage()).isFalse();
    assertThat(Requests.toKimi(List.of(UserMessage.from("Hi")), K3, true).includeUsage()).isFalse();
  }

  /**
   * LangChain4j 1.19 refuses to build a blank {@link SystemMessage} (its constructor and its JSON
   * reader say "text cannot be null or blank"), so one reaches the module only from a subclass made
   * without its constructor, as a mock is; should it, the message is left out rather than the
   * request refused (Kimi rejects empty content; Spring AI forwards such messages in its tool
   * loop).
   */
  @Test
  void anEmptySystemMessageIsLeftOutNotRefused() {
    SystemMessage empty = mock(SystemMessage.class);
    when(empty.text()).thenReturn("");
    when(empty.type()).thenReturn(ChatMessageType.SYSTEM);

    ChatRequest r = map(K3, empty, UserMessage.from("Hi"), empty);

    assertThat(r.messages())
        .containsExactly(
            new io.github.kimisdk.chat.UserMessage(List.of(ContentPart.text("Hi")), null));
  }

  @Test
  void theStreamFlagFollowsTheCall() {
    assertThat(Requests.toKimi(List.of(UserMessage.from("Hi")), K3, true).stream()).isTrue();
    assertThat(map(K3, UserMessage.from("Hi")).stream()).isFalse();
  }
}
