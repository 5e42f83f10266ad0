package io.github.kimisdk.agents;

import java.util.Objects;

/**
 * Holds what a tool is told about the call it runs. Pass {@link #idempotencyKey()} to whatever the
 * tool changes (a payment API's idempotency key, a unique column): after a crash a call found begun
 * but not finished is run again with the same key when its tool is {@linkplain
 * AgentTool#asIdempotent() idempotent}, so a service that honours the key does the effect once.
 *
 * @param runId the run
 * @param step the model call whose reply made the call, from 1
 * @param position the call's place in that reply's tool calls, from 0
 * @param idempotencyKey the call's stable key, made from the run, the step and the position (never
 *     from the model's call id, which is not unique across turns); the same on every attempt
 * @param rerun true when the call is run again after a crash, or by a person's decision on a call
 *     in doubt
 */
public record ToolContext(
    String runId, int step, int position, String idempotencyKey, boolean rerun) {
  /**
   * Checks the components.
   *
   * @param runId the run
   * @param step the step
   * @param position the position
   * @param idempotencyKey the key
   * @param rerun whether the call runs again
   * @throws NullPointerException if a string is null
   */
  public ToolContext {
    Objects.requireNonNull(runId, "runId must not be null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey must not be null");
  }
}
