package io.github.kimisdk.agents;

import java.time.Duration;

/**
 * A tool call's timeout: the module's timer interrupts the thread that runs the call if the call
 * outlasts it, and never once the call has ended, so that a late timer cannot interrupt the next
 * task of a pool's thread, or the caller's own thread after the call returned.
 *
 * <p>Thread model: {@link #fire} runs on the timer, {@link #close} on the calling thread; both
 * under this object's monitor, so that the interrupt lands before {@link #close} clears it, or not
 * at all.
 */
final class ToolDeadline implements AutoCloseable {
  private final Thread worker;
  private boolean ended; // guarded by this
  private boolean fired; // guarded by this
  private Runnable withdraw = () -> {};

  private ToolDeadline(Thread worker) {
    this.worker = worker;
  }

  /** Starts the timeout of a call that runs on the current thread. */
  static ToolDeadline start(Duration timeout) {
    ToolDeadline d = new ToolDeadline(Thread.currentThread());
    d.withdraw = Watchdog.schedule(d::fire, timeout);
    return d;
  }

  /** For tests: a deadline of the current thread that only {@link #fire} ends. */
  static ToolDeadline manual() {
    return new ToolDeadline(Thread.currentThread());
  }

  /** The timer's side: interrupts the call's thread, unless the call has ended. */
  synchronized void fire() {
    if (!ended) {
      fired = true;
      worker.interrupt();
    }
  }

  /** Whether the timeout interrupted the call. */
  synchronized boolean fired() {
    return fired;
  }

  /** Ends the call: no interrupt of the timeout comes after this; one that came is cleared. */
  @Override
  public void close() {
    boolean interrupted;
    synchronized (this) {
      ended = true;
      interrupted = fired;
    }
    withdraw.run();
    if (interrupted) {
      Thread.interrupted();
    }
  }
}
