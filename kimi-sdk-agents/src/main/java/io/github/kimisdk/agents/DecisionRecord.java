package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Holds one decision on a call of a run, as the run keeps it for as long as the run is kept: who
 * decided, when, what they decided on (the call, its tool, the digest of its arguments, the
 * approval policy in force) and what they decided, with their comment. Every decision is one: each
 * approval (each approver's, under a policy that needs several), an edit, an allowance, a
 * rejection, an answer, and an expiry or an escalation the approval's {@link Approval#expiresAfter}
 * made. A run's records ({@link RunState#decisionRecords()}) are kept after the call they decided
 * ran, and through compactions; each is chained to the one before under the agent's {@link RunKey}
 * ({@link #mac()}), so a record removed, reordered or edited in the store is found when the run is
 * loaded ({@link RunTamperedException}, naming the run and the record).
 *
 * @param sequence its place in the run's record, from 1
 * @param callId the call decided on ({@link PendingCall#id()}: a subagent's run id for its calls)
 * @param tool the call's tool
 * @param argumentsSha256 the SHA-256 of the arguments decided on, in hex
 * @param action what was decided
 * @param editedArgumentsSha256 for {@link Action#APPROVE_EDITED}, the SHA-256 of the arguments the
 *     call runs with instead; else null
 * @param by who decided, as {@link Decision#by} named them; null when nobody was named, and for an
 *     expiry or an escalation (the approval policy decided: {@link #policy()})
 * @param at when: the time the person decided, on the clock of the process where they did; for an
 *     expiry or an escalation, when the run found the call expired
 * @param comment why, as the person said it, or null
 * @param message what the model reads of a rejection or an expiry, the result a person gave ({@link
 *     Action#ANSWER}), or the allowance given ({@link Action#APPROVE_AND_ALLOW}); else null
 * @param policy the id of the approval policy in force ({@link Approval#id()})
 * @param approvers how many different people the call's approval needs (1 but under {@link
 *     Approval#approvers(int)})
 * @param token the short id of the signed token the decision came in ({@link Agent#token}), or null
 * @param mac the record's HMAC-SHA256 under the agent's key, over its content and the previous
 *     record's MAC; null for a run kept without a key
 */
public record DecisionRecord(
    int sequence,
    String callId,
    String tool,
    String argumentsSha256,
    Action action,
    String editedArgumentsSha256,
    String by,
    Instant at,
    String comment,
    String message,
    String policy,
    int approvers,
    String token,
    String mac) {

  /** Says what a decision decided. */
  public enum Action {
    /** A person approved the call as it was asked (or, for a call in doubt, to run it again). */
    APPROVE,
    /** A person approved the call with other arguments ({@link Decision#approveEdited}). */
    APPROVE_EDITED,
    /**
     * A person approved the call and allowed such calls for the rest of the run ({@link
     * Decision#approveAndAllow}).
     */
    APPROVE_AND_ALLOW,
    /** A person rejected the call: it does not run, and the model reads why. */
    REJECT,
    /** A person gave the call's result without running it ({@link Decision#answer}). */
    ANSWER,
    /**
     * Nobody approved the call within its approval's expiry: rejected ({@link Approval.Expiry}).
     */
    EXPIRED,
    /** Nobody approved the call within its approval's expiry: it keeps waiting, escalated. */
    ESCALATED;

    /** The action's name in the saved form and the command's output: lower case. */
    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Action of(String wire) {
      try {
        return valueOf(wire.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown decision action: " + wire, e);
      }
    }
  }

  /**
   * Checks the components.
   *
   * @param sequence its place, from 1
   * @param callId the call
   * @param tool the tool
   * @param argumentsSha256 the arguments' digest
   * @param action what was decided
   * @param editedArgumentsSha256 the edited arguments' digest, or null
   * @param by who, or null
   * @param at when
   * @param comment why, or null
   * @param message what the model reads, or null
   * @param policy the policy's id
   * @param approvers the approvers the call needs
   * @param token the token's short id, or null
   * @param mac the MAC, or null
   * @throws NullPointerException if {@code callId}, {@code tool}, {@code argumentsSha256}, {@code
   *     action}, {@code at} or {@code policy} is null
   * @throws IllegalArgumentException if {@code sequence} or {@code approvers} is below 1
   */
  public DecisionRecord {
    Objects.requireNonNull(callId, "callId must not be null");
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(argumentsSha256, "argumentsSha256 must not be null");
    Objects.requireNonNull(action, "action must not be null");
    Objects.requireNonNull(at, "at must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    if (sequence < 1 || approvers < 1) {
      throw new IllegalArgumentException(
          "a decision record's sequence and approvers start at 1: " + sequence + ", " + approvers);
    }
  }

  /** This record at another place in its run's record, with another MAC. */
  DecisionRecord placed(int sequence, String mac) {
    return new DecisionRecord(
        sequence,
        callId,
        tool,
        argumentsSha256,
        action,
        editedArgumentsSha256,
        by,
        at,
        comment,
        message,
        policy,
        approvers,
        token,
        mac);
  }

  /**
   * Returns the run the decided call belongs to: the part of {@link #callId()} before its step.
   *
   * @return the run's id (a subagent's run for its calls)
   */
  public String runId() {
    return callId.substring(0, callId.indexOf(':'));
  }

  /** Returns the record as one line: its place, the call, what was decided, by whom and when. */
  @Override
  public String toString() {
    return "DecisionRecord[#"
        + sequence
        + " "
        + callId
        + " "
        + tool
        + " "
        + action.wire()
        + (by == null ? "" : " by " + by)
        + " at "
        + at
        + (comment == null ? "" : ", comment=" + comment)
        + ", policy="
        + policy
        + "]";
  }
}
