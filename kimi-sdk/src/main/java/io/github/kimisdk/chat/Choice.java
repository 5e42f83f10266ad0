package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import java.util.List;

/**
 * Holds one alternative reply of a {@link ChatCompletion}.
 *
 * @param index the position of this choice, 0 for the first
 * @param message the reply, which can be appended to the history as it is; never null
 * @param finishReason why the model stopped; null when the server did not say
 * @param usage the usage Kimi reported for this choice (streams put it here); null when absent
 * @param logprobs the log probabilities of the reply's tokens, when the request asked for them
 *     ({@link ChatRequest.Builder#logprobs(Boolean)}); null otherwise
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 */
public record Choice(
    int index,
    AssistantMessage message,
    FinishReason finishReason,
    Usage usage,
    Logprobs logprobs,
    JsonObject additionalFields) {

  /**
   * Replaces a missing message with an empty one.
   *
   * @param index the position of this choice, 0 for the first
   * @param message the reply, which can be appended to the history as it is; never null
   * @param finishReason why the model stopped; null when the server did not say
   * @param usage the usage Kimi reported for this choice (streams put it here); null when absent
   * @param logprobs the log probabilities of the reply's tokens; null when not asked for
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   */
  public Choice {
    if (message == null) {
      message = new AssistantMessage(null, null, List.of(), null, false);
    }
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates a choice without additional fields.
   *
   * @param index the position of this choice, 0 for the first
   * @param message the reply; null becomes an empty one
   * @param finishReason why the model stopped; null when the server did not say
   * @param usage the usage Kimi reported for this choice; null when absent
   */
  public Choice(int index, AssistantMessage message, FinishReason finishReason, Usage usage) {
    this(index, message, finishReason, usage, null, null);
  }

  /**
   * Creates a choice without log probabilities.
   *
   * @param index the position of this choice, 0 for the first
   * @param message the reply; null becomes an empty one
   * @param finishReason why the model stopped; null when the server did not say
   * @param usage the usage Kimi reported for this choice; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   */
  public Choice(
      int index,
      AssistantMessage message,
      FinishReason finishReason,
      Usage usage,
      JsonObject additionalFields) {
    this(index, message, finishReason, usage, null, additionalFields);
  }

  /**
   * Returns the text of the reply.
   *
   * @return the content, {@code ""} when there is none
   */
  public String text() {
    return message.text();
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return toString(null);
  }

  /** The members that are set, the usage only when it is not {@code shown} by the completion. */
  String toString(Usage shown) {
    return RecordText.of("Choice")
        .add("index", index)
        .add("message", message)
        .add("finishReason", finishReason)
        .add("usage", usage == null || usage.equals(shown) ? null : usage)
        .add("logprobs", logprobs)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
