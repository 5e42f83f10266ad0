package io.github.kimisdk.internal.route;

/**
 * What became of a call's attempt, or of the call, told to its route ({@link Route#record}) by
 * whichever thread learnt it; a failure is asked about instead ({@link Route#failed}), as it says
 * where the next attempt goes.
 */
public enum Outcome {
  /**
   * The attempt's response began (a 2xx status), heard on the thread that read its headers: when
   * the attempt is its target's probe, the target is available again at once, whatever becomes of
   * the answer (as a failure after the response began proves the host up too).
   */
  ANSWERED,
  /**
   * The attempt succeeded: the room it held goes back, and a probe makes its target available
   * again.
   */
  SUCCEEDED,
  /**
   * The call ended (answered, failed, cancelled, its client closed): the room and probe it still
   * held, and a hand-over's reservation, go back, so that a probe never stays out. Safe more than
   * once, and at any time (a cancel).
   */
  ENDED
}
