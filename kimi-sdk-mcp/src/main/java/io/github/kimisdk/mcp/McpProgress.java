package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import java.util.Objects;

/**
 * Holds a progress notification a server sent while working on a request.
 *
 * @param operation the tool's name for a {@code tools/call}, else the request's method
 * @param progress how far it got; grows with each notification
 * @param total the progress value at which it will be done; null when unknown
 * @param message a human-readable line about the progress; null when none
 */
public record McpProgress(String operation, double progress, Double total, String message) {

  /**
   * Validates the components.
   *
   * @param operation the tool's name or the request's method
   * @param progress how far it got
   * @param total the value at which it will be done; may be null
   * @param message a line about the progress; may be null
   * @throws NullPointerException if {@code operation} is null
   */
  public McpProgress {
    Objects.requireNonNull(operation, "operation must not be null");
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("McpProgress")
        .add("operation", operation)
        .add("progress", progress)
        .add("total", total)
        .add("message", message)
        .toString();
  }
}
