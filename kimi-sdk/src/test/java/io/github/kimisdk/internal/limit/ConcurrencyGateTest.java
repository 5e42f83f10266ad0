package io.github.kimisdk.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.RateRefusal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link ConcurrencyGate}: the queue that holds attempts to the limit its rule learned (the rule's
 * own table is {@link ConcurrencyLimitTest}), and tells each move of it.
 */
class ConcurrencyGateTest {

  private static final RateRefusal CONCURRENCY =
      new RateRefusal(Duration.ofSeconds(1), "too busy", true);

  private static final RateRefusal RATE = new RateRefusal(Duration.ofSeconds(1), "max RPM: 3");

  private final List<ConcurrencyLimit.Change> told = new ArrayList<>();
  private final ConcurrencyGate gate = new ConcurrencyGate(Integer.MAX_VALUE, told::add, () -> 0);

  private List<ConcurrencyGate.Permit> grant(int n) {
    List<ConcurrencyGate.Permit> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<ConcurrencyGate.Permit> p = gate.acquire();
      assertThat(p).as("permit %d", i).isDone();
      out.add(p.join());
    }
    return out;
  }

  private static void refuse(ConcurrencyGate.Permit p) {
    p.refused(1, CONCURRENCY);
    p.finish(new IllegalStateException("refused"));
  }

  /** Eight attempts at once, all refused: the round cuts the limit to 1. */
  private void cutToOne() {
    grant(ConcurrencyLimit.MIN_ROUND).forEach(ConcurrencyGateTest::refuse);
    assertThat(gate.limit()).isEqualTo(1);
  }

  @Test
  void passesEveryAttemptUntilTheHostFirstRefuses() {
    grant(1000);
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(gate.inFlight()).isEqualTo(1000);
  }

  @Test
  void oneRefusalMovesNothingUntilItsRoundIsJudged() {
    List<ConcurrencyGate.Permit> p = grant(8);
    refuse(p.get(3));
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(told).isEmpty();
  }

  @Test
  void aRoundOfRefusalsCutsTheLimitAndTellsIt() {
    cutToOne();
    assertThat(told)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo(ConcurrencyLimit.Reason.CUT);
              assertThat(c.from()).isEqualTo(ConcurrencyLimit.NONE);
              assertThat(c.to()).isEqualTo(1);
              assertThat(c.attempts()).isEqualTo(8);
              assertThat(c.refused()).isEqualTo(8);
            });
  }

  @Test
  void aRetryGrantedBeforeItsRefusedAttemptsPermitIsBackIsNotCountedTwice() {
    List<ConcurrencyGate.Permit> round = grant(8);
    List<ConcurrencyGate.Permit> refused = round.subList(0, 6);
    refused.forEach(p -> p.refused(1, CONCURRENCY)); // heard from the transport
    List<ConcurrencyGate.Permit> retries = grant(6); // sent again before the failures went up
    assertThat(gate.inFlight()).isEqualTo(14);
    refused.forEach(p -> p.finish(new IllegalStateException("refused")));
    round.get(6).finish(null);
    round.get(7).finish(null);
    assertThat(gate.limit())
        .as("2 of the 8 out were not refused, not 2 of 14: the retries only replaced them")
        .isEqualTo(2);
    retries.forEach(p -> p.finish(null));
  }

  @Test
  void aRefusalTheTransportDidNotTellIsJudgedFromTheFailure() {
    ErrorFactory errors = TestErrors.factory();
    byte[] body =
        "{\"object\":\"error\",\"message\":\"The request queue is full.\",\"code\":503}"
            .getBytes(StandardCharsets.UTF_8);
    for (ConcurrencyGate.Permit each : grant(ConcurrencyLimit.MIN_ROUND)) {
      each.finish(errors.httpError(new ResponseMetadata(503, Map.of()), body, 0, body.length));
    }
    assertThat(gate.cuts()).isEqualTo(1);
    assertThat(ConcurrencyGate.refusedForConcurrency(new IllegalStateException("other"))).isFalse();
  }

  @Test
  void aLimitTheHostStatesIsTakenAtOnce() {
    List<ConcurrencyGate.Permit> p = grant(10);
    p.get(0).refused(1, new RateRefusal(null, "reached organization max concurrency: 3", true));
    assertThat(gate.limit()).isEqualTo(3);
    assertThat(told)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(ConcurrencyLimit.Reason.STATED);
  }

  @Test
  void aRefusalForTheRateMovesNothing() {
    List<ConcurrencyGate.Permit> p = grant(ConcurrencyLimit.MIN_ROUND);
    for (ConcurrencyGate.Permit each : p) {
      each.refused(1, RATE);
      each.finish(new IllegalStateException("rate limited"));
    }
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(gate.cuts()).isZero();
  }

  @Test
  void cancelledAttemptsSayNothingOfTheHost() {
    for (ConcurrencyGate.Permit each : grant(ConcurrencyLimit.MIN_ROUND)) {
      each.finish(new CancellationException("cancelled"));
    }
    for (ConcurrencyGate.Permit each : grant(ConcurrencyLimit.MIN_ROUND)) {
      each.finish(RateLimiter.CANCELLED);
    }
    assertThat(gate.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(told).isEmpty();
  }

  @Test
  void attemptsOverTheLimitWaitInOrderForASlot() {
    cutToOne();
    ConcurrencyGate.Permit holder = gate.acquire().join();
    CompletableFuture<ConcurrencyGate.Permit> a = gate.acquire();
    CompletableFuture<ConcurrencyGate.Permit> b = gate.acquire();
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
    assertThat(gate.waiting()).isEqualTo(2);
    holder.finish(null);
    assertThat(a).isDone();
    assertThat(b).isNotDone();
    a.join().finish(null);
    assertThat(b).isDone();
  }

  @Test
  void aWithdrawnWaiterGivesItsSlotToTheNext() {
    cutToOne();
    ConcurrencyGate.Permit holder = gate.acquire().join();
    CompletableFuture<ConcurrencyGate.Permit> a = gate.acquire();
    CompletableFuture<ConcurrencyGate.Permit> b = gate.acquire();
    a.cancel(false);
    holder.finish(null);
    assertThat(b).isDone();
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void aPermitFinishedTwiceGivesItsSlotBackOnce() {
    ConcurrencyGate.Permit p = grant(1).get(0);
    p.finish(null);
    p.finish(null);
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void theLineThatTellsAMoveNamesTheTargetTheLimitsAndTheRound() {
    String line =
        ConcurrencyGate.line(
            "vllm at vllm.internal:8000",
            new ConcurrencyLimit.Change(
                ConcurrencyLimit.Reason.UNDONE, 57, ConcurrencyLimit.NONE, 60, 4, 0.0625));
    assertThat(line)
        .isEqualTo(
            "concurrency limit of vllm at vllm.internal:8000: 57 -> none (undone: 4 of the"
                + " round's 60 attempts refused for concurrency, 6.3% tolerated)");
    assertThat(
            ConcurrencyGate.line(
                "moonshot at api.moonshot.ai",
                new ConcurrencyLimit.Change(ConcurrencyLimit.Reason.STATED, 8, 3, 0, 0, 0)))
        .endsWith(": 8 -> 3 (stated: the host stated it)");
  }
}
