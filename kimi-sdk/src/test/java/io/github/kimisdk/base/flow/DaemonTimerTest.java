package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonTimerTest {

  @Test
  void noThreadUntilTheFirstTask() {
    DaemonTimer timer = new DaemonTimer("test-timer");
    assertThat(timer.threads()).isZero();
    timer.close();
    assertThat(timer.threads()).isZero();
  }

  @Test
  void runsTasksAfterTheirDelayOnADaemonThread() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer");
    CountDownLatch ran = new CountDownLatch(1);
    List<Thread> on = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    timer.schedule(
        () -> {
          on.add(Thread.currentThread());
          ran.countDown();
        },
        Duration.ofMillis(50).toNanos());
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(on.get(0).isDaemon()).isTrue();
    assertThat(on.get(0).getName()).startsWith("test-timer-");
    timer.close();
  }

  @Test
  void theThreadEndsWhenNoTaskWaitsAndComesBackForTheNext() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer", 50);
    CountDownLatch first = new CountDownLatch(1);
    List<Thread> on = new CopyOnWriteArrayList<>();
    timer.schedule(
        () -> {
          on.add(Thread.currentThread());
          first.countDown();
        },
        0);
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    on.get(0).join(10_000); // the timer thread ends once no task waits
    assertThat(on.get(0).isAlive()).isFalse();
    assertThat(timer.threads()).isZero();
    CountDownLatch second = new CountDownLatch(1);
    timer.schedule(second::countDown, 0);
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    timer.close();
  }

  @Test
  void aWithdrawnTaskNeverRuns() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer");
    List<String> runs = new CopyOnWriteArrayList<>();
    // the timer thread held by a task of its own until the other is withdrawn: however late this
    // thread runs (a loaded machine), the withdrawal comes before the task's time is looked at
    CountDownLatch withdrawn = new CountDownLatch(1);
    timer.schedule(
        () -> {
          try {
            withdrawn.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        0);
    Runnable withdraw =
        timer.schedule(() -> runs.add("withdrawn"), Duration.ofMillis(20).toNanos());
    withdraw.run();
    withdrawn.countDown();
    CountDownLatch later = new CountDownLatch(1);
    timer.schedule(later::countDown, Duration.ofMillis(60).toNanos());
    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    timer.close();
    assertThat(runs).isEmpty();
  }

  @Test
  void closingRunsTheWaitingTasksOnceEndsTheThreadAndDropsLaterOnes() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer");
    List<String> runs = new CopyOnWriteArrayList<>();
    timer.schedule(() -> runs.add("a"), Duration.ofHours(1).toNanos());
    timer.schedule(() -> runs.add("b"), Duration.ofHours(2).toNanos());
    Runnable withdrawn = timer.schedule(() -> runs.add("c"), Duration.ofHours(1).toNanos());
    withdrawn.run();
    assertThat(timer.threads()).isEqualTo(1);
    timer.close();
    timer.close();
    assertThat(runs).containsExactlyInAnyOrder("a", "b");
    timer.schedule(() -> runs.add("late"), 0).run();
    // closed: no thread is left, and none is started for the late task, so it cannot run
    assertThat(timer.threads()).isZero();
    assertThat(runs).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aLeaseWithdrawsItsWaitingTasksAtCloseAndRefusesNewOnes() {
    DaemonTimer timer = new DaemonTimer("test-timer");
    DaemonTimer.Lease a = timer.lease();
    DaemonTimer.Lease b = timer.lease();
    List<String> runs = new CopyOnWriteArrayList<>();
    a.schedule(() -> runs.add("a"), Duration.ofHours(1));
    b.schedule(() -> runs.add("b"), Duration.ofHours(1));
    assertThat(timer.waiting()).isEqualTo(2);
    a.close();
    a.close();
    assertThat(timer.waiting()).as("a's task left the timer").isEqualTo(1);
    assertThatThrownBy(() -> a.schedule(() -> runs.add("late"), Duration.ZERO))
        .isInstanceOf(RejectedExecutionException.class);
    timer.close(); // runs what still waits: b's task only
    assertThat(runs).containsExactly("b");
  }

  @Test
  void aLeaseRunningAtCloseRunsItsWaitingTasksOnceAndDropsLaterOnes() {
    DaemonTimer timer = new DaemonTimer("test-timer");
    DaemonTimer.Lease client = timer.leaseRunningAtClose();
    DaemonTimer.Lease other = timer.lease();
    List<String> runs = new CopyOnWriteArrayList<>();
    client.schedule(() -> runs.add("a"), Duration.ofHours(1));
    client.schedule(() -> runs.add("withdrawn"), Duration.ofHours(1)).run();
    other.schedule(() -> runs.add("other"), Duration.ofHours(1));
    client.close();
    client.close();
    assertThat(runs).as("the client's waiting task ran once, on this thread").containsExactly("a");
    assertThat(timer.waiting()).as("the other lease's task still waits").isEqualTo(1);
    client.schedule(() -> runs.add("late"), Duration.ZERO).run(); // dropped, as a closed timer's
    other.close();
    timer.close();
    assertThat(runs).containsExactly("a");
  }

  @Test
  void closingALeaseEndsTheIdleThreadAtOnceUnlessAnotherTaskWaits() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer", Duration.ofMinutes(10).toMillis());
    DaemonTimer.Lease first = timer.lease();
    DaemonTimer.Lease second = timer.lease();
    List<Thread> on = new CopyOnWriteArrayList<>();
    CountDownLatch ran = new CountDownLatch(1);
    first.schedule(
        () -> {
          on.add(Thread.currentThread());
          ran.countDown();
        },
        Duration.ZERO);
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    first.schedule(() -> {}, Duration.ofHours(1));
    second.schedule(() -> {}, Duration.ofHours(1));
    first.close();
    assertThat(timer.threads()).as("second's task still waits").isEqualTo(1);
    second.close();
    assertThat(timer.threads()).isZero();
    on.get(0).join(10_000);
    assertThat(on.get(0).isAlive()).as("ended long before its keep-alive").isFalse();
    CountDownLatch again = new CountDownLatch(1);
    timer.lease().schedule(again::countDown, Duration.ZERO);
    assertThat(again.await(10, TimeUnit.SECONDS)).as("the next task starts a thread").isTrue();
    timer.close();
  }

  @Test
  void aLeasesTasksRunOnItsTimersThreadUnlessWithdrawn() throws Exception {
    DaemonTimer timer = new DaemonTimer("test-timer");
    DaemonTimer.Lease lease = timer.lease();
    List<String> runs = new CopyOnWriteArrayList<>();
    lease.schedule(() -> runs.add("withdrawn"), Duration.ofMillis(20)).run();
    CountDownLatch ran = new CountDownLatch(1);
    lease.schedule(
        () -> {
          runs.add(Thread.currentThread().getName());
          ran.countDown();
        },
        Duration.ofMillis(40));
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).singleElement(STRING).startsWith("test-timer-");
    assertThat(timer.waiting()).isZero();
    timer.close();
  }

  @Test
  void theSharedTimerOutlivesACloseAndRunsOnOneDaemonThread() throws Exception {
    DaemonTimer shared = DaemonTimer.shared();
    assertThat(DaemonTimer.shared()).isSameAs(shared);
    shared.close();
    CountDownLatch ran = new CountDownLatch(1);
    List<Thread> on = new CopyOnWriteArrayList<>();
    shared.schedule(
        () -> {
          on.add(Thread.currentThread());
          ran.countDown();
        },
        0);
    assertThat(ran.await(10, TimeUnit.SECONDS))
        .as("a close does not stop the shared timer")
        .isTrue();
    assertThat(on.get(0).getName()).startsWith("kimi-timer-shared-");
    assertThat(on.get(0).isDaemon()).isTrue();
  }
}
