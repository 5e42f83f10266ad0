package io.github.kimisdk.internal.jfr;

/**
 * Records {@link ConcurrencyLimitEvent}s when a recording enables them. It links against Flight
 * Recorder: only {@link Jfr#limitChanged} calls it, once it knows the module {@code jdk.jfr} is
 * present.
 */
final class LimitEvents {

  private LimitEvents() {}

  /** Commits the event, when a running recording enables it; see {@link Jfr#limitChanged}. */
  static void commit(
      String target,
      String reason,
      int from,
      int limit,
      int roundAttempts,
      int roundRefusals,
      double tolerated) {
    if (!jdk.jfr.FlightRecorder.isInitialized()) {
      return; // no recording has run: the event class stays unloaded (see JfrCallListener)
    }
    ConcurrencyLimitEvent e = new ConcurrencyLimitEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.target = target;
    e.reason = reason;
    e.from = from;
    e.limit = limit;
    e.roundAttempts = roundAttempts;
    e.roundRefusals = roundRefusals;
    e.tolerated = tolerated;
    e.commit();
  }
}
