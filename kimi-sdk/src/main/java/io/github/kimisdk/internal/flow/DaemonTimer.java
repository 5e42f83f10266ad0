package io.github.kimisdk.internal.flow;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
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
 *
 * <p>It is the SDK's one timer mechanism (LayoutTest keeps every other out): each client has its
 * own, closed with it; the floors above the client, which have no client to close them ({@code
 * ToolRunner}'s tool timeouts and fiber waits, {@code McpClient}'s request timeouts and
 * reconnections), share {@link #shared()}, each {@code McpClient} through a {@link Lease} it ends
 * at its close.
 */
public final class DaemonTimer implements AutoCloseable {

  /** How long the thread waits for a task before it ends. */
  static final long KEEP_ALIVE_SECONDS = 5;

  private static final Runnable NOTHING = () -> {};

  /** The timer of the floors above the client; never closed, its thread ends when idle. */
  private static final DaemonTimer SHARED = new DaemonTimer("kimi-timer-shared");

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
   * Returns the timer shared by everything that has no client to borrow one from: it starts its
   * thread with the first task and ends it after {@link #KEEP_ALIVE_SECONDS} without any, and it is
   * never closed ({@link #close()} on it does nothing).
   *
   * @return the shared timer
   */
  public static DaemonTimer shared() {
    return SHARED;
  }

  /**
   * Returns a lease of this timer for one owner: the owner's tasks run on this timer's thread, and
   * closing the lease withdraws those still waiting and refuses new ones.
   *
   * @return a new lease
   */
  public Lease lease() {
    return new Lease();
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
    if (this == SHARED) {
      return;
    }
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

  /**
   * One owner's share of a timer (an {@code McpClient}'s): its tasks run on the timer's thread, and
   * {@link #close()} withdraws those still waiting, without running them, and refuses new ones.
   */
  public final class Lease implements Delayer, AutoCloseable {
    private final Set<Entry> withdrawals = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Lease() {}

    /**
     * Runs {@code task} on the timer thread after {@code delay}.
     *
     * @param task the task
     * @param delay the delay
     * @return withdraws the task when run before it ran
     * @throws java.util.concurrent.RejectedExecutionException if the lease was closed
     */
    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      if (closed) {
        throw new RejectedExecutionException("the timer's lease was closed");
      }
      Entry e = new Entry();
      withdrawals.add(e);
      e.withdraw =
          DaemonTimer.this.schedule(
              () -> {
                withdrawals.remove(e);
                task.run();
              },
              delay.toNanos());
      if (closed) { // closed meanwhile: close() may have run before the task was on the timer
        e.run();
        throw new RejectedExecutionException("the timer's lease was closed");
      }
      return e;
    }

    /** Withdraws every task still waiting and refuses new ones. Idempotent; any thread. */
    @Override
    public void close() {
      closed = true;
      for (Entry e : List.copyOf(withdrawals)) {
        e.run();
      }
    }

    /** Withdraws one task of the lease from the timer. */
    private final class Entry implements Runnable {
      volatile Runnable withdraw; // null until the task is on the timer

      @Override
      public void run() {
        withdrawals.remove(this);
        Runnable w = withdraw;
        if (w != null) {
          w.run();
        }
      }
    }
  }

  /** Returns how many tasks wait; for tests. */
  int waiting() {
    return waiting.size();
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
