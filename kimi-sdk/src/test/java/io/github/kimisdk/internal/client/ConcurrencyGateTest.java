package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.internal.http.RateRefusal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ConcurrencyGate}: additive increase, multiplicative decrease, one rule per case. */
class ConcurrencyGateTest {

  private static final RateRefusal CONCURRENCY =
      new RateRefusal(Duration.ofSeconds(1), "too busy", true);

  private static final RateRefusal RATE = new RateRefusal(Duration.ofSeconds(1), "max RPM: 3");

  private final ConcurrencyGate gate = new ConcurrencyGate(Integer.MAX_VALUE);

  private List<ConcurrencyGate.Permit> grant(int n) {
    List<ConcurrencyGate.Permit> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<ConcurrencyGate.Permit> p = gate.acquire();
      assertThat(p).as("permit %d", i).isDone();
      out.add(p.join());
    }
    return out;
  }

  @Test
  void passesEveryAttemptUntilTheHostFirstRefuses() {
    grant(1000);
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(gate.inFlight()).isEqualTo(1000);
  }

  @Test
  void theFirstRefusalHalvesWhatWasInFlight() {
    List<ConcurrencyGate.Permit> p = grant(8);
    p.get(3).refused(1, CONCURRENCY);
    assertThat(gate.limit()).isEqualTo(4);
    assertThat(gate.decreases()).isEqualTo(1);
  }

  @Test
  void refusalsOfOneRoundLowerTheLimitOnce() {
    List<ConcurrencyGate.Permit> p = grant(8);
    for (ConcurrencyGate.Permit each : p.subList(1, 8)) {
      each.refused(1, CONCURRENCY);
    }
    assertThat(gate.limit()).isEqualTo(4);
    assertThat(gate.decreases()).isEqualTo(1);
  }

  @Test
  void aRefusalOfTheNextRoundHalvesAgainButNeverBelowOne() {
    List<ConcurrencyGate.Permit> first = grant(4);
    first.get(0).refused(1, CONCURRENCY); // limit 2
    first.forEach(x -> x.finish(null));
    for (int round = 0; round < 5; round++) {
      ConcurrencyGate.Permit p = gate.acquire().join();
      p.refused(1, CONCURRENCY);
      p.finish(new IllegalStateException("refused"));
    }
    assertThat(gate.limit()).isEqualTo(1);
  }

  @Test
  void aLimitTheHostStatesIsTakenAtOnce() {
    List<ConcurrencyGate.Permit> p = grant(10);
    p.get(0).refused(1, new RateRefusal(null, "reached organization max concurrency: 3", true));
    assertThat(gate.limit()).isEqualTo(3);
  }

  @Test
  void aRefusalForTheRateMovesNothing() {
    List<ConcurrencyGate.Permit> p = grant(4);
    p.get(0).refused(1, RATE);
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void attemptsOverTheLimitWaitInOrderForASlot() {
    List<ConcurrencyGate.Permit> p = grant(2);
    p.get(0).refused(1, CONCURRENCY); // limit 1, two in flight
    p.get(0).finish(new IllegalStateException("refused"));
    CompletableFuture<ConcurrencyGate.Permit> a = gate.acquire();
    CompletableFuture<ConcurrencyGate.Permit> b = gate.acquire();
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
    p.get(1).finish(null);
    assertThat(a).isDone();
    assertThat(b).isNotDone();
    a.join().finish(null);
    assertThat(b).isDone();
  }

  @Test
  void aWithdrawnWaiterGivesItsSlotToTheNext() {
    List<ConcurrencyGate.Permit> p = grant(2);
    p.get(0).refused(1, CONCURRENCY);
    p.get(0).finish(new IllegalStateException("refused"));
    CompletableFuture<ConcurrencyGate.Permit> a = gate.acquire();
    CompletableFuture<ConcurrencyGate.Permit> b = gate.acquire();
    a.cancel(false);
    p.get(1).finish(null);
    assertThat(b).isDone();
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void successesInARowRaiseTheLimitByOneBackToTheConfiguredMaximumWhereItStopsLimiting() {
    ConcurrencyGate bounded = new ConcurrencyGate(4);
    List<ConcurrencyGate.Permit> p = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      p.add(bounded.acquire().join());
    }
    assertThat(bounded.limit())
        .as("the configured maximum is the rate limiter's to enforce, with its own queue")
        .isEqualTo(Integer.MAX_VALUE);
    p.get(0).refused(1, CONCURRENCY); // 4 in flight: limit 2
    p.forEach(x -> x.finish(null));
    assertThat(bounded.limit()).isEqualTo(2);
    for (int i = 0; i < ConcurrencyGate.INCREASE_AFTER; i++) {
      bounded.acquire().join().finish(null);
    }
    assertThat(bounded.limit()).isEqualTo(3);
    for (int i = 0; i < 100; i++) {
      bounded.acquire().join().finish(null);
    }
    assertThat(bounded.limit()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aPermitFinishedTwiceGivesItsSlotBackOnce() {
    ConcurrencyGate.Permit p = grant(1).get(0);
    p.finish(null);
    p.finish(null);
    assertThat(gate.inFlight()).isZero();
  }
}
