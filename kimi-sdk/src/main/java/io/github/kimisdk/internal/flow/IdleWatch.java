package io.github.kimisdk.internal.flow;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * The one idle watchdog of the SDK: it checks, a quarter of the limit apart, for how long what it
 * watches has been idle, and fires once the limit is reached. A streamed response watches the time
 * without bytes while its consumer wants items; a non-streamed body the time without bytes.
 *
 * <p>It holds what it watches only until {@link #stop()}, which also withdraws the pending check
 * from the timer: a stream that ended leaves nothing queued behind it.
 */
public final class IdleWatch implements Runnable {

  private final Delayer delayer;
  private final Duration limit;
  private final Duration period;
  // Cleared by stop(): a check still queued reaches nothing.
  private volatile LongUnaryOperator idleNanosAt;
  private volatile Runnable onIdle;
  private volatile Runnable withdraw = () -> {};

  private IdleWatch(
      Delayer delayer, Duration limit, LongUnaryOperator idleNanosAt, Runnable onIdle) {
    this.delayer = delayer;
    this.limit = limit;
    this.period = Duration.ofNanos(Math.max(limit.toNanos() / 4, 1_000_000));
    this.idleNanosAt = idleNanosAt;
    this.onIdle = onIdle;
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
    IdleWatch w = new IdleWatch(delayer, limit, idleNanosAt, onIdle);
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
    if (idle.applyAsLong(System.nanoTime()) >= limit.toNanos()) {
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
    withdraw.run();
  }
}
