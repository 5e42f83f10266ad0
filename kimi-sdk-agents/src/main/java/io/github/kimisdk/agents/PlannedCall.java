package io.github.kimisdk.agents;

import java.util.Objects;

/**
 * Holds a tool call about to pass its hooks and approval.
 *
 * @param runId the run
 * @param step the model call whose reply made the call, from 1
 * @param position the call's place in that reply's tool calls, from 0
 * @param tool the tool's name
 * @param arguments the arguments, a JSON object as text, as the previous links left them
 */
public record PlannedCall(String runId, int step, int position, String tool, String arguments) {
  /**
   * Checks the components.
   *
   * @param runId the run
   * @param step the step
   * @param position the position
   * @param tool the tool
   * @param arguments the arguments
   * @throws NullPointerException if a string is null
   */
  public PlannedCall {
    Objects.requireNonNull(runId, "runId must not be null");
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(arguments, "arguments must not be null");
  }
}
