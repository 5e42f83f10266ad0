package io.github.kimisdk.internal.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The time source, delayer and randomness of retries and timeouts; tests replace it. */
public interface Scheduler {

  /** Returns a monotonic time in nanoseconds. */
  long nanoTime();

  /** Runs {@code task} once after {@code delay}; the task checks itself whether it is still due. */
  void schedule(Runnable task, Duration delay);

  /** Returns a random number in [0, 1) for backoff jitter. */
  default double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /** Returns the real scheduler: the JDK's shared delay thread hands tasks to {@code executor}. */
  static Scheduler system(Executor executor) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void schedule(Runnable task, Duration delay) {
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor)
            .execute(task);
      }
    };
  }
}
