package io.github.kimisdk.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.internal.http.ErrorFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Route}, the one owner of where a chat call goes, on real targets and virtual time: what
 * each failure means for where (judged by what the host answered and when), the health each failure
 * leaves, what a hand-over reserves before the slow copy is touched, and the moves each answer
 * tells.
 */
class RouteTest {

  private static final ErrorFactory ERRORS = TestErrors.factory();
  private static final Host A = Host.vllm("http://127.0.0.1:8001/v1");
  private static final Host B = Host.vllm("http://127.0.0.1:8002/v1");
  private static final Host C = Host.vllm("http://127.0.0.1:8003/v1");

  private static KimiException status(int status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return ERRORS.httpError(new ResponseMetadata(status, Map.of()), b, 0, b.length);
  }

  private static KimiException overloaded() {
    return status(529, "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}");
  }

  private static KimiException fullQueue() {
    return status(
        503,
        "{\"error\":{\"message\":\"The engine is currently busy and cannot accept new requests."
            + " Please try again later or on a different instance.\",\"type\":\"Service"
            + " Unavailable\",\"param\":null,\"code\":503}}");
  }

  private static KimiException cutAfterItsStatus() {
    return ERRORS.failure(
        new java.io.IOException("connection reset"), new ResponseMetadata(200, Map.of()), null);
  }

  private static KimiException timedOut() {
    return ERRORS.failure(
        new java.net.http.HttpConnectTimeoutException("HTTP connect timed out"), null, null);
  }

  private static KimiException unreachable() {
    return ERRORS.failure(new java.net.ConnectException("Connection refused"), null, null);
  }

  /** The moves an answer told. */
  private final List<Move> told = new ArrayList<>();

  private int next(Route r) {
    return r.next(told::add).target();
  }

  @Test
  void aCutAfterTheResponseBeganStaysWhereItWasAndCoolsNothing() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route();
      assertThat(next(r)).isZero();

      Verdict v = r.failed(cutAfterItsStatus());

      assertThat(v).isEqualTo(new Verdict(Kind.CUT, Verdict.Next.STAY));
      assertThat(c.router.status(0, null).state()).isEqualTo(TargetStatus.State.AVAILABLE);
      assertThat(next(r)).as("retried in place").isZero();
      assertThat(told).as("no move").isEmpty();
      assertThat(next(c.route())).as("the next call goes there as before").isZero();
    }
  }

  @Test
  void anOverloadCoolsItsTargetAndMovesOnTellingTheFallbackFromIt() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route();
      next(r);
      KimiException k = overloaded();

      assertThat(r.failed(k)).isEqualTo(new Verdict(Kind.OVERLOAD, Verdict.Next.MOVE));
      assertThat(next(r)).isEqualTo(1);

      assertThat(told)
          .containsExactly(new Move.Fallback(k, c.router.served(0), c.router.served(1)));
      assertThat(c.router.status(0, null).state()).isEqualTo(TargetStatus.State.COOLING);
      assertThat(next(c.route())).as("the next call passes the cooling target").isEqualTo(1);
    }
  }

  @Test
  void aFullQueueHoldsItsTargetBrieflyNeverDoublingNorProbing() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      for (int round = 0; round < 3; round++) {
        Route r = c.route();
        assertThat(next(r)).isZero();
        assertThat(r.failed(fullQueue()).next()).isEqualTo(Verdict.Next.MOVE);
        assertThat(c.router.health(0).availableInNanos())
            .as("held for the policy's first backoff, every time")
            .isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(c.router.health(0).busy()).isTrue();
        c.time.advance(Duration.ofMillis(500));
        assertThat(c.router.status(0, null).state())
            .as("available again when the hold ends: no probe")
            .isEqualTo(TargetStatus.State.AVAILABLE);
      }
      assertThat(c.router.health(0).probes()).isZero();
    }
  }

  @Test
  void aRequestTooLongStaysWhenNoTargetLeftHasALongerContextAndDoesNotCoolItsTarget() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route(); // both targets serve kimi-k3: one context window
      assertThat(next(r)).isZero();
      KimiException tooLong =
          status(
              400,
              "{\"error\":{\"type\":\"invalid_request_error\","
                  + "\"message\":\"Your request exceeded model token limit : 8192\"}}");

      Verdict v = r.failed(tooLong);

      assertThat(v.kind()).isEqualTo(Kind.CONTEXT);
      assertThat(v.next()).as("no target with a longer context").isEqualTo(Verdict.Next.STAY);
      assertThat(c.router.health(0).availableInNanos()).as("not cooled").isZero();
      assertThat(next(r)).as("the retry goes where it went").isZero();
      assertThat(told).isEmpty();
    }
  }

  @Test
  void everyTargetRefusingStartsANewRoundAndNamesEachAnswer() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route();
      next(r);
      KimiException down = unreachable();
      assertThat(r.failed(down).next()).isEqualTo(Verdict.Next.MOVE);
      next(r);
      KimiException busy = fullQueue();
      assertThat(r.failed(busy).next()).isEqualTo(Verdict.Next.ROUND);

      Where w = r.next(told::add);

      assertThat(w.target()).isEqualTo(Where.WAIT);
      assertThat(w.busy()).as("one of them is busy, not down").isTrue();
      assertThat(w.soonestNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
      assertThat(r.report().targets())
          .contains(
              "target 0 (vllm at 127.0.0.1:8001) answered ConnectionException"
                  + " (could not be reached)")
          .contains("cooling down for 5 s more")
          .contains("target 1 (vllm at 127.0.0.1:8002) answered HTTP 503")
          .contains("busy for 500 ms more");
      assertThat(r.report().lastAnswer()).as("the one answer with a status").isSameAs(busy);
      assertThat(r.report().lastFailure()).isIn(down, busy);
    }
  }

  @Test
  void busyTargetsPassedThisRoundAreWaitedForRatherThanFailingOnTheDownOnes() {
    try (TestRouters.Chain c = TestRouters.chain(A, B, C)) {
      c.router.health(2).cool(null, false, overloaded()); // C down before the call
      Route r = c.route();
      next(r);
      assertThat(r.failed(fullQueue()).next()).isEqualTo(Verdict.Next.MOVE);
      next(r);
      assertThat(r.failed(fullQueue()).next()).isEqualTo(Verdict.Next.MOVE);

      Where w = r.next(told::add);

      assertThat(w.target()).isEqualTo(Where.WAIT);
      assertThat(w.busy()).as("a busy host is worth a short wait").isTrue();
      assertThat(w.soonestNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
      c.time.advance(Duration.ofMillis(500));
      assertThat(next(r)).as("the first busy host back").isZero();
    }
  }

  @Test
  void aHandOverWithNowhereToGoTakesNothingAndLeavesTheSlowCopyAlone() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      c.router.health(1).cool(null, false, overloaded());
      Route r = c.route();
      next(r);

      assertThat(r.hedge(Duration.ofMillis(400))).isNull();

      assertThat(c.router.health(1).probes()).isZero();
      assertThat(told).isEmpty();
    }
  }

  @Test
  void twoHandOversCannotCountOnOneProbe() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      c.router.health(1).cool(null, false, overloaded());
      c.time.advance(Duration.ofSeconds(5)); // B's cooldown over: its next call is its probe
      Route first = c.route();
      Route second = c.route();
      next(first);
      next(second);

      assertThat(first.hedge(Duration.ofMillis(400))).as("takes B's probe").isNotNull();
      assertThat(second.hedge(Duration.ofMillis(400))).as("B's probe is out").isNull();

      assertThat(next(first)).isEqualTo(1);
      assertThat(c.router.health(1).probes()).isEqualTo(1);
    }
  }

  @Test
  void aHandOverGoesWhereItReservedAndIsToldAsHedged() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route();
      next(r);

      assertThat(r.hedge(Duration.ofMillis(400))).isNotNull();
      assertThat(next(r)).isEqualTo(1);

      assertThat(told)
          .containsExactly(
              new Move.Rerouted(
                  CallEvent.Reroute.HEDGED,
                  c.router.served(0),
                  c.router.served(1),
                  Duration.ofMillis(400)));
      assertThat(c.router.status(0, null).state())
          .as("the slow target does not cool down")
          .isEqualTo(TargetStatus.State.AVAILABLE);
    }
  }

  @Test
  void aHandOverUndoneGivesBackTheRoomItReserved() {
    try (TestRouters.Chain c = TestRouters.group(2, 2, A, B)) {
      Route r = c.route();
      int first = next(r);
      int other = 1 - first;

      Runnable undo = r.hedge(Duration.ofMillis(400));
      assertThat(undo).isNotNull();
      assertThat(c.router.parts(other).gate.inFlight()).as("its room reserved").isEqualTo(1);
      undo.run();

      assertThat(c.router.parts(other).gate.inFlight()).isZero();
      r.record(Outcome.SUCCEEDED);
      next(r);
      assertThat(told).as("no hand-over left to take").isEmpty();
    }
  }

  @Test
  void theEndOfACallGivesBackTheRoomAndTheProbeItHeld() {
    try (TestRouters.Chain c = TestRouters.group(2, 1, A, B)) {
      c.router.health(0).cool(null, false, overloaded());
      c.router.health(1).cool(null, false, overloaded());
      c.time.advance(Duration.ofSeconds(5));
      Route r = c.route();
      int t = next(r);
      assertThat(c.router.parts(t).gate.inFlight()).isEqualTo(1);
      assertThat(c.router.health(t).availableInNanos()).as("its probe out").isEqualTo(-1);

      r.record(Outcome.ENDED);

      assertThat(c.router.parts(t).gate.inFlight()).isZero();
      assertThat(c.router.health(t).availableInNanos()).as("the probe free again").isZero();
    }
  }

  @Test
  void aConversationStaysOnItsMemberAndAMoveForAnyReasonIsTold() {
    try (TestRouters.Chain c = TestRouters.group(2, 4, A, B, C)) {
      Route turn1 = c.turn("Review PR 4211");
      int member = next(turn1);
      turn1.record(Outcome.SUCCEEDED);
      turn1.record(Outcome.ENDED);
      Route turn2 = c.turn("Review PR 4211");
      assertThat(next(turn2)).as("kept where its cache is").isEqualTo(member);

      KimiException k = overloaded();
      turn2.failed(k);
      int moved = next(turn2);

      assertThat(moved).isNotEqualTo(member).isLessThan(2);
      assertThat(told)
          .containsExactly(
              new Move.Fallback(k, c.router.served(member), c.router.served(moved)),
              new Move.Rerouted(
                  CallEvent.Reroute.MOVED,
                  c.router.served(member),
                  c.router.served(moved),
                  Duration.ZERO));
    }
  }

  @Test
  void aFullMemberOfAGroupChoosesAgainInItsPlaceAndIsNotCooled() {
    try (TestRouters.Chain c = TestRouters.group(2, 0, A, B, C)) {
      Route other = c.route();
      next(other); // holds one member
      Route refused = c.route();
      int n = next(refused);

      Verdict v = refused.failed(fullQueue());

      assertThat(v).isEqualTo(new Verdict(Kind.CONCURRENCY, Verdict.Next.CHOOSE));
      assertThat(c.router.status(n, null).state()).isEqualTo(TargetStatus.State.AVAILABLE);
      assertThat(next(refused)).as("its place's members, not the next place").isLessThan(2);
    }
  }

  /** The conversations' moves told, as {@code from->to} by target. */
  private List<String> moved() {
    List<String> out = new ArrayList<>();
    for (Move m : told) {
      if (m instanceof Move.Rerouted r && r.kind() == CallEvent.Reroute.MOVED) {
        out.add(r.from().target() + "->" + r.to().target());
      }
    }
    return out;
  }

  /** Sends one turn of the conversation that starts with {@code user}, answered; its target. */
  private static int answeredTurn(TestRouters.Chain c, String user, List<Move> told) {
    Route turn = c.turn(user);
    int t = turn.next(told::add).target();
    turn.record(Outcome.SUCCEEDED);
    turn.record(Outcome.ENDED);
    return t;
  }

  @Test
  void aConversationSpilledToTheNextPlaceIsToldMovedThereAndBack() {
    try (TestRouters.Chain c = TestRouters.group(2, 4, A, B, C)) {
      int member = answeredTurn(c, "Review PR 4211", told);
      c.router.health(0).cool(null, false, overloaded());
      c.router.health(1).cool(null, false, overloaded());

      assertThat(answeredTurn(c, "Review PR 4211", told)).as("the next place").isEqualTo(2);
      assertThat(moved()).containsExactly(member + "->2");

      c.time.advance(Duration.ofSeconds(5)); // the group's cooldowns over
      int back = answeredTurn(c, "Review PR 4211", told);
      assertThat(back).as("back to its group, the chain's first place").isLessThan(2);
      assertThat(moved()).containsExactly(member + "->2", "2->" + back);
      assertThat(answeredTurn(c, "Review PR 4211", told)).as("then stays").isEqualTo(back);
      assertThat(moved()).hasSize(2);
    }
  }

  @Test
  void aHedgedTurnMovesItsConversationTellingTheMoveAndItStaysThere() {
    try (TestRouters.Chain c = TestRouters.group(2, 4, A, B)) {
      int member = answeredTurn(c, "Review PR 4211", told);
      Route turn = c.turn("Review PR 4211");
      assertThat(next(turn)).isEqualTo(member);
      assertThat(turn.hedge(Duration.ofMillis(400))).isNotNull();
      int other = next(turn);
      turn.record(Outcome.SUCCEEDED);
      turn.record(Outcome.ENDED);

      assertThat(other).isEqualTo(1 - member);
      assertThat(told)
          .containsExactly(
              new Move.Rerouted(
                  CallEvent.Reroute.HEDGED,
                  c.router.served(member),
                  c.router.served(other),
                  Duration.ofMillis(400)),
              new Move.Rerouted(
                  CallEvent.Reroute.MOVED,
                  c.router.served(member),
                  c.router.served(other),
                  Duration.ZERO));
      assertThat(answeredTurn(c, "Review PR 4211", told)).as("stays").isEqualTo(other);
      assertThat(moved()).hasSize(1);
    }
  }

  @Test
  void aHandOverUndoneLeavesTheConversationOnItsMember() {
    try (TestRouters.Chain c = TestRouters.group(2, 4, A, B)) {
      int member = answeredTurn(c, "Review PR 4211", told);
      Route turn = c.turn("Review PR 4211");
      next(turn);
      Runnable undo = turn.hedge(Duration.ofMillis(400));
      assertThat(undo).isNotNull();
      undo.run(); // the slow copy delivered meanwhile: it stays the call's stream
      turn.record(Outcome.SUCCEEDED);
      turn.record(Outcome.ENDED);

      assertThat(answeredTurn(c, "Review PR 4211", told))
          .as("where the turn before was answered")
          .isEqualTo(member);
      assertThat(told).isEmpty();
    }
  }

  @Test
  void aTurnSentToAnotherMemberAfterWaitingForRoomIsToldMoved() {
    try (TestRouters.Chain c = TestRouters.group(2, 1, A, B)) {
      int member = answeredTurn(c, "Review PR 4211", told);
      int other = 1 - member;
      c.router.health(member).cool(null, false, overloaded());
      assertThat(next(c.route())).as("a call holding the other's one place").isEqualTo(other);

      Route turn = c.turn("Review PR 4211");
      Where w = turn.next(told::add);
      assertThat(w.target()).as("its member down, the other full").isEqualTo(Where.WAIT);
      assertThat(turn.anyway()).as("waited as long as it may").isTrue();
      assertThat(next(turn)).isEqualTo(other);

      assertThat(moved()).containsExactly(member + "->" + other);
    }
  }

  @Test
  void aCallFindingEveryTargetCoolingOnOtherCallsRefusalsProbesTheOneCoolingLongest() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      c.router.health(0).cool(null, false, overloaded()); // other calls' refusals
      c.time.advance(Duration.ofSeconds(1));
      c.router.health(1).cool(null, false, overloaded());
      c.time.advance(Duration.ofMillis(600));

      Route r = c.route();
      assertThat(next(r)).as("A, cooling longest, probed before its cooldown ended").isZero();
      assertThat(c.router.health(0).earlyProbes()).isEqualTo(1);
      Where other = c.route().next(m -> {});
      assertThat(other.go()).as("A's probe out: B, cooling for 0.6 s, is probed").isTrue();
      assertThat(other.target()).isEqualTo(1);
      Where third = c.route().next(m -> {});
      assertThat(third.go()).as("one probe a target at a time").isFalse();

      r.record(Outcome.SUCCEEDED);
      assertThat(c.router.status(0, null).state()).isEqualTo(TargetStatus.State.AVAILABLE);
      assertThat(next(c.route())).as("A back: the chain's first").isZero();
    }
  }

  @Test
  void anEarlyProbeRefusedAgainCoolsItsTargetAsLongAgainNotTwice() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      c.router.health(0).cool(null, false, overloaded());
      c.router.health(1).cool(null, false, overloaded());
      c.time.advance(Duration.ofSeconds(1));
      Route r = c.route();
      int probed = next(r);

      r.failed(overloaded());

      assertThat(c.router.health(probed).availableInNanos())
          .as("it was early: no doubling")
          .isEqualTo(Duration.ofSeconds(5).toNanos());
    }
  }

  @Test
  void noEarlyProbeOfAHostThatAskedForItsWaitOrTimedOutOrJustCooled() {
    try (TestRouters.Chain c = TestRouters.chain(A, B, C)) {
      c.router.health(0).cool(Duration.ofSeconds(20), false, overloaded()); // the host's asked wait
      c.router.health(1).cool(null, false, timedOut()); // a probe could cost another timeout
      c.time.advance(Duration.ofSeconds(1));
      c.router.health(2).cool(null, false, overloaded()); // cooling for less than a first backoff

      Where w = c.route().next(told::add);

      assertThat(w.go()).as("none may be probed early: the call fails at once as before").isFalse();
      assertThat(c.router.health(0).earlyProbes() + c.router.health(2).earlyProbes()).isZero();
      c.time.advance(Duration.ofMillis(500));
      assertThat(next(c.route())).as("the third, once it cooled half a second").isEqualTo(2);
    }
  }

  @Test
  void aCallWhoseEveryTargetRefusedItIsNotSentBackEarlyToThem() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      Route r = c.route();
      next(r);
      assertThat(r.failed(overloaded()).next()).isEqualTo(Verdict.Next.MOVE);
      next(r);
      assertThat(r.failed(overloaded()).next()).isEqualTo(Verdict.Next.ROUND);
      c.time.advance(Duration.ofSeconds(1));

      assertThat(r.next(told::add).go()).as("its own refusals: it fails as the docs say").isFalse();
      assertThat(next(c.route())).as("another call probes the one cooling longest").isZero();
    }
  }

  @Test
  void aProbeWhoseResponseBeganMakesItsTargetAvailableBeforeItsCallEnds() {
    try (TestRouters.Chain c = TestRouters.chain(A, B)) {
      c.router.health(0).cool(null, false, overloaded());
      c.time.advance(Duration.ofSeconds(5));
      Route probe = c.route();
      assertThat(next(probe)).isZero();
      assertThat(next(c.route())).as("A's probe out: B").isEqualTo(1);

      probe.record(Outcome.ANSWERED); // its headers came with a 2xx status; its stream goes on

      assertThat(c.router.status(0, null).state()).isEqualTo(TargetStatus.State.AVAILABLE);
      assertThat(next(c.route())).as("A takes calls again").isZero();
      probe.record(Outcome.SUCCEEDED);
      probe.record(Outcome.ENDED);
      assertThat(c.router.status(0, null).state()).isEqualTo(TargetStatus.State.AVAILABLE);
    }
  }
}
