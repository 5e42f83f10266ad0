package io.github.kimisdk.internal.route;

/**
 * A failure's kind and what it means for where the call goes: {@link Route#failed}'s answer.
 *
 * @param kind the failure's kind
 * @param next where the next attempt goes
 */
public record Verdict(Kind kind, Verdict.Next next) {

  /** What a failure means for where the call goes next. */
  public enum Next {
    /** The next attempt goes to the same target: a retry in place. */
    STAY,
    /** The next attempt goes at once to another target the call may use: a fallback. */
    MOVE,
    /** The next attempt chooses again in its place, after a wait: its member was full. */
    CHOOSE,
    /** Every target the call may use refused it: the next attempt starts a new round. */
    ROUND,
    /** No target the call may use can answer it: the failure is final. */
    END
  }
}
