package io.github.kimisdk.base.flow;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The one idle watchdog of the SDK: it checks, a quarter of the limit apart, for how long what it
 * watches has been idle, and fires once the limit is reached. A streamed response watches the time
 * without progress while its consumer wants items, with a limit of its own until the first progress
 * (the first-event budget); a non-streamed body the time without bytes.
 *
 * <p>It holds what it watches only until {@link #stop()}, which also withdraws the pending check
 * from the timer: a stream that ended leaves nothing queued behind it.
 */
public final class IdleWatch implements Runnable {

  private final Delayer delayer;
  private final Duration limit;
  private final Duration firstLimit;
  private volatile BooleanSupplier started; // null: one limit throughout, or stopped
  private final Duration period;
  // Cleared by stop(), with started: a check still queued reaches nothing.
  private volatile LongUnaryOperator idleNanosAt;
  private volatile Runnable onIdle;
  private volatile Runnable withdraw = () -> {};

  // What it watches (started, idleNanosAt, onIdle) is handed over by start(), before it is armed.
  private IdleWatch(Delayer delayer, Duration firstLimit, Duration limit) {
    this.delayer = delayer;
    this.limit = limit;
    this.firstLimit = firstLimit;
    long shortest = Math.min(limit.toNanos(), firstLimit.toNanos());
    this.period = Duration.ofNanos(Math.max(shortest / 4, 1_000_000));
  }

  /**
   * Starts watching.
   *
   * @param delayer runs the checks, on real time
   * @param limit the longest idle time allowed
   * @param idleNanosAt for a {@link System#nanoTime()}, for how long the watched thing has been
   *     idle (0 when it wants nothing)
   * @param onIdle runs once, on the timer, when the limit is reached
   * @return the watch
   */
  public static IdleWatch start(
      Delayer delayer, Duration limit, LongUnaryOperator idleNanosAt, Runnable onIdle) {
    return start(delayer, limit, null, limit, idleNanosAt, onIdle);
  }

  /**
   * Starts watching with a limit of its own until the watched thing first made progress.
   *
   * @param delayer runs the checks, on real time
   * @param firstLimit the longest idle time allowed while {@code started} is false
   * @param started tells whether the first progress happened
   * @param limit the longest idle time allowed after it
   * @param idleNanosAt for a {@link System#nanoTime()}, for how long the watched thing has been
   *     idle (0 when it wants nothing)
   * @param onIdle runs once, on the timer, when the limit in force is reached
   * @return the watch
   */
  public static IdleWatch start(
      Delayer delayer,
      Duration firstLimit,
      BooleanSupplier started,
      Duration limit,
      LongUnaryOperator idleNanosAt,
      Runnable onIdle) {
    IdleWatch w = new IdleWatch(delayer, firstLimit, limit);
    w.started = started;
    w.idleNanosAt = idleNanosAt;
    w.onIdle = onIdle;
    w.arm();
    return w;
  }

  private void arm() {
    Runnable w = delayer.schedule(this, period);
    withdraw = w;
    if (onIdle == null) {
      w.run(); // stopped while it was being armed
    }
  }

  /** Runs one check; for the timer. */
  @Override
  public void run() {
    LongUnaryOperator idle = idleNanosAt;
    Runnable fire = onIdle;
    if (idle == null || fire == null) {
      return;
    }
    BooleanSupplier first = started;
    Duration now = first == null || first.getAsBoolean() ? limit : firstLimit;
    if (idle.applyAsLong(System.nanoTime()) >= now.toNanos()) {
      stop();
      fire.run();
    } else {
      arm();
    }
  }

  /** Stops watching and withdraws the pending check. Idempotent; any thread. */
  public void stop() {
    idleNanosAt = null;
    onIdle = null;
    started = null;
    withdraw.run();
  }
}
