package io.github.kimisdk.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.langchain4j.KimiChatResponseMetadata;
import io.github.kimisdk.langchain4j.KimiTokenUsage;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK's completions as LangChain4j's responses, rule by rule. */
class ResponsesTest {

  private static ChatCompletion completion(AssistantMessage m, String finish, Usage usage) {
    return new ChatCompletion(
        "chatcmpl-1",
        "chat.completion",
        1_700_000_000L,
        "kimi-k3",
        List.of(new Choice(0, m, io.github.kimisdk.chat.FinishReason.of(finish), null)),
        usage,
        null);
  }

  @Test
  void textThinkingAndMetadataComeBack() {
    ChatResponse r =
        Responses.toChatResponse(
            completion(
                Message.assistant("Berlin.", "The capital of Germany is Berlin."),
                "stop",
                new Usage(120, 30, 150, 100, 20)));
    assertThat(r.aiMessage().text()).isEqualTo("Berlin.");
    assertThat(r.aiMessage().thinking()).isEqualTo("The capital of Germany is Berlin.");
    assertThat(r.aiMessage().toolExecutionRequests()).isEmpty();
    KimiChatResponseMetadata md = (KimiChatResponseMetadata) r.metadata();
    assertThat(md.id()).isEqualTo("chatcmpl-1");
    assertThat(md.modelName()).isEqualTo("kimi-k3");
    assertThat(md.created()).isEqualTo(1_700_000_000L);
    assertThat(md.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(md.tokenUsage()).isEqualTo(new KimiTokenUsage(120, 30, 150, 100, 20));
  }

  @Test
  void finishReasonsMapOneToOneAndUnknownOnesAreOther() {
    Map<String, FinishReason> table =
        Map.of(
            "stop", FinishReason.STOP,
            "length", FinishReason.LENGTH,
            "tool_calls", FinishReason.TOOL_EXECUTION,
            "content_filter", FinishReason.CONTENT_FILTER,
            "something_new", FinishReason.OTHER);
    table.forEach(
        (kimi, expected) ->
            assertThat(Responses.finishReason(io.github.kimisdk.chat.FinishReason.of(kimi)))
                .as(kimi)
                .isEqualTo(expected));
    assertThat(Responses.finishReason(null)).isNull();
  }

  @Test
  void toolCallsBecomeRequestsAndEmptyContentIsNoText() {
    AssistantMessage m =
        new AssistantMessage(
            "",
            "I will call getWeather.",
            List.of(
                ToolCall.function("getWeather:0", "getWeather", "{\"city\":\"Munich\"}"),
                ToolCall.function("get_time:1", "get_time", "")),
            null,
            false,
            "sig-1");
    AiMessage ai = Responses.toChatResponse(completion(m, "tool_calls", null)).aiMessage();
    assertThat(ai.text()).isNull();
    assertThat(ai.toolExecutionRequests())
        .containsExactly(
            ToolExecutionRequest.builder()
                .id("getWeather:0")
                .name("getWeather")
                .arguments("{\"city\":\"Munich\"}")
                .build(),
            ToolExecutionRequest.builder()
                .id("get_time:1")
                .name("get_time")
                .arguments("{}")
                .build());
    assertThat(ai.attributes()).containsEntry(Requests.REASONING_SIGNATURE, "sig-1");
  }

  @Test
  void usageWithoutCacheOrReasoningKeepsThemUnknown() {
    KimiTokenUsage u = Responses.usage(Usage.of(10, 5, 15));
    assertThat(u.cachedTokenCount()).isNull();
    assertThat(u.reasoningTokenCount()).isNull();
    assertThat(Responses.usage(null)).isNull();
  }

  @Test
  void usagesAddUpTheirCachedAndReasoningTokens() {
    KimiTokenUsage a = new KimiTokenUsage(100, 10, 110, 60, 4);
    KimiTokenUsage b = new KimiTokenUsage(200, 20, 220, null, 6);
    assertThat(a.add(b)).isEqualTo(new KimiTokenUsage(300, 30, 330, 60, 10));
    assertThat(a.add(new dev.langchain4j.model.output.TokenUsage(1, 1)))
        .isEqualTo(new KimiTokenUsage(101, 11, 112, 60, 4));
  }

  /** Shorthand for the SDK's assistant message with reasoning. */
  private static final class Message {
    static AssistantMessage assistant(String content, String reasoning) {
      return io.github.kimisdk.chat.Message.assistant(content, reasoning, List.of());
    }
  }
}
