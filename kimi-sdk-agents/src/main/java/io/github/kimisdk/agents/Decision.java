package io.github.kimisdk.agents;

import java.util.Objects;

/**
 * Answers a {@link PendingCall} of a paused run: approve it (as it is, with edited arguments, or
 * allowing its tool for the rest of the run), reject it with a message the model reads, or give its
 * result. A decision carries the call it answers and holds only while that call is unchanged (see
 * {@link PendingCall}); {@link Agent#resume(RunState, java.util.List)} sets aside one that no
 * longer matches and asks again.
 */
public sealed interface Decision {

  /**
   * Returns the call this decision answers.
   *
   * @return the call
   */
  PendingCall call();

  /**
   * Approves the call as it is (for a call in doubt: runs it again with the same idempotency key).
   *
   * @param call the call
   * @return the decision
   * @throws NullPointerException if {@code call} is null
   */
  static Decision approve(PendingCall call) {
    return new Approve(call, null, null);
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
    return new Approve(call, Objects.requireNonNull(arguments, "arguments must not be null"), null);
  }

  /**
   * Approves the call, and allows calls the allowance covers for the rest of the run.
   *
   * @param call the call
   * @param allowance what else runs without asking
   * @return the decision
   * @throws NullPointerException if an argument is null
   */
  static Decision approveAndAllow(PendingCall call, Allowance allowance) {
    return new Approve(call, null, Objects.requireNonNull(allowance, "allowance must not be null"));
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
    return new Reject(call, message);
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
    return new Answer(call, content);
  }

  /**
   * Approves a call.
   *
   * @param call the call
   * @param editedArguments the arguments to run with instead; null to run as asked
   * @param allowance what else runs without asking for the rest of the run; may be null
   */
  record Approve(PendingCall call, String editedArguments, Allowance allowance)
      implements Decision {
    /**
     * Checks the call.
     *
     * @param call the call
     * @param editedArguments the arguments to run with, or null
     * @param allowance the allowance, or null
     * @throws NullPointerException if {@code call} is null
     */
    public Approve {
      Objects.requireNonNull(call, "call must not be null");
    }
  }

  /**
   * Rejects a call.
   *
   * @param call the call
   * @param message why, for the model
   */
  record Reject(PendingCall call, String message) implements Decision {
    /**
     * Checks the components.
     *
     * @param call the call
     * @param message why
     * @throws NullPointerException if an argument is null
     */
    public Reject {
      Objects.requireNonNull(call, "call must not be null");
      Objects.requireNonNull(message, "message must not be null");
    }
  }

  /**
   * Gives a call's result.
   *
   * @param call the call
   * @param content the result the model reads
   */
  record Answer(PendingCall call, String content) implements Decision {
    /**
     * Checks the components.
     *
     * @param call the call
     * @param content the result
     * @throws NullPointerException if an argument is null
     */
    public Answer {
      Objects.requireNonNull(call, "call must not be null");
      Objects.requireNonNull(content, "content must not be null");
    }
  }
}
