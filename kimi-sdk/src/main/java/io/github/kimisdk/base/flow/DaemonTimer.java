package io.github.kimisdk.base.flow;

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
 * <p>It is the SDK's one timer mechanism (LayoutTest keeps every other out), and one timer, {@link
 * #shared()}, serves the whole SDK, so that an agent run has one timer thread: each client
 * schedules on it through a {@link Lease} that runs its waiting tasks at the client's close (as a
 * timer of its own would, {@link #leaseRunningAtClose()}), each {@code McpClient} through a lease
 * that withdraws them at its close ({@link #lease()}). When a lease closes and no task waits, the
 * thread ends at once rather than after {@link #KEEP_ALIVE_SECONDS}.
 */
public final class DaemonTimer implements Delayer, AutoCloseable {

  /** How long the thread waits for a task before it ends. */
  static final long KEEP_ALIVE_SECONDS = 5;

  private static final Runnable NOTHING = () -> {};

  /** The timer of the floors above the client; never closed, its thread ends when idle. */
  private static final DaemonTimer SHARED = new DaemonTimer("kimi-timer-shared");

  private final ThreadFactory threads;
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
    this.threads = new Daemons(name);
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
    return new Lease(false);
  }

  /**
   * Returns a lease of this timer that ends as a timer of its own would ({@link #close()}): closing
   * it runs each of its tasks still waiting once, now, on the calling thread, and a task scheduled
   * after is dropped. A client's, whose tasks check whether they are still due and some of which
   * (giving up a connection kept for reuse) must not be lost.
   *
   * @return a new lease
   */
  public Lease leaseRunningAtClose() {
    return new Lease(true);
  }

  /**
   * Runs {@code task} on the timer thread after {@code delay}; see {@link #schedule(Runnable,
   * long)}.
   *
   * @param task the task
   * @param delay the delay
   * @return withdraws the task when run
   */
  @Override
  public Runnable schedule(Runnable task, Duration delay) {
    return schedule(task, delay.toNanos());
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
        p = new ScheduledThreadPoolExecutor(1, threads);
        p.setKeepAliveTime(keepAliveMillis, TimeUnit.MILLISECONDS);
        p.allowCoreThreadTimeOut(true);
        p.setRemoveOnCancelPolicy(true);
        p.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // see endIfIdle()
        pool = p;
      }
      waiting.add(t);
    }
    try {
      Future<?> f = p.schedule(t, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      t.scheduled = f;
      if (!waiting.contains(t)) { // withdrawn (or run) before it was on the pool
        f.cancel(false);
      }
    } catch (RejectedExecutionException shutDown) {
      // The pool was shut down since t joined waiting under the lock: by endIfIdle(), which does
      // so only when nothing waits, so t was withdrawn already; or by close(), which runs t itself
    }
    return t::cancel;
  }

  /**
   * Ends the thread now, not after the keep-alive, when no task waits; the next task starts
   * another. Called when a lease closes, which is when its owner's program may be about to end.
   */
  private void endIfIdle() {
    ScheduledThreadPoolExecutor p;
    synchronized (this) {
      // schedule() adds its task to waiting under this lock before it uses the pool
      if (pool == null || !waiting.isEmpty()) {
        return;
      }
      p = pool;
      pool = null;
    }
    p.shutdown(); // a task running now (it left waiting as it started) finishes
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
   * One owner's share of a timer (a client's, an {@code McpClient}'s): its tasks run on the timer's
   * thread; {@link #close()} takes those still waiting off the timer, and either runs each once,
   * now ({@link #leaseRunningAtClose()}), or drops them ({@link #lease()}).
   *
   * <p>Each task is claimed once, by whichever comes first: the timer firing it, its withdrawal or
   * the lease's close; only the claimer runs it (or drops it).
   */
  public final class Lease implements Delayer, AutoCloseable {
    private final boolean runAtClose;
    private final Set<Entry> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Lease(boolean runAtClose) {
      this.runAtClose = runAtClose;
    }

    /**
     * Runs {@code task} on the timer thread after {@code delay}.
     *
     * @param task the task
     * @param delay the delay
     * @return withdraws the task when run before it ran
     * @throws java.util.concurrent.RejectedExecutionException if the lease was closed and does not
     *     run its tasks at close (one that does drops the task, as a closed timer does)
     */
    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      if (closed) {
        return refused();
      }
      Entry e = new Entry(task);
      waiting.add(e);
      Runnable off = DaemonTimer.this.schedule(e::fire, delay.toNanos());
      e.off = off;
      if (closed) { // closed meanwhile: close() may have passed e before it was on the timer
        off.run();
        e.claim(); // close() ran or dropped it if it saw it; otherwise it came after the close
        return refused();
      }
      return e;
    }

    private Runnable refused() {
      if (runAtClose) {
        return NOTHING;
      }
      throw new RejectedExecutionException("the timer's lease was closed");
    }

    /**
     * Takes every task still waiting off the timer, runs each once on this thread when the lease
     * runs its tasks at close, and refuses (or drops) new ones; ends the timer's thread if nothing
     * else waits. Idempotent; any thread.
     */
    @Override
    public void close() {
      closed = true;
      for (Entry e : List.copyOf(waiting)) {
        if (e.claim()) {
          e.takeOff();
          if (runAtClose) {
            try {
              e.task.run();
            } catch (RuntimeException x) {
              System.getLogger(DaemonTimer.class.getName())
                  .log(System.Logger.Level.DEBUG, "a timer task failed while its lease closed", x);
            }
          }
        }
      }
      endIfIdle();
    }

    /** One task of the lease; running it withdraws the task. */
    private final class Entry implements Runnable {
      final Runnable task;
      volatile Runnable off; // takes it off the timer; null until it is on the timer

      Entry(Runnable task) {
        this.task = task;
      }

      /** Tells whether this caller is the one that runs or drops the task. */
      boolean claim() {
        return waiting.remove(this);
      }

      void takeOff() {
        Runnable o = off;
        if (o != null) {
          o.run();
        }
      }

      /** The timer fired it. */
      void fire() {
        if (claim()) {
          task.run();
        }
      }

      @Override
      public void run() {
        if (claim()) {
          takeOff();
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
