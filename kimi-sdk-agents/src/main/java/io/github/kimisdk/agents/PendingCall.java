package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Holds a tool call a paused run waits on: one that asks for approval, or one found begun but not
 * finished after a crash whose tool may have had its effect (in doubt). A {@link Decision} answers
 * it, and is bound to it: to the run, the call's place, the tool, the exact arguments ({@link
 * #argumentsSha256()}, made from the arguments whenever the call is read, never read back from a
 * store) and the policy in force ({@link #policy()}). When any of them differs on resume (the saved
 * state was edited, the policy changed) the decision is set aside and the call asks again.
 *
 * <p>A person in another process names the call by {@link #id()} and the arguments' digest, both
 * plain text that can be shown in a page or a message and carried back ({@link
 * Decision.Target#of(String, String)}).
 *
 * @param kind why the call waits
 * @param runId the run (a subagent's run for a call of a subagent)
 * @param step the model call whose reply made the call, from 1
 * @param position the call's place in that reply's tool calls, from 0
 * @param callId the model's id of the call, or null
 * @param tool the tool's name
 * @param arguments the arguments the call would run with (after the hooks), a JSON object as text
 * @param reason why it asks (the policy's or hook's words), or why it is in doubt
 * @param policy the id of the tool's approval policy in force
 * @param argumentsSha256 the SHA-256 of {@code arguments}, in hex
 * @param idempotencyKey the key the call runs with ({@link ToolContext#idempotencyKey()}): for a
 *     call in doubt, what to look up in the system it changes before deciding
 * @param since when the call began to wait; null for a run saved before this was recorded
 * @param approvedBy who approved it so far, under a policy that needs more than one approver
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
    String idempotencyKey,
    Instant since,
    List<String> approvedBy) {

  /** Says why a call waits. */
  public enum Kind {
    /** Its tool's approval or a hook asked for a person's decision. */
    APPROVAL,
    /**
     * It was found begun but not finished after a crash and its tool is neither read-only nor
     * idempotent: approve runs it again with the same key, an answer gives its result, a rejection
     * fails it.
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
   * @param callId the model's id, or null
   * @param tool the tool
   * @param arguments the arguments
   * @param reason why
   * @param policy the policy's id
   * @param argumentsSha256 the arguments' digest
   * @param idempotencyKey the call's key
   * @param since when it began to wait, or null
   * @param approvedBy who approved it so far
   * @throws NullPointerException if an argument but {@code callId} and {@code since} is null
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
    approvedBy = List.copyOf(approvedBy);
  }

  /**
   * Returns the call's id: its run, step and place, as {@code RUN_ID:STEP:POSITION}, which {@link
   * Decision.Target#of(String, String)} and the others taking an id read back.
   *
   * @return the id, such as {@code invoice-42:3:0}
   */
  public String id() {
    return runId + ":" + step + ":" + position;
  }

  /**
   * Why a decision made for a call of {@code kind} to {@code tool} with arguments hashing to {@code
   * sha}, under {@code policy}, no longer answers this call; null when it still does (a null kind,
   * tool or policy is not compared).
   */
  String mismatch(Kind kind, String tool, String sha, String policy) {
    if (kind != null && kind != this.kind) {
      return "the decision answered a call of kind " + kind + "; the call is now " + this.kind;
    }
    if (tool != null && !tool.equals(this.tool)) {
      return "the decision was for the tool " + tool + "; the call is now to " + this.tool;
    }
    if (!sha.equals(argumentsSha256)) {
      return "the arguments changed since the decision was made";
    }
    if (policy != null && !policy.equals(this.policy)) {
      return "the approval policy changed from " + policy + " to " + this.policy;
    }
    return null;
  }

  /**
   * Returns the call without its idempotency key, which is for the systems the tool changes, not
   * for logs.
   */
  @Override
  public String toString() {
    return "PendingCall[id="
        + id()
        + ", kind="
        + kind
        + ", tool="
        + tool
        + ", arguments="
        + arguments
        + ", reason="
        + reason
        + ", policy="
        + policy
        + ", argumentsSha256="
        + argumentsSha256
        + (since == null ? "" : ", since=" + since)
        + (approvedBy.isEmpty() ? "" : ", approvedBy=" + approvedBy)
        + "]";
  }
}
