package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.util.Objects;

/**
 * One request's outcome in a finished batch, matched back to the request by its {@code custom_id}:
 * exactly one of {@link #completion()} and {@link #error()} is non-null.
 *
 * @param index the request's position in the list given to {@link
 *     io.github.kimisdk.KimiBatches#create}
 * @param customId the {@code custom_id} the SDK gave the request
 * @param request the request
 * @param completion the reply, or null when the request failed
 * @param error what went wrong, or null when it succeeded
 */
public record BatchResult(
    int index, String customId, ChatRequest request, ChatCompletion completion, Error error) {

  /**
   * Validates that exactly one of {@code completion} and {@code error} is set.
   *
   * @param index the request's position
   * @param customId the {@code custom_id}
   * @param request the request
   * @param completion the reply, or null
   * @param error the failure, or null
   * @throws NullPointerException if {@code customId} or {@code request} is null
   * @throws IllegalArgumentException if both or neither of {@code completion} and {@code error} are
   *     set
   */
  public BatchResult {
    Objects.requireNonNull(customId, "customId");
    Objects.requireNonNull(request, "request");
    if ((completion == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of completion and error must be set");
    }
  }

  /**
   * Tells whether the request succeeded.
   *
   * @return true if there is a completion
   */
  public boolean isSuccess() {
    return completion != null;
  }

  /**
   * Why a batched request failed.
   *
   * @param httpStatus the status the request got inside the batch, or 0 when it has no result line
   * @param type the error type or code as the server wrote it; may be null
   * @param message the message
   */
  public record Error(int httpStatus, String type, String message) {

    /**
     * Validates the message.
     *
     * @param httpStatus the status, or 0
     * @param type the type; may be null
     * @param message the message
     * @throws NullPointerException if {@code message} is null
     */
    public Error {
      Objects.requireNonNull(message, "message");
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Error")
          .add("httpStatus", httpStatus)
          .add("type", type)
          .add("message", message)
          .toString();
    }
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("BatchResult")
        .add("index", index)
        .add("customId", customId)
        .add("request", request)
        .add("completion", completion)
        .add("error", error)
        .toString();
  }
}
