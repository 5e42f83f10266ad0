package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.langchain4j.KimiChatResponseMetadata;
import io.github.kimisdk.langchain4j.KimiTokenUsage;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SDK's completions as LangChain4j's responses: the first choice's text, {@code
 * reasoning_content} as {@link AiMessage#thinking()}, tool calls, and the metadata (id, model,
 * {@link KimiTokenUsage}, finish reason, creation time, request id).
 */
public final class Responses {

  private Responses() {}

  /**
   * Maps a whole completion.
   *
   * @param c the completion
   * @return the response
   */
  public static ChatResponse toChatResponse(ChatCompletion c) {
    AssistantMessage m =
        c.choices().isEmpty()
            ? new AssistantMessage(null, null, List.of(), null, false)
            : c.message();
    return toChatResponse(c, toolRequests(m.toolCalls()));
  }

  /**
   * Maps a completion whose tool calls were already turned into requests (as a stream announced
   * them).
   *
   * @param c the completion
   * @param requests its tool calls
   * @return the response
   */
  static ChatResponse toChatResponse(ChatCompletion c, List<ToolExecutionRequest> requests) {
    AssistantMessage m = c.choices().isEmpty() ? null : c.message();
    AiMessage.Builder ai = AiMessage.builder().toolExecutionRequests(requests);
    if (m != null) {
      ai.text(m.content() == null || m.content().isEmpty() ? null : m.content());
      ai.thinking(m.reasoningContent());
      if (m.reasoningSignature() != null) {
        ai.attributes(Map.of(Requests.REASONING_SIGNATURE, m.reasoningSignature()));
      }
    }
    ResponseMetadata md = c.metadata();
    KimiChatResponseMetadata metadata =
        KimiChatResponseMetadata.builder()
            .id(c.id())
            .modelName(c.model())
            .tokenUsage(usage(c.usage()))
            .finishReason(finishReason(c.finishReason()))
            .created(c.created() == 0 ? null : c.created())
            .requestId(md == null ? null : md.requestId().orElse(null))
            .logprobs(c.choices().isEmpty() ? null : c.choices().get(0).logprobs())
            .servedBy(md == null ? null : md.servedBy())
            .build();
    return ChatResponse.builder().aiMessage(ai.build()).metadata(metadata).build();
  }

  /**
   * Maps the tool calls of a message; a call without arguments gets {@code {}}.
   *
   * @param calls the calls
   * @return the requests
   */
  static List<ToolExecutionRequest> toolRequests(List<ToolCall> calls) {
    List<ToolExecutionRequest> out = new ArrayList<>(calls.size());
    for (ToolCall call : calls) {
      out.add(toolRequest(call.id(), call.name(), call.arguments()));
    }
    return out;
  }

  static ToolExecutionRequest toolRequest(String id, String name, String arguments) {
    return ToolExecutionRequest.builder()
        .id(id)
        .name(name)
        .arguments(arguments == null || arguments.isBlank() ? "{}" : arguments)
        .build();
  }

  /**
   * Maps usage; null stays null.
   *
   * @param u the SDK's usage
   * @return the usage
   */
  public static KimiTokenUsage usage(Usage u) {
    if (u == null) {
      return null;
    }
    return new KimiTokenUsage(
        u.promptTokens(),
        u.completionTokens(),
        u.totalTokens(),
        u.cachedTokens(),
        u.reasoningTokens());
  }

  /**
   * Maps a finish reason: {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
   * and any other value {@link FinishReason#OTHER}; null stays null.
   *
   * @param reason Kimi's reason
   * @return LangChain4j's
   */
  public static FinishReason finishReason(io.github.kimisdk.chat.FinishReason reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason.value()) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls" -> FinishReason.TOOL_EXECUTION;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }
}
