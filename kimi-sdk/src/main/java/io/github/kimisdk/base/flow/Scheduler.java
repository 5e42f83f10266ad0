package io.github.kimisdk.base.flow;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/** The time source, delayer and randomness of retries and timeouts; tests replace it. */
public interface Scheduler extends Delayer {

  /** Returns a monotonic time in nanoseconds. */
  long nanoTime();

  /**
   * Runs {@code task} once after {@code delay}; the task checks itself whether it is still due.
   *
   * @return withdraws the task from the timer when run before it ran
   */
  @Override
  Runnable schedule(Runnable task, Duration delay);

  /** Returns a random number in [0, 1) for backoff jitter. */
  default double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /**
   * Returns the real scheduler: {@code timer} (the client's lease of {@link DaemonTimer#shared()},
   * closed with the client, or the shared timer itself) hands each due task to {@code executor}, or
   * runs it itself once the executor refuses (it was shut down).
   */
  static Scheduler system(Delayer timer, Executor executor) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Runnable schedule(Runnable task, Duration delay) {
        return timer.schedule(
            () -> {
              try {
                executor.execute(task);
              } catch (RejectedExecutionException shutDown) {
                task.run();
              }
            },
            delay);
      }
    };
  }
}
