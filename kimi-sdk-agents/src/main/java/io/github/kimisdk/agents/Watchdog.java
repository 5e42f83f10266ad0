package io.github.kimisdk.agents;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of this module: tool calls' timeouts and claims' heartbeats. Its daemon thread ends
 * when idle. Nothing on it waits: what may wait on a store runs {@link #offTimer}.
 */
final class Watchdog {
  private Watchdog() {}

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "kimi-agent-watchdog");
              th.setDaemon(true);
              return th;
            });
    t.setKeepAliveTime(10, TimeUnit.SECONDS);
    t.allowCoreThreadTimeOut(true);
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * The threads that do what the timer times and that may wait on a store: claims' renewals. A
   * renewal that hangs holds one of them, never the timer. Daemon threads, ended when idle.
   */
  private static final ExecutorService OFF_TIMER =
      Executors.newCachedThreadPool(
          r -> {
            Thread th = new Thread(r, "kimi-agent-renew");
            th.setDaemon(true);
            return th;
          });

  /** Runs {@code task} now on a thread of its own, off the timer: for work that may wait. */
  static void offTimer(Runnable task) {
    OFF_TIMER.execute(task);
  }

  /** Runs {@code task} every {@code every}, the first time after it; cancel the future to stop. */
  static ScheduledFuture<?> every(Runnable task, long everyNanos) {
    return TIMER.scheduleWithFixedDelay(task, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} after {@code delay}; the returned action withdraws it. */
  static Runnable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
