package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Virtual time that moves only when a test calls {@link #advance}; due tasks then run in order. */
public final class ManualScheduler implements Scheduler {

  private record Task(long due, long seq, Runnable run) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now = 5_000_000_000L;
  private long seq;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Runnable schedule(Runnable task, Duration delay) {
    Task t = new Task(now + delay.toNanos(), seq++, task);
    tasks.add(t);
    notifyAll(); // a test may wait for it: awaitScheduled
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  @Override
  public double random() {
    return 0.5;
  }

  /** Moves the clock forward by {@code d}, running each task when its time comes. */
  public void advance(Duration d) {
    long end;
    synchronized (this) {
      end = now + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = null;
        for (Task t : tasks) {
          if (t.due() <= end
              && (next == null
                  || t.due() < next.due()
                  || (t.due() == next.due() && t.seq() < next.seq()))) {
            next = t;
          }
        }
        if (next == null) {
          now = end;
          return;
        }
        tasks.remove(next);
        now = Math.max(now, next.due());
      }
      next.run().run();
    }
  }

  /** Moves the clock to the earliest task and runs the tasks due then; false if none is queued. */
  public boolean advanceToNext() {
    long due;
    synchronized (this) {
      if (tasks.isEmpty()) {
        return false;
      }
      due = tasks.stream().mapToLong(Task::due).min().getAsLong();
    }
    long n = nanoTime();
    advance(Duration.ofNanos(Math.max(0, due - n)));
    return true;
  }

  /**
   * Waits (real time, at most a minute: the client's own threads schedule it) until a task is due
   * {@code delay} or more from now, as a retry's wait is.
   *
   * @param delay how far ahead the task is due, at least
   */
  public synchronized void awaitScheduled(Duration delay) {
    long give = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (tasks.stream().noneMatch(t -> t.due() - now >= delay.toNanos())) {
      long left = give - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("nothing was scheduled " + delay + " ahead: " + tasks.size());
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Returns the virtual time passed since creation. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(now - 5_000_000_000L);
  }

  public synchronized int pending() {
    return tasks.size();
  }
}
