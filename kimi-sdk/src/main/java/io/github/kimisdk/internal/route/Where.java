package io.github.kimisdk.internal.route;

import io.github.kimisdk.internal.limit.ConcurrencyGate;

/**
 * Where the next attempt goes ({@link Route#next}): a target, with the permit of the room it holds
 * in that target's gate (null: its gate grants one when it is sent); or, when no target the call
 * may use takes it now, how long until one may ({@code soonestNanos}: -1 while only probes that are
 * out decide it, {@link Long#MAX_VALUE} when none may) and whether that wait is for a busy or full
 * host rather than one cooling down after an overload.
 *
 * @param target the target, or {@link #WAIT} or {@link #NOWHERE}
 * @param permit the room it holds, or null
 * @param soonestNanos when waiting, how long until a target may admit it
 * @param busy when waiting, whether a busy or full host is what it waits for
 */
public record Where(int target, ConcurrencyGate.Permit permit, long soonestNanos, boolean busy) {

  /** No target takes the call now; one may later. */
  public static final int WAIT = -2;

  /** The call may use no target. */
  public static final int NOWHERE = -1;

  /** Tells whether the attempt goes to {@link #target()}. */
  public boolean go() {
    return target >= 0;
  }
}
