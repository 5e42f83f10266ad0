package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatCompletion;

/**
 * One line of a batch's output or error file, read ({@code KimiBatches.readLine}): the {@code
 * custom_id} it answers, and the reply or what failed. Exactly one of {@link #completion()} and
 * {@link #error()} is non-null.
 *
 * @param customId the {@code custom_id} the line answers, or null when it names none
 * @param completion the reply of a {@code 2xx} response, or null
 * @param error what failed: the status inside the batch, the error's type and message; or null
 */
public record BatchLine(String customId, ChatCompletion completion, BatchResult.Error error) {

  /**
   * Validates that exactly one of {@code completion} and {@code error} is set.
   *
   * @param customId the {@code custom_id}, or null
   * @param completion the reply, or null
   * @param error the failure, or null
   * @throws IllegalArgumentException if both or neither of {@code completion} and {@code error} are
   *     set
   */
  public BatchLine {
    if ((completion == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of completion and error must be set");
    }
  }

  /**
   * Tells whether the line is a reply.
   *
   * @return true if there is a completion
   */
  public boolean isSuccess() {
    return completion != null;
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("BatchLine")
        .add("customId", customId)
        .add("completion", completion)
        .add("error", error)
        .toString();
  }
}
