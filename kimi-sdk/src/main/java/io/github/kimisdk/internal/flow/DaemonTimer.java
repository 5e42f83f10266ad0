package io.github.kimisdk.internal.flow;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A timer on one daemon thread that exists only while tasks wait: it starts with the first task and
 * ends after {@link #KEEP_ALIVE_SECONDS} without any, or at {@link #close()}. It replaces the JDK's
 * {@code CompletableFuture.delayedExecutor}, whose thread lives as long as the JVM, so a program
 * that closed its client leaves no thread of ours behind (launchers such as {@code mvn exec:java}
 * wait for such threads).
 *
 * <p>Tasks run on the timer thread and must be short: hand real work to an executor.
 */
public final class DaemonTimer implements AutoCloseable {

  /** How long the thread waits for a task before it ends. */
  static final long KEEP_ALIVE_SECONDS = 5;

  private static final Runnable NOTHING = () -> {};

  private final String name;
  private final long keepAliveMillis;
  private ScheduledThreadPoolExecutor pool; // guarded by this; created on first use
  private boolean closed; // guarded by this
  private final Set<Task> waiting = ConcurrentHashMap.newKeySet();

  /**
   * Creates a timer; no thread is started until a task is scheduled.
   *
   * @param name the thread's name prefix
   */
  public DaemonTimer(String name) {
    this(name, TimeUnit.SECONDS.toMillis(KEEP_ALIVE_SECONDS));
  }

  DaemonTimer(String name, long keepAliveMillis) {
    this.name = name;
    this.keepAliveMillis = keepAliveMillis;
  }

  /**
   * Runs {@code task} on the timer thread after {@code delayNanos}. After {@link #close()} the task
   * is dropped.
   *
   * @param task the task
   * @param delayNanos the delay in nanoseconds
   * @return withdraws the task when run
   */
  public Runnable schedule(Runnable task, long delayNanos) {
    ScheduledThreadPoolExecutor p;
    Task t = new Task(task);
    synchronized (this) {
      if (closed) {
        return NOTHING;
      }
      p = pool;
      if (p == null) {
        p = new ScheduledThreadPoolExecutor(1, new Daemons(name));
        p.setKeepAliveTime(keepAliveMillis, TimeUnit.MILLISECONDS);
        p.allowCoreThreadTimeOut(true);
        p.setRemoveOnCancelPolicy(true);
        pool = p;
      }
      waiting.add(t);
    }
    t.scheduled = p.schedule(t, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return t::cancel;
  }

  /**
   * Ends the thread. Each task still waiting runs once, now, on the calling thread: tasks check
   * whether they are still due, and one that is not (a retry of a cancelled call) does nothing,
   * while one that is (giving up a connection kept for reuse) is not lost. Idempotent.
   */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor p;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      p = pool;
      pool = null;
    }
    if (p != null) {
      p.shutdownNow();
    }
    for (Task t : List.copyOf(waiting)) {
      try {
        t.run();
      } catch (RuntimeException e) {
        System.getLogger(DaemonTimer.class.getName())
            .log(System.Logger.Level.DEBUG, "a timer task failed while the timer closed", e);
      }
    }
  }

  /** A task that runs at most once, on the timer or at close, unless withdrawn first. */
  private final class Task implements Runnable {
    private final Runnable task;
    volatile Future<?> scheduled;

    Task(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (waiting.remove(this)) {
        task.run();
      }
    }

    void cancel() {
      if (waiting.remove(this)) {
        Future<?> f = scheduled;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }

  /** Returns how many timer threads run (0 or 1); for tests. */
  synchronized int threads() {
    return pool == null ? 0 : pool.getPoolSize();
  }

  private static final class Daemons implements ThreadFactory {
    private static final AtomicInteger TIMERS = new AtomicInteger();
    private final String name;

    Daemons(String name) {
      this.name = name + "-" + TIMERS.incrementAndGet();
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }
  }
}
