package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The module's timer: timeouts run when due, earliest first, withdrawn ones never; and timeouts
 * that come later than the one the timer is set for do not set it again.
 */
class WatchdogTest {

  @Test
  void timeoutsRunEarliestFirstAndAWithdrawnOneNever() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch both = new CountDownLatch(2);
    Runnable late =
        Watchdog.schedule(
            () -> {
              ran.add("late");
              both.countDown();
            },
            Duration.ofMillis(300));
    Runnable withdrawn = Watchdog.schedule(() -> ran.add("withdrawn"), Duration.ofMillis(100));
    Watchdog.schedule(
        () -> {
          ran.add("early");
          both.countDown();
        },
        Duration.ofMillis(50));
    withdrawn.run();
    assertThat(both.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("early", "late");
    late.run(); // withdrawing what already ran does nothing
    assertThat(ran).containsExactly("early", "late");
  }

  /**
   * A loop's tool calls, each with the same timeout and each ended long before it: the first sets
   * the timer, the rest leave it as it is (before, each call gave the timer a task of its own, and
   * woke its thread twice).
   */
  @Test
  void aThousandEqualTimeoutsWithdrawnInTurnSetTheTimerAtMostOnce() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    Runnable first = Watchdog.schedule(fired::incrementAndGet, Duration.ofMinutes(10));
    long before = Watchdog.timerTasks();
    for (int i = 0; i < 1000; i++) {
      Watchdog.schedule(fired::incrementAndGet, Duration.ofMinutes(10)).run();
    }
    assertThat(Watchdog.timerTasks() - before).isLessThanOrEqualTo(1);
    first.run();
    // an earlier timeout than the one the timer is set for still runs in time
    CountDownLatch soon = new CountDownLatch(1);
    Watchdog.schedule(soon::countDown, Duration.ofMillis(20));
    assertThat(soon.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).hasValue(0);
  }
}
