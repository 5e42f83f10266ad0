package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients schedule on the SDK's one shared timer, where the MCP client schedules too, so a program
 * has one timer thread; a client's close still runs its own waiting tasks, as its own timer's close
 * did, and leaves another client's alone.
 */
class ClientTimerTest {

  /** Runs each task on the calling thread (the timer's), noting that thread's name. */
  private static final class Noting implements Executor {
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch ran = new CountDownLatch(1);

    @Override
    public void execute(Runnable task) {
      threads.add(Thread.currentThread().getName());
      task.run();
      ran.countDown();
    }
  }

  private static KimiClient client(Executor executor) {
    return KimiClient.builder().apiKey("sk-test").executor(executor).build();
  }

  @Test
  void twoClientsAndTheSharedTimerScheduleOnOneTimerThread() throws Exception {
    Noting a = new Noting();
    Noting b = new Noting();
    List<String> runner = new CopyOnWriteArrayList<>();
    CountDownLatch runnerRan = new CountDownLatch(1);
    try (KimiClient one = client(a);
        KimiClient two = client(b)) {
      ClientInternals.core(one).scheduler().schedule(() -> {}, Duration.ZERO);
      ClientInternals.core(two).scheduler().schedule(() -> {}, Duration.ZERO);
      DaemonTimer.shared() // where what has nothing to close schedules
          .schedule(
              () -> {
                runner.add(Thread.currentThread().getName());
                runnerRan.countDown();
              },
              0);
      assertThat(a.ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(b.ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(runnerRan.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(List.of(a.threads.get(0), b.threads.get(0), runner.get(0)))
        .as("the timer threads of two clients and of the shared timer")
        .allMatch(n -> n.startsWith("kimi-timer-shared-"), "the shared timer's")
        .containsOnly(runner.get(0));
  }

  @Test
  void closingAClientRunsItsWaitingTasksOnceAndLeavesAnotherClientsWaiting() {
    List<String> runs = new CopyOnWriteArrayList<>();
    KimiClient one = client(Runnable::run);
    KimiClient two = client(Runnable::run);
    try {
      Scheduler first = ClientInternals.core(one).scheduler();
      first.schedule(() -> runs.add("one"), Duration.ofHours(1));
      first.schedule(() -> runs.add("withdrawn"), Duration.ofHours(1)).run();
      ClientInternals.core(two).scheduler().schedule(() -> runs.add("two"), Duration.ofHours(1));

      one.close();

      assertThat(runs)
          .as("one's waiting task ran at its close, two's waits")
          .containsExactly("one");
      first.schedule(() -> runs.add("late"), Duration.ZERO).run();
      assertThat(runs).as("a task after the close is dropped").containsExactly("one");
    } finally {
      one.close();
      two.close();
    }
    assertThat(runs).containsExactly("one", "two");
  }
}
