package io.github.kimisdk.agents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of this module: tool calls' timeouts and claims' heartbeats. Its daemon thread ends
 * when idle. Nothing on it waits: what may wait on a store runs {@link #offTimer}.
 *
 * <p>Timeouts ({@link #schedule}) are kept in one ordered set, and the timer is set for the
 * earliest only when a new one comes earlier than the one it is set for. A loop's tool calls, each
 * with the same timeout, each ended long before it, then wake the timer once per timeout rather
 * than once per call (a withdrawn timeout leaves the set, not the timer). So the timer's thread
 * ends at most a tool timeout (and its 10 s of idleness) after the last call.
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

  /** A timeout of {@link #schedule}: when it is due, in order of scheduling among equals. */
  private record Due(long at, long seq, Runnable task) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = Long.signum(at - o.at); // System.nanoTime() values: compare their difference
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** The timeouts not yet due nor withdrawn, earliest first. */
  private static final TreeSet<Due> DUE = new TreeSet<>();

  private static long scheduled; // guarded by DUE
  private static ScheduledFuture<?> armed; // guarded by DUE: the timer's task for the earliest
  private static long armedAt; // guarded by DUE: when armed runs

  /** Runs {@code task} after {@code delay}; the returned action withdraws it. */
  static Runnable schedule(Runnable task, Duration delay) {
    long nanos = delay.toNanos();
    Due d;
    synchronized (DUE) {
      d = new Due(System.nanoTime() + nanos, scheduled++, task);
      DUE.add(d);
      if (armed == null || d.at - armedAt < 0) {
        arm(d.at);
      }
    }
    return () -> {
      synchronized (DUE) {
        DUE.remove(d);
      }
    };
  }

  /** For tests: how many tasks the timer has been given since it was made. */
  static long timerTasks() {
    return TIMER.getTaskCount();
  }

  /** Sets the timer for {@code at}, in place of what it was set for. Holds DUE. */
  private static void arm(long at) {
    if (armed != null) {
      armed.cancel(false);
    }
    armedAt = at;
    armed =
        TIMER.schedule(Watchdog::runDue, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** The timer's task: runs the timeouts that are due, then sets the timer for the next. */
  private static void runDue() {
    List<Runnable> due = new ArrayList<>();
    synchronized (DUE) {
      armed = null;
      long now = System.nanoTime();
      while (!DUE.isEmpty() && DUE.first().at - now <= 0) {
        due.add(DUE.pollFirst().task);
      }
      if (!DUE.isEmpty()) {
        arm(DUE.first().at);
      }
    }
    for (Runnable r : due) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // as the timer's own tasks: one failing timeout neither stops the timer nor the others
      }
    }
  }
}
