package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.text.RecordText;
import java.time.Duration;

/**
 * The server's error, as the SDK read it from the response: everything an {@link ApiException}
 * carries. The SDK builds it from the status, headers and {@code error} body of a failed response
 * (or an error event inside a stream); its accessors are on {@link ApiException}.
 *
 * @param metadata the response metadata
 * @param status the HTTP status
 * @param type Kimi's {@code error.type}, or null
 * @param code the error code, or null
 * @param serverMessage the server's message, or null
 * @param message the exception message
 * @param retryAfter the wait the server asked for, or null
 * @param retryable whether a retry may succeed
 * @param inStream whether the error came inside a stream
 * @param hint what to do, or null
 */
public record ApiError(
    ResponseMetadata metadata,
    int status,
    String type,
    String code,
    String serverMessage,
    String message,
    Duration retryAfter,
    boolean retryable,
    boolean inStream,
    String hint) {
  /**
   * Returns the members that are set, without the repeats of {@link #message()}: the server's
   * message and the hint only when the message does not already hold them, the metadata only when
   * it tells more than the status and the request id the message ends with; the flags only when
   * set.
   */
  @Override
  public String toString() {
    String text = message == null ? "" : message;
    boolean idInMessage =
        metadata == null
            || metadata.statusCode() == status
                && metadata.requestId().map(text::contains).orElse(true);
    return RecordText.of("ApiError")
        .add("status", status)
        .add("type", type)
        .add("code", code)
        .add("message", message)
        .add(
            "serverMessage",
            serverMessage == null || text.contains(serverMessage) ? null : serverMessage)
        .add("hint", hint == null || text.contains(hint) ? null : hint)
        .add("retryAfter", retryAfter)
        .flag("retryable", retryable)
        .flag("inStream", inStream)
        .add("metadata", idInMessage ? null : metadata)
        .toString();
  }
}
