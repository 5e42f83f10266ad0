package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Virtual time for retry tests: a wait up to {@code autoRunLimit} advances the clock and runs the
 * task at once; longer waits are held until {@link #runHeld()}. Jitter is fixed at 0.5.
 */
public final class VirtualScheduler implements Scheduler {

  private final Duration autoRunLimit;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final long start = now.get();
  private final List<Duration> waits = new ArrayList<>();
  private final List<Runnable> held = new ArrayList<>();

  public VirtualScheduler() {
    this(Duration.ofSeconds(65));
  }

  public VirtualScheduler(Duration autoRunLimit) {
    this.autoRunLimit = autoRunLimit;
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public Runnable schedule(Runnable task, Duration delay) {
    if (delay.compareTo(autoRunLimit) <= 0) {
      synchronized (this) {
        waits.add(delay);
      }
      now.addAndGet(delay.toNanos());
      task.run();
      return () -> {};
    }
    synchronized (this) {
      held.add(task);
    }
    return () -> {
      synchronized (this) {
        held.remove(task);
      }
    };
  }

  @Override
  public double random() {
    return 0.5;
  }

  /** Returns the virtual time passed, in milliseconds. */
  public long elapsedMillis() {
    return (now.get() - start) / 1_000_000;
  }

  public synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }

  public void runHeld() {
    List<Runnable> tasks;
    synchronized (this) {
      tasks = List.copyOf(held);
      held.clear();
    }
    tasks.forEach(Runnable::run);
  }
}
