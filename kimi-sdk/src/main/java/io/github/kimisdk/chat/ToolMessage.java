package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import java.util.Objects;

/**
 * Holds the result of one tool call, sent with role {@code tool}.
 *
 * @param toolCallId the id of the call this answers, exactly as the model sent it
 * @param name the name of the tool called, sent as {@code name}: Kimi's examples always send it,
 *     and so does the SDK when it answers a call; null when unknown (a history from a client that
 *     does not send it, such as the official {@code openai} one), which Kimi accepts
 * @param content the result, as text the model reads
 */
public record ToolMessage(String toolCallId, String name, String content) implements Message {

  /**
   * Validates the fields.
   *
   * @param toolCallId the id of the call this answers, exactly as the model sent it
   * @param name the name of the tool called; null when unknown
   * @param content the result, as text the model reads
   * @throws NullPointerException if {@code toolCallId} or {@code content} is null
   */
  public ToolMessage {
    Objects.requireNonNull(toolCallId, "tool message toolCallId must not be null");
    Objects.requireNonNull(content, "tool message content must not be null");
  }

  /**
   * Returns {@code "tool"}.
   *
   * @return {@code "tool"}
   */
  @Override
  public String role() {
    return "tool";
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("ToolMessage")
        .add("toolCallId", toolCallId)
        .add("name", name)
        .add("content", content)
        .toString();
  }
}
