package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Allowance;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A person's decision on a call a paused run waits on, sent from any process as the workflow's
 * update {@link KimiAgentWorkflow#decide}: the call named by its id ({@link PendingCall#id()}) and
 * the digest of the arguments the person saw ({@link PendingCall#argumentsSha256()}), optionally
 * the policy they decided under, and who decided. The workflow's validator refuses it before it
 * enters the history when no such call waits, the digest or the policy differ, or it is malformed;
 * the history then holds who decided, and the time the workflow took it.
 *
 * <pre>{@code
 * RunState s = RunState.fromJson(workflow.state());
 * PendingCall call = s.pending().get(0);          // shown to a person: call.id(), its digest
 * workflow.decide(DecisionRequest.approve(call.id(), call.argumentsSha256())
 *     .by("alice@example.com", "invoice checked"));
 * }</pre>
 *
 * @param callId the call's id, {@code RUN_ID:STEP:POSITION}
 * @param argumentsSha256 the digest of the arguments decided on, 64 hex digits
 * @param verdict {@code approve}, {@code reject} or {@code answer}
 * @param arguments for an approval with edited arguments, the arguments to run with (a JSON object
 *     as text); else null
 * @param allowTool for an approval that allows calls for the rest of the run, the tool allowed;
 *     else null
 * @param allowArguments with {@code allowTool}, the arguments an allowed call must match (a JSON
 *     object pattern as {@link Allowance#matching} takes), or null for any
 * @param message the rejection's message for the model, or the answer's result; else null
 * @param policy the approval policy's id the person decided under, or null to bind to the arguments
 *     alone
 * @param by who decided (a user id or e-mail), 1 to 200 characters
 * @param comment why, or null
 */
public record DecisionRequest(
    String callId,
    String argumentsSha256,
    String verdict,
    String arguments,
    String allowTool,
    String allowArguments,
    String message,
    String policy,
    String by,
    String comment) {

  private static final Set<String> VERDICTS = Set.of("approve", "reject", "answer");

  /**
   * Checks that the request is well formed (whether it matches a waiting call is the workflow's
   * validator's to say).
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest
   * @param verdict the verdict
   * @param arguments the edited arguments, or null
   * @param allowTool the tool allowed, or null
   * @param allowArguments the allowed arguments' pattern, or null
   * @param message the message or result, or null
   * @param policy the policy, or null
   * @param by who decided, or null until {@link #by} names them
   * @param comment why, or null
   * @throws NullPointerException if {@code callId}, {@code argumentsSha256} or {@code verdict} is
   *     null
   * @throws IllegalArgumentException if the id or digest is malformed, the verdict unknown, or a
   *     verdict lacks what it needs
   */
  public DecisionRequest {
    Decision.Target.of(
        Objects.requireNonNull(callId, "callId must not be null"),
        Objects.requireNonNull(argumentsSha256, "argumentsSha256 must not be null"));
    Objects.requireNonNull(verdict, "verdict must not be null");
    if (!VERDICTS.contains(verdict)) {
      throw new IllegalArgumentException("a verdict is approve, reject or answer: " + verdict);
    }
    if (!verdict.equals("approve") && (arguments != null || allowTool != null)) {
      throw new IllegalArgumentException("only an approval edits arguments or allows a tool");
    }
    if (!verdict.equals("approve") && message == null) {
      throw new IllegalArgumentException("a " + verdict + " needs its message");
    }
    if (arguments != null) {
      object(arguments, "the edited arguments");
    }
    if (allowArguments != null) {
      if (allowTool == null) {
        throw new IllegalArgumentException("allowArguments goes with allowTool");
      }
      object(allowArguments, "the allowed arguments");
    }
    if (by != null && (by.isBlank() || by.length() > 200)) {
      throw new IllegalArgumentException("who decided is 1 to 200 characters");
    }
  }

  /**
   * Approves the call as it is.
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest of its arguments as the person saw them
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or digest is malformed
   */
  public static DecisionRequest approve(String callId, String argumentsSha256) {
    return new DecisionRequest(
        callId, argumentsSha256, "approve", null, null, null, null, null, null, null);
  }

  /**
   * Approves the call with other arguments; the model is told they were changed.
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest of its arguments as the person saw them
   * @param arguments the arguments to run with, a JSON object as text
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or digest is malformed or the arguments no object
   */
  public static DecisionRequest approveEdited(
      String callId, String argumentsSha256, String arguments) {
    Objects.requireNonNull(arguments, "arguments must not be null");
    return new DecisionRequest(
        callId, argumentsSha256, "approve", arguments, null, null, null, null, null, null);
  }

  /**
   * Approves the call, and allows the calls {@code allowance} covers for the rest of the run.
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest of its arguments as the person saw them
   * @param allowance what else runs without asking
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or digest is malformed
   */
  public static DecisionRequest approveAndAllow(
      String callId, String argumentsSha256, Allowance allowance) {
    Objects.requireNonNull(allowance, "allowance must not be null");
    return new DecisionRequest(
        callId,
        argumentsSha256,
        "approve",
        null,
        allowance.tool(),
        allowance.arguments() == null ? null : Json.write(allowance.arguments()),
        null,
        null,
        null,
        null);
  }

  /**
   * Rejects the call: it does not run, and the model reads {@code message}.
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest of its arguments as the person saw them
   * @param message why, for the model
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or digest is malformed
   */
  public static DecisionRequest reject(String callId, String argumentsSha256, String message) {
    Objects.requireNonNull(message, "message must not be null");
    return new DecisionRequest(
        callId, argumentsSha256, "reject", null, null, null, message, null, null, null);
  }

  /**
   * Gives the call's result without running it.
   *
   * @param callId the call's id
   * @param argumentsSha256 the digest of its arguments as the person saw them
   * @param content the result the model reads
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or digest is malformed
   */
  public static DecisionRequest answer(String callId, String argumentsSha256, String content) {
    Objects.requireNonNull(content, "content must not be null");
    return new DecisionRequest(
        callId, argumentsSha256, "answer", null, null, null, content, null, null, null);
  }

  /**
   * Returns this request bound to the policy the person decided under: refused when the call waits
   * under another.
   *
   * @param policy the policy's id ({@link PendingCall#policy()})
   * @return the request
   * @throws NullPointerException if {@code policy} is null
   */
  public DecisionRequest underPolicy(String policy) {
    Objects.requireNonNull(policy, "policy must not be null");
    return new DecisionRequest(
        callId,
        argumentsSha256,
        verdict,
        arguments,
        allowTool,
        allowArguments,
        message,
        policy,
        by,
        comment);
  }

  /**
   * Returns this request as made by {@code who}, with an optional comment; the workflow records
   * them with the time it took the decision.
   *
   * @param who the person, 1 to 200 characters
   * @param comment why, or null
   * @return the request
   * @throws NullPointerException if {@code who} is null
   * @throws IllegalArgumentException if {@code who} is blank or too long
   */
  public DecisionRequest by(String who, String comment) {
    Objects.requireNonNull(who, "who must not be null");
    return new DecisionRequest(
        callId,
        argumentsSha256,
        verdict,
        arguments,
        allowTool,
        allowArguments,
        message,
        policy,
        who,
        comment);
  }

  /** The one loop's decision, made by {@code by} at {@code at} (the workflow's time). */
  Decision decision(Instant at) {
    Decision.Target target = Decision.Target.of(callId, argumentsSha256);
    Decision.Approver approver = by == null ? null : new Decision.Approver(by, at, comment);
    switch (verdict) {
      case "approve":
        Allowance allow = null;
        if (allowTool != null) {
          allow =
              allowArguments == null
                  ? Allowance.tool(allowTool)
                  : Allowance.matching(allowTool, object(allowArguments, "allowArguments"));
        }
        return new Decision.Approve(target, arguments, allow, approver);
      case "reject":
        return new Decision.Reject(target, message, approver);
      case "answer":
        return new Decision.Answer(target, message, approver);
      default:
        throw new AssertionError(verdict);
    }
  }

  private static JsonObject object(String json, String what) {
    try {
      if (Json.parse(json) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IllegalArgumentException(what + " must be a JSON object: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(what + " must be a JSON object");
  }
}
