package io.github.kimisdk.internal.route;

import io.github.kimisdk.internal.limit.ConcurrencyGate;

/**
 * The room an attempt holds in its target's gate (a permit; null for none) and the target whose
 * probe it is (-1 for none): what a {@link Route} gives back when the attempt ends, fails or is
 * handed over.
 *
 * @param permit the room, or null
 * @param probe the target whose probe the attempt is, or -1
 */
record Hold(ConcurrencyGate.Permit permit, int probe) {

  /** Nothing held. */
  static final Hold NONE = new Hold(null, -1);

  /** Gives the room back (a no-op once its attempt's end did) and ends the probe, if any. */
  void release(Router router) {
    if (permit != null) {
      permit.release();
    }
    if (probe >= 0) {
      router.health(probe).probeEnded();
    }
  }
}
