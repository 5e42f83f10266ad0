package io.github.kimisdk.internal.jfr;

import io.github.kimisdk.CallListener;

/**
 * The SDK's Flight Recorder support, reached without touching Flight Recorder: this class names no
 * {@code jdk.jfr} type, so a runtime image without that module loads it safely.
 */
public final class Jfr {

  private Jfr() {}

  /**
   * Tells whether this runtime has Flight Recorder: the module {@code jdk.jfr} is in the boot
   * layer. It is not in a jlink image that leaves it out, nor for a modular application that
   * neither requires it nor adds it ({@code --add-modules jdk.jfr}).
   *
   * @return true when Flight Recorder can be used
   */
  public static boolean isPresent() {
    return PRESENT;
  }

  private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  /**
   * Tells whether a call starting now should be heard by {@link #listener()}'s listener: Flight
   * Recorder is present and a running recording enables the event. A call with nobody else
   * listening then costs no listener machinery at all.
   *
   * @return true while a recording wants the SDK's events
   */
  public static boolean recording() {
    return PRESENT && JfrCallListener.enabled();
  }

  /**
   * Loads and registers the SDK's event now if a recording may want it (Flight Recorder is
   * initialized), which takes a tenth of a second of a fresh JVM; a client's start-up calls it off
   * the caller's thread, so that its first call finds the event ready. Does nothing otherwise.
   */
  public static void prepare() {
    if (PRESENT) {
      JfrCallListener.enabled();
    }
  }

  /**
   * Records a move of a host's concurrency limit as an {@code io.github.kimisdk.ConcurrencyLimit}
   * event, when this runtime has Flight Recorder and a running recording enables the event; does
   * nothing otherwise (and loads no Flight Recorder class).
   *
   * @param target the host's name and address
   * @param reason why it moved: cut, kept, undone, raised or stated
   * @param from the limit before, or -1 for none
   * @param limit the limit now, or -1 for none
   * @param roundAttempts the attempts of the round that decided it which ended
   * @param roundRefusals how many of them the host refused for its concurrency
   * @param tolerated the refusal share, in percent, that no longer cuts
   */
  public static void limitChanged(
      String target,
      String reason,
      int from,
      int limit,
      int roundAttempts,
      int roundRefusals,
      double tolerated) {
    if (PRESENT) {
      LimitEvents.commit(target, reason, from, limit, roundAttempts, roundRefusals, tolerated);
    }
  }

  /**
   * Returns the listener that records a {@code io.github.kimisdk.Call} event per call, or null when
   * this runtime has no Flight Recorder; only then are the Flight Recorder classes loaded.
   *
   * @return the listener, or null
   */
  public static CallListener listener() {
    return isPresent() ? new JfrCallListener() : null;
  }
}
