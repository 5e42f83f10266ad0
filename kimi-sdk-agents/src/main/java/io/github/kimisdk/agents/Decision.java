package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.Objects;

/**
 * Answers a {@link PendingCall} of a paused run: approve it (as it is, with edited arguments, or
 * allowing its tool for the rest of the run), reject it with a message the model reads, or give its
 * result. A decision names the call it answers by a {@link Target}: the call itself, its id and
 * digest as shown to a person elsewhere, or a token the agent signed ({@link Agent#token}). It
 * holds only while that call is unchanged; {@link Agent#resume} sets aside one that no longer
 * matches and the call asks again. Who decided, when and why ({@link #by}) is recorded with the run
 * and shown in its events and spans.
 *
 * <pre>{@code
 * PendingCall call = saved.pending().get(0);
 * agent.resume(saved, List.of(Decision.approve(call).by("alice@example.com", "invoice checked")));
 * }</pre>
 */
public sealed interface Decision {

  /**
   * Returns the call this decision answers.
   *
   * @return the target
   */
  Target target();

  /**
   * Returns who made the decision, when and why.
   *
   * @return the approver, or null when none was named
   */
  Approver approver();

  /**
   * Returns this decision as made by {@code who}, now, with an optional comment.
   *
   * @param who the person (a user id or e-mail), not blank
   * @param comment why, or null
   * @return the decision
   * @throws NullPointerException if {@code who} is null
   * @throws IllegalArgumentException if {@code who} is blank or longer than 200 characters
   */
  Decision by(String who, String comment);

  /**
   * Returns this decision in its transport form, a JSON object another process reads back with
   * {@link #fromJson}: what a workflow update, a queue message or a page carries. Its members:
   * {@code callId} and {@code argumentsSha256}; the target's {@code policy}, {@code tool} and
   * {@code kind} ({@code approval}, {@code in_doubt}) where it is bound to them; {@code verdict}
   * ({@code approve}, {@code reject} or {@code answer}); an approval's edited {@code arguments} (a
   * JSON object as text) and {@code allow} ({@code {"tool": ..., "arguments": {...}}}); a
   * rejection's or an answer's {@code message}; {@code by}, {@code at} and {@code comment} when
   * someone was named.
   *
   * @return the JSON text
   * @throws IllegalStateException if the target came from a token ({@link Target#fromToken}): a
   *     token is a credential, and this form is written where credentials must not be
   */
  default String toJson() {
    return DecisionForm.write(this);
  }

  /**
   * Reads a decision in its transport form ({@link #toJson}); a decision that names who made it but
   * not when was made now.
   *
   * @param json the JSON text
   * @return the decision
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if it is not such a form: not a JSON object, a member of the
   *     wrong type, a malformed id or digest, an unknown verdict, a rejection or answer without its
   *     message, arguments or an allowance on another verdict than an approval, edited arguments
   *     that are not a JSON object, or a time or comment without who decided
   */
  static Decision fromJson(String json) {
    return DecisionForm.read(java.util.Objects.requireNonNull(json, "json must not be null"));
  }

  /**
   * Approves the call as it is (for a call in doubt: runs it again with the same idempotency key).
   *
   * @param call the call
   * @return the decision
   * @throws NullPointerException if {@code call} is null
   */
  static Decision approve(PendingCall call) {
    return approve(Target.of(call));
  }

  /**
   * Approves the call a target names.
   *
   * @param target the call
   * @return the decision
   * @throws NullPointerException if {@code target} is null
   */
  static Decision approve(Target target) {
    return new Approve(target, null, null, null);
  }

  /**
   * Approves the call with other arguments; the model is told the arguments were changed. The
   * agent's hooks still see the edited arguments.
   *
   * @param call the call
   * @param arguments the arguments to run with, a JSON object as text
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision approveEdited(PendingCall call, String arguments) {
    Objects.requireNonNull(arguments, "arguments must not be null");
    return new Approve(Target.of(call), arguments, null, null);
  }

  /**
   * Approves the call, and allows calls the allowance covers for the rest of the run: calls of the
   * call's own tool ({@link Agent#resume} refuses an allowance for another, which the person did
   * not see asked for).
   *
   * @param call the call
   * @param allowance what else of the call's tool runs without asking
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision approveAndAllow(PendingCall call, Allowance allowance) {
    Objects.requireNonNull(allowance, "allowance must not be null");
    return new Approve(Target.of(call), null, allowance, null);
  }

  /**
   * Rejects the call: it does not run, and the model reads {@code message}.
   *
   * @param call the call
   * @param message why, for the model
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision reject(PendingCall call, String message) {
    return reject(Target.of(call), message);
  }

  /**
   * Rejects the call a target names: it does not run, and the model reads {@code message}.
   *
   * @param target the call
   * @param message why, for the model
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision reject(Target target, String message) {
    return new Reject(target, message, null);
  }

  /**
   * Gives the call's result without running it (for a call in doubt: what the person found the
   * effect to be).
   *
   * @param call the call
   * @param content the result the model reads
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision answer(PendingCall call, String content) {
    return new Answer(Target.of(call), content, null);
  }

  /**
   * Names the call a decision answers, and what the decision is bound to: the arguments' digest
   * always; the tool, the policy and the kind when the decision was made from the call itself or a
   * token (a decision from an id and a digest alone is bound to the arguments, which the digest
   * fixes, and to nothing else).
   *
   * @param callId the call's {@link PendingCall#id()}
   * @param argumentsSha256 the digest of the arguments decided on, in hex
   * @param tool the tool, or null
   * @param policy the approval policy's id, or null
   * @param kind the call's kind, or null
   * @param token the signed token the target came from ({@link Agent#token}), or null
   */
  record Target(
      String callId,
      String argumentsSha256,
      String tool,
      String policy,
      PendingCall.Kind kind,
      String token) {

    /**
     * Checks the components.
     *
     * @param callId the call's id
     * @param argumentsSha256 the digest
     * @param tool the tool, or null
     * @param policy the policy, or null
     * @param kind the kind, or null
     * @param token the token, or null
     * @throws NullPointerException if {@code callId} or {@code argumentsSha256} is null
     * @throws IllegalArgumentException if the id is not {@code RUN_ID:STEP:POSITION} or the digest
     *     is not 64 hex digits
     */
    public Target {
      Objects.requireNonNull(callId, "callId must not be null");
      Objects.requireNonNull(argumentsSha256, "argumentsSha256 must not be null");
      Ids.callId(callId);
      if (!argumentsSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "argumentsSha256 is the SHA-256 of the arguments in lower-case hex (64 digits)");
      }
    }

    /**
     * Returns the target of a call, bound to everything it holds.
     *
     * @param call the call
     * @return the target
     * @throws NullPointerException if {@code call} is null
     */
    public static Target of(PendingCall call) {
      Objects.requireNonNull(call, "call must not be null");
      return new Target(
          call.id(), call.argumentsSha256(), call.tool(), call.policy(), call.kind(), null);
    }

    /**
     * Returns the target of a call named by its id and the digest of the arguments a person saw:
     * what a page or a message can carry back.
     *
     * @param callId the call's {@link PendingCall#id()}
     * @param argumentsSha256 its {@link PendingCall#argumentsSha256()}
     * @return the target
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if one is malformed
     */
    public static Target of(String callId, String argumentsSha256) {
      return new Target(callId, argumentsSha256, null, null, null, null);
    }

    /**
     * Returns the target a token names ({@link Agent#token}); the token is verified with the
     * agent's key when a run is resumed with the decision, before the run is claimed.
     *
     * @param token the token
     * @return the target
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if it is not a token this SDK makes (its text not quoted)
     */
    public static Target fromToken(String token) {
      return DecisionTokens.read(token);
    }

    /** Returns the run the call belongs to. */
    String runId() {
      return callId.substring(0, callId.indexOf(':'));
    }

    /** Returns the target without its token, which is a credential. */
    @Override
    public String toString() {
      return "Target[" + callId + ", " + argumentsSha256 + (token == null ? "" : ", signed") + "]";
    }
  }

  /**
   * Says who made a decision, when, and why.
   *
   * @param name the person, as the application names them
   * @param at when they decided
   * @param comment why, or null
   */
  record Approver(String name, Instant at, String comment) {
    /**
     * Checks the components.
     *
     * @param name the person
     * @param at when
     * @param comment why, or null
     * @throws NullPointerException if {@code name} or {@code at} is null
     * @throws IllegalArgumentException if {@code name} is blank or over 200 characters
     */
    public Approver {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(at, "at must not be null");
      if (name.isBlank() || name.length() > 200) {
        throw new IllegalArgumentException("an approver's name is 1 to 200 characters");
      }
    }
  }

  /**
   * Approves a call.
   *
   * @param target the call
   * @param editedArguments the arguments to run with instead; null to run as asked
   * @param allowance what else runs without asking for the rest of the run; may be null
   * @param approver who approved, or null
   */
  record Approve(Target target, String editedArguments, Allowance allowance, Approver approver)
      implements Decision {
    /**
     * Checks the target.
     *
     * @param target the call
     * @param editedArguments the arguments to run with, or null
     * @param allowance the allowance, or null
     * @param approver who approved, or null
     * @throws NullPointerException if {@code target} is null
     */
    public Approve {
      Objects.requireNonNull(target, "target must not be null");
    }

    @Override
    public Decision by(String who, String comment) {
      return new Approve(target, editedArguments, allowance, approverOf(who, comment));
    }
  }

  /**
   * Rejects a call.
   *
   * @param target the call
   * @param message why, for the model
   * @param approver who rejected it, or null
   */
  record Reject(Target target, String message, Approver approver) implements Decision {
    /**
     * Checks the components.
     *
     * @param target the call
     * @param message why
     * @param approver who, or null
     * @throws NullPointerException if {@code target} or {@code message} is null
     */
    public Reject {
      Objects.requireNonNull(target, "target must not be null");
      Objects.requireNonNull(message, "message must not be null");
    }

    @Override
    public Decision by(String who, String comment) {
      return new Reject(target, message, approverOf(who, comment));
    }
  }

  /**
   * Gives a call's result.
   *
   * @param target the call
   * @param content the result the model reads
   * @param approver who gave it, or null
   */
  record Answer(Target target, String content, Approver approver) implements Decision {
    /**
     * Checks the components.
     *
     * @param target the call
     * @param content the result
     * @param approver who, or null
     * @throws NullPointerException if {@code target} or {@code content} is null
     */
    public Answer {
      Objects.requireNonNull(target, "target must not be null");
      Objects.requireNonNull(content, "content must not be null");
    }

    @Override
    public Decision by(String who, String comment) {
      return new Answer(target, content, approverOf(who, comment));
    }
  }

  private static Approver approverOf(String who, String comment) {
    return new Approver(who, Instant.now(), comment);
  }
}
