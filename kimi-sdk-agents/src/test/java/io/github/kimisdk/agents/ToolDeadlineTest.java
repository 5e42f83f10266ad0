package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** A tool call's timeout interrupts the call while it runs, and nothing after it ended. */
class ToolDeadlineTest {

  @AfterEach
  void clear() {
    Thread.interrupted();
  }

  /**
   * Runs {@code r} on a thread of its own and waits for it; an interrupt that {@code r} sends this
   * thread while it waits is kept, as it would be had it come a moment earlier.
   */
  static void onTheTimer(Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread timer =
        new Thread(
            () -> {
              r.run();
              done.complete(null);
            },
            "a test's timer");
    timer.setDaemon(true);
    timer.start();
    boolean interrupted = false;
    while (true) {
      try {
        done.get(60, TimeUnit.SECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @RepeatedTest(20) // the interrupt lands while this thread waits for the timer, or after
  void aTimeoutDuringTheCallInterruptsItAndTheCallsEndClearsTheInterrupt() throws Exception {
    ToolDeadline d = ToolDeadline.manual();
    onTheTimer(d::fire);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(d.fired()).isTrue();
    d.close();
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void aTimeoutThatComesAfterTheCallEndedInterruptsNothing() throws Exception {
    ToolDeadline d = ToolDeadline.manual();
    d.close();
    onTheTimer(d::fire);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(d.fired()).isFalse();
  }

  @Test
  void anInterruptOfTheCallersOwnIsKept() {
    ToolDeadline d = ToolDeadline.manual();
    Thread.currentThread().interrupt();
    d.close();
    assertThat(Thread.interrupted()).isTrue();
  }

  @RepeatedTest(50) // the threads meet in a different order from one repetition to the next
  void aTimeoutUnderWayWhenTheCallEndsLandsBeforeTheEndReturnsAndIsCleared() throws Exception {
    CompletableFuture<ToolDeadline> made = new CompletableFuture<>();
    CountDownLatch timerIn = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    Thread call =
        new Thread(
            () -> {
              ToolDeadline d = ToolDeadline.manual();
              made.complete(d);
              // the timer may fire before this thread has left the latch: its interrupt is kept
              boolean early = false;
              while (true) {
                try {
                  timerIn.await();
                  break;
                } catch (InterruptedException e) {
                  early = true;
                }
              }
              if (early) {
                Thread.currentThread().interrupt();
              }
              d.close(); // waits for the timer, which holds the deadline as it decides
              interruptedAfter.complete(Thread.currentThread().isInterrupted());
            },
            "a tool call");
    call.setDaemon(true);
    call.start();
    ToolDeadline d = made.get(60, TimeUnit.SECONDS);
    Thread timer =
        new Thread(
            () -> {
              synchronized (d) {
                timerIn.countDown();
                try {
                  go.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  return;
                }
                d.fire();
              }
            },
            "a test's timer");
    timer.setDaemon(true);
    timer.start();
    assertThat(timerIn.await(60, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    assertThat(interruptedAfter.get(60, TimeUnit.SECONDS)).isFalse();
    assertThat(d.fired()).isTrue();
    timer.join(60_000);
    call.join(60_000);
  }
}
