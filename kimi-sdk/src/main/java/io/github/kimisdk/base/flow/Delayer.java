package io.github.kimisdk.base.flow;

import java.time.Duration;

/** Runs a task once after a delay, and can withdraw it before it runs. */
@FunctionalInterface
public interface Delayer {

  /**
   * Runs {@code task} once after {@code delay}; the task checks itself whether it is still due.
   *
   * @param task the task
   * @param delay the delay
   * @return withdraws the task, when run before it ran (a no-op after)
   */
  Runnable schedule(Runnable task, Duration delay);
}
