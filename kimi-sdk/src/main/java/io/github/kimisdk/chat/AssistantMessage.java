package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;

/**
 * Holds what the model said, sent with role {@code assistant}: a reply from the server, an earlier
 * turn replayed as history, or the prefix of a reply in partial mode.
 *
 * <p>Send a reply back exactly as received. In particular keep {@code reasoningContent}, even when
 * it is {@code ""}: thinking models reject a tool-call message whose reasoning is missing.
 *
 * @param content the text; null when the message has none (for example only tool calls)
 * @param reasoningContent the model's reasoning ({@code reasoning_content}); null when absent,
 *     possibly {@code ""}
 * @param toolCalls the tool calls, in order; never null, empty when there are none
 * @param name an optional name (the character's voice in partial mode); null when absent
 * @param partial whether this is the prefix of the reply in partial mode; such a message must be
 *     the last one of a request
 * @param reasoningSignature the signature of the reasoning, as the Anthropic Messages protocol
 *     sends it with a thinking block ({@link io.github.kimisdk.WireProtocol#ANTHROPIC_MESSAGES});
 *     sent back with the reasoning over that protocol. Null when absent, always null over chat
 *     completions
 * @param additionalFields members of the message the server sent that this record does not model;
 *     written back as they are when the message is replayed over chat completions (Kimi's history
 *     is the assistant message as it came), never over Anthropic Messages. Empty, never null
 */
public record AssistantMessage(
    String content,
    String reasoningContent,
    List<ToolCall> toolCalls,
    String name,
    boolean partial,
    String reasoningSignature,
    JsonObject additionalFields)
    implements Message {

  /**
   * Copies the tool calls.
   *
   * @param content the text; null when the message has none (for example only tool calls)
   * @param reasoningContent the model's reasoning ({@code reasoning_content}); null when absent,
   *     possibly {@code ""}
   * @param toolCalls the tool calls, in order; never null, empty when there are none
   * @param name an optional name (the character's voice in partial mode); null when absent
   * @param partial whether this is the prefix of the reply in partial mode; such a message must be
   *     the last one of a request
   * @param reasoningSignature the signature of the reasoning (Anthropic Messages); null when absent
   * @param additionalFields members the record does not model, replayed as they are; null is empty
   * @throws NullPointerException if an element of {@code toolCalls} is null
   * @throws IllegalArgumentException if {@code partial} is set without non-empty content
   */
  public AssistantMessage {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
    if (partial && (content == null || content.isEmpty())) {
      throw new IllegalArgumentException(
          "a partial assistant message needs non-empty content: the text the reply starts with");
    }
  }

  /**
   * Creates a message without additional fields.
   *
   * @param content the text; null when the message has none (for example only tool calls)
   * @param reasoningContent the model's reasoning ({@code reasoning_content}); null when absent,
   *     possibly {@code ""}
   * @param toolCalls the tool calls, in order; never null, empty when there are none
   * @param name an optional name (the character's voice in partial mode); null when absent
   * @param partial whether this is the prefix of the reply in partial mode
   * @param reasoningSignature the signature of the reasoning (Anthropic Messages); null when absent
   * @throws NullPointerException if an element of {@code toolCalls} is null
   * @throws IllegalArgumentException if {@code partial} is set without non-empty content
   */
  public AssistantMessage(
      String content,
      String reasoningContent,
      List<ToolCall> toolCalls,
      String name,
      boolean partial,
      String reasoningSignature) {
    this(content, reasoningContent, toolCalls, name, partial, reasoningSignature, null);
  }

  /**
   * Creates a message without a reasoning signature.
   *
   * @param content the text; null when the message has none (for example only tool calls)
   * @param reasoningContent the model's reasoning ({@code reasoning_content}); null when absent,
   *     possibly {@code ""}
   * @param toolCalls the tool calls, in order; never null, empty when there are none
   * @param name an optional name (the character's voice in partial mode); null when absent
   * @param partial whether this is the prefix of the reply in partial mode; such a message must be
   *     the last one of a request
   * @throws NullPointerException if an element of {@code toolCalls} is null
   * @throws IllegalArgumentException if {@code partial} is set without non-empty content
   */
  public AssistantMessage(
      String content,
      String reasoningContent,
      List<ToolCall> toolCalls,
      String name,
      boolean partial) {
    this(content, reasoningContent, toolCalls, name, partial, null);
  }

  /**
   * Returns {@code "assistant"}.
   *
   * @return {@code "assistant"}
   */
  @Override
  public String role() {
    return "assistant";
  }

  /**
   * Returns the text of the message.
   *
   * @return the content, {@code ""} when there is none
   */
  public String text() {
    return content == null ? "" : content;
  }

  /**
   * Returns the reasoning of the message.
   *
   * @return the reasoning content, {@code ""} when there is none
   */
  public String reasoning() {
    return reasoningContent == null ? "" : reasoningContent;
  }

  /**
   * Tells whether the message calls tools.
   *
   * @return true when {@link #toolCalls()} is not empty
   */
  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }

  /**
   * Returns a copy of this message with another content, for example to join a partial prefix and
   * its continuation.
   *
   * @param content the new content; may be null
   * @return the new message, no longer partial
   */
  public AssistantMessage withContent(String content) {
    return new AssistantMessage(
        content, reasoningContent, toolCalls, name, false, reasoningSignature, additionalFields);
  }

  /** Returns the members that are set, {@code partial} only when it is. */
  @Override
  public String toString() {
    return RecordText.of("AssistantMessage")
        .add("content", content)
        .add("reasoningContent", reasoningContent)
        .add("toolCalls", toolCalls)
        .add("name", name)
        .flag("partial", partial)
        .add("reasoningSignature", reasoningSignature)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
