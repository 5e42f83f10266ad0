package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Allowance;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision on a call a paused run waits on, sent from any process as the workflow's
 * update {@link KimiAgentWorkflow#decide}: the call named by its id ({@link PendingCall#id()}) and
 * the digest of the arguments the person saw ({@link PendingCall#argumentsSha256()}), optionally
 * the policy they decided under, and who decided. The workflow's validator refuses it before it
 * enters the history when no such call waits, the digest or the policy differ, or it is malformed;
 * the history then holds who decided, and the time the workflow took it.
 *
 * <p>It is the transport form of the agents' {@link Decision} ({@link Decision#toJson()}) as a
 * record Temporal's JSON converter writes: the verdicts, what each carries and the rules they are
 * held to are kimi-sdk-agents' ({@link Decision#fromJson}, {@link
 * io.github.kimisdk.agents.RunState#refusal}); {@link #of} carries any decision made by id and
 * digest.
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

  /**
   * Checks that the request is well formed, as {@link Decision#fromJson} reads its form (whether it
   * matches a waiting call is the workflow's validator's to say).
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
  public DecisionRequest(
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
    this.callId = Objects.requireNonNull(callId, "callId must not be null");
    this.argumentsSha256 =
        Objects.requireNonNull(argumentsSha256, "argumentsSha256 must not be null");
    this.verdict = Objects.requireNonNull(verdict, "verdict must not be null");
    if (allowArguments != null && allowTool == null) {
      throw new IllegalArgumentException("allowArguments goes with allowTool");
    }
    this.arguments = arguments;
    this.allowTool = allowTool;
    this.allowArguments = allowArguments;
    this.message = message;
    this.policy = policy;
    this.by = by;
    this.comment = comment;
    decision(Instant.EPOCH);
  }

  /**
   * Returns the request that carries {@code decision}: any of the agents' decisions by a call's id
   * and digest, and the policy it is bound to (its target's tool and kind are not carried: the
   * call's id and digest name it).
   *
   * <pre>{@code
   * workflow.decide(DecisionRequest.of(Decision.reject(call, "not this month").by("alice", null)));
   * }</pre>
   *
   * @param decision the decision
   * @return the request
   * @throws NullPointerException if {@code decision} is null
   * @throws IllegalStateException if its target came from a signed token, a credential the
   *     workflow's history would keep
   */
  public static DecisionRequest of(Decision decision) {
    JsonObject o = Json.parse(decision.toJson()).asObject();
    JsonObject allow = o.get("allow") instanceof JsonObject a ? a : null;
    return new DecisionRequest(
        text(o, "callId"),
        text(o, "argumentsSha256"),
        text(o, "verdict"),
        text(o, "arguments"),
        allow == null ? null : text(allow, "tool"),
        allow == null || allow.get("arguments") == null ? null : Json.write(allow.get("arguments")),
        text(o, "message"),
        text(o, "policy"),
        text(o, "by"),
        text(o, "comment"));
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
    return of(Decision.approve(Decision.Target.of(callId, argumentsSha256)));
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
    return of(
        new Decision.Approve(Decision.Target.of(callId, argumentsSha256), arguments, null, null));
  }

  /**
   * Approves the call, and allows the calls {@code allowance} covers for the rest of the run (of
   * the call's own tool: the validator refuses another).
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
    return of(
        new Decision.Approve(Decision.Target.of(callId, argumentsSha256), null, allowance, null));
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
    return of(Decision.reject(Decision.Target.of(callId, argumentsSha256), message));
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
    return of(new Decision.Answer(Decision.Target.of(callId, argumentsSha256), content, null));
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
    JsonObject.Builder o =
        JsonObject.builder()
            .put("callId", callId)
            .put("argumentsSha256", argumentsSha256)
            .put("verdict", verdict);
    put(o, "arguments", arguments);
    if (allowTool != null) {
      JsonObject.Builder allow = JsonObject.builder().put("tool", allowTool);
      if (allowArguments != null) {
        allow.put("arguments", allowedArguments(allowArguments));
      }
      o.put("allow", allow.build());
    }
    put(o, "message", message);
    put(o, "policy", policy);
    if (by != null) {
      o.put("by", by).put("at", at.toString());
      put(o, "comment", comment);
    }
    // the agents' transport form of a decision (Decision.toJson), read by its one reader
    return Decision.fromJson(Json.write(o.build()));
  }

  private static void put(JsonObject.Builder o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }

  private static JsonValue allowedArguments(String json) {
    try {
      return Json.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException(
          "the allowed arguments must be a JSON object: " + e.getMessage(), e);
    }
  }

  private static String text(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }
}
