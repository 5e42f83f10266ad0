package io.github.kimisdk.springai;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * The SDK's replies as Spring AI's responses: one generation per choice, whose assistant message
 * carries the text, the tool calls and, in its metadata, the {@code reasoning_content} that goes
 * back to Kimi on the next turn; the finish reason and log probabilities; the id, model and usage
 * (with cached tokens); Kimi's request id and rate-limit headers.
 *
 * <p>A stream becomes pieces and one last response. Each piece carries one chunk's text and its
 * reasoning (under the same metadata key); the last carries no text but the tool calls, the whole
 * reasoning, the finish reason and the usage. Spring AI's aggregation (it appends texts and tool
 * calls, and keeps the last value of each metadata key) then rebuilds the whole message, reasoning
 * included, as the tool-calling advisor and chat memory need it.
 */
final class Responses {

  private Responses() {}

  /** A whole completion. */
  static ChatResponse toSpring(ChatCompletion c) {
    List<Generation> generations = new ArrayList<>(c.choices().size());
    for (Choice choice : c.choices()) {
      io.github.kimisdk.chat.AssistantMessage m = choice.message();
      Map<String, Object> properties =
          properties(c.id(), choice.index(), choice.finishReason(), m.reasoningContent());
      if (m.reasoningSignature() != null) {
        properties.put(KimiChatModel.REASONING_SIGNATURE, m.reasoningSignature());
      }
      generations.add(
          generation(
              m.text(), properties, m.toolCalls(), choice.finishReason(), choice.logprobs()));
    }
    return new ChatResponse(generations, metadata(c));
  }

  /**
   * One chunk of a stream, as a piece carrying its text and reasoning; null when it carries neither
   * (tool-call deltas and usage wait for {@link #last}).
   */
  static ChatResponse piece(ChatCompletionChunk chunk) {
    String text = chunk.text();
    String reasoning = chunk.reasoning();
    if (text.isEmpty() && reasoning.isEmpty()) {
      return null;
    }
    Map<String, Object> properties =
        properties(chunk.id(), 0, null, reasoning.isEmpty() ? null : reasoning);
    return new ChatResponse(
        List.of(generation(text, properties, List.of(), null, null)),
        ChatResponseMetadata.builder()
            .id(orEmpty(chunk.id()))
            .model(orEmpty(chunk.model()))
            .build());
  }

  /** The last response of a stream: the accumulated completion without its text. */
  static ChatResponse last(ChatCompletion c) {
    Choice choice = c.choices().isEmpty() ? null : c.choices().get(0);
    List<Generation> generations = new ArrayList<>(1);
    if (choice != null) {
      io.github.kimisdk.chat.AssistantMessage m = choice.message();
      Map<String, Object> properties =
          properties(c.id(), 0, choice.finishReason(), m.reasoningContent());
      if (m.reasoningSignature() != null) {
        properties.put(KimiChatModel.REASONING_SIGNATURE, m.reasoningSignature());
      }
      generations.add(
          generation("", properties, m.toolCalls(), choice.finishReason(), choice.logprobs()));
    }
    return new ChatResponse(generations, metadata(c));
  }

  private static Map<String, Object> properties(
      String id, int index, FinishReason finishReason, String reasoning) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", orEmpty(id));
    p.put("index", index);
    p.put("role", "ASSISTANT");
    p.put("finishReason", finishReason(finishReason));
    if (reasoning != null) {
      p.put(KimiChatModel.REASONING_CONTENT, reasoning);
    }
    return p;
  }

  private static Generation generation(
      String text,
      Map<String, Object> properties,
      List<ToolCall> calls,
      FinishReason reason,
      Logprobs logprobs) {
    List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>(calls.size());
    for (ToolCall c : calls) {
      toolCalls.add(new AssistantMessage.ToolCall(c.id(), c.type(), c.name(), c.arguments()));
    }
    AssistantMessage message =
        AssistantMessage.builder()
            .content(text)
            .properties(properties)
            .toolCalls(toolCalls)
            .build();
    if (reason == null && logprobs == null) {
      return new Generation(message, ChatGenerationMetadata.NULL);
    }
    ChatGenerationMetadata.Builder metadata = ChatGenerationMetadata.builder();
    if (reason != null) {
      metadata.finishReason(finishReason(reason));
    }
    if (logprobs != null) {
      metadata.metadata(KimiChatModel.LOGPROBS, logprobs);
    }
    return new Generation(message, metadata.build());
  }

  /** Kimi's finish reason in upper case ({@code STOP}, {@code TOOL_CALLS}), as Spring AI's own. */
  private static String finishReason(FinishReason reason) {
    return reason == null ? "" : reason.value().toUpperCase(Locale.ROOT);
  }

  private static ChatResponseMetadata metadata(ChatCompletion c) {
    ChatResponseMetadata.Builder b =
        ChatResponseMetadata.builder()
            .id(orEmpty(c.id()))
            .model(orEmpty(c.model()))
            .usage(usage(c.usage()))
            .keyValue("created", c.created());
    ResponseMetadata response = c.metadata();
    if (response != null) {
      response.requestId().ifPresent(id -> b.keyValue(KimiChatModel.REQUEST_ID, id));
      Map<String, String> limits = response.rateLimitHeaders();
      if (!limits.isEmpty()) {
        b.keyValue(KimiChatModel.RATE_LIMIT_HEADERS, limits);
      }
      if (response.servedBy() != null) {
        b.keyValue(KimiChatModel.SERVED_BY, response.servedBy());
      }
    }
    return b.build();
  }

  /**
   * The usage, the SDK's record as the native usage (the line's {@code Usage}: cache reads and
   * writes where it has them, {@link SpringAiLine#usage}).
   */
  static Usage usage(io.github.kimisdk.chat.Usage u) {
    return u == null ? new EmptyUsage() : SpringAiLine.usage(u);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
