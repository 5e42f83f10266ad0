package io.github.kimisdk.agents;

import java.util.Objects;

/**
 * Holds a tool call a paused run waits on: one that asks for approval, or one found begun but not
 * finished after a crash whose tool is not idempotent (in doubt: its effect may or may not have
 * happened). A {@link Decision} answers it, and is bound to it: to the run, the call's place, the
 * tool, the exact arguments ({@link #argumentsSha256()}) and the policy in force ({@link
 * #policy()}). When any of them differs on resume (the saved state was edited, the policy changed)
 * the decision is set aside and the call asks again.
 *
 * @param kind why the call waits
 * @param runId the run
 * @param step the model call whose reply made the call, from 1
 * @param position the call's place in that reply's tool calls, from 0
 * @param callId the model's id of the call
 * @param tool the tool's name
 * @param arguments the arguments the call would run with (after the hooks), a JSON object as text
 * @param reason why it asks (the policy's or hook's words), or why it is in doubt
 * @param policy the id of the tool's approval policy in force
 * @param argumentsSha256 the SHA-256 of {@code arguments}, in hex
 * @param idempotencyKey the key the call runs with ({@link ToolContext#idempotencyKey()}): for a
 *     call in doubt, what to look up in the system it changes before deciding
 */
public record PendingCall(
    Kind kind,
    String runId,
    int step,
    int position,
    String callId,
    String tool,
    String arguments,
    String reason,
    String policy,
    String argumentsSha256,
    String idempotencyKey) {

  /** Says why a call waits. */
  public enum Kind {
    /** Its tool's approval or a hook asked for a person's decision. */
    APPROVAL,
    /**
     * It was found begun but not finished after a crash and its tool is not idempotent: approve
     * runs it again with the same key, an answer gives its result, a rejection fails it.
     */
    IN_DOUBT
  }

  /**
   * Checks the components.
   *
   * @param kind why it waits
   * @param runId the run
   * @param step the step
   * @param position the position
   * @param callId the model's id
   * @param tool the tool
   * @param arguments the arguments
   * @param reason why
   * @param policy the policy's id
   * @param argumentsSha256 the arguments' digest
   * @param idempotencyKey the call's key
   * @throws NullPointerException if an argument but {@code callId} is null
   */
  public PendingCall {
    Objects.requireNonNull(kind, "kind must not be null");
    Objects.requireNonNull(runId, "runId must not be null");
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(arguments, "arguments must not be null");
    Objects.requireNonNull(reason, "reason must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    Objects.requireNonNull(argumentsSha256, "argumentsSha256 must not be null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey must not be null");
  }
}
