package io.github.kimisdk.internal.limit;

import static io.github.kimisdk.internal.limit.ConcurrencyLimit.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.kimisdk.internal.limit.ConcurrencyLimit.Reason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ConcurrencyLimit}, one rule of its comment per case, on explicit times (milliseconds
 * here): rounds, the hold, the cut and its estimate, the trial's three verdicts, raises and the
 * known ceiling, a stated limit, and the binomial tails the tests read.
 */
class ConcurrencyLimitTest {

  private static final long MS = 1_000_000L;

  private final ConcurrencyLimit rule = new ConcurrencyLimit(NONE, 0);
  private final List<Out> out = new ArrayList<>();
  private final List<ConcurrencyLimit.Change> changes = new ArrayList<>();
  private long now;

  /** An attempt in flight: its round and start. */
  private record Out(int round, long start) {}

  private void at(long ms) {
    now = ms * MS;
  }

  /** Grants {@code n} attempts now. */
  private void grant(int n) {
    for (int i = 0; i < n; i++) {
      out.add(new Out(rule.granted(out.size() + 1, 0, now), now));
    }
  }

  /** Ends the oldest attempt in flight now. */
  private void end(boolean refused) {
    end(refused, false);
  }

  private void end(boolean refused, boolean cancelled) {
    Out o = out.remove(0);
    ConcurrencyLimit.Change c =
        rule.ended(o.round, o.start, refused, cancelled, out.size(), 0, now);
    if (c != null) {
      changes.add(c);
    }
  }

  /** Ends the attempt in flight at {@code index} now. */
  private void endAt(int index, boolean refused) {
    Out o = out.remove(index);
    ConcurrencyLimit.Change c = rule.ended(o.round, o.start, refused, false, out.size(), 0, now);
    if (c != null) {
      changes.add(c);
    }
  }

  /** A round of {@code n} attempts granted now, {@code refused} of them refused, then the rest. */
  private void round(int n, int refused) {
    grant(n);
    for (int i = 0; i < n; i++) {
      end(i < refused);
    }
  }

  /** A round of at least {@link ConcurrencyLimit#MIN_ROUND} attempts, {@code level} at a time. */
  private void roundAt(int level, int refused) {
    roundAt(rule, level, refused, changes);
  }

  /** A round without a refusal, after which rounds are as large as the 64 it had in flight. */
  private void warm() {
    round(64, 0);
    assertThat(changes).isEmpty();
  }

  private Reason last() {
    return changes.get(changes.size() - 1).reason();
  }

  @Test
  void noLimitUntilARefusal() {
    for (int i = 0; i < 10; i++) {
      round(64, 0);
    }
    assertThat(rule.limit()).isEqualTo(NONE);
    assertThat(changes).isEmpty();
  }

  @Test
  void aRoundIsJudgedOnlyOnceEveryAttemptOfItsCohortEnded() {
    grant(ConcurrencyLimit.MIN_ROUND);
    for (int i = 0; i < ConcurrencyLimit.MIN_ROUND - 1; i++) {
      end(true);
    }
    assertThat(changes).as("one of the cohort still out").isEmpty();
    end(false);
    assertThat(changes).extracting(ConcurrencyLimit.Change::reason).containsExactly(Reason.CUT);
  }

  @Test
  void anAttemptGrantedAfterTheCohortFilledCountsForNothing() {
    grant(ConcurrencyLimit.MIN_ROUND + 4); // the last four belong to no round
    assertThat(out.subList(ConcurrencyLimit.MIN_ROUND, out.size()))
        .allMatch(o -> o.round == ConcurrencyLimit.NO_ROUND);
    for (int i = 0; i < 4; i++) {
      endAt(out.size() - 1, true);
    }
    for (int i = 0; i < ConcurrencyLimit.MIN_ROUND; i++) {
      end(false);
    }
    assertThat(rule.limit()).isEqualTo(NONE);
  }

  @Test
  void aSingleRefusalInARoundOfEightIsNotEnoughToCut() {
    round(8, 1); // at the least tolerated share, 2%, one of 8 is no rarer than one in seven
    round(8, 2); // two: one in a hundred, just not rare enough
    assertThat(changes).isEmpty();
  }

  @Test
  void theFirstRoundAtALimitCutsOnlyWhenTheHostRefusedMostOfIt() {
    round(8, 3); // significant, but the first round: a round picked for its refusals overstates
    assertThat(changes).isEmpty();
    round(8, 3); // the second, tried against both
    assertThat(changes).extracting(ConcurrencyLimit.Change::reason).containsExactly(Reason.CUT);
  }

  @Test
  void aRoundOfRefusalsCutsToWhatTheHostHeldDuringIt() {
    // 8 at once at t=0: 6 refused at once, 2 answered at t=100: the host held 2 all along
    at(0);
    grant(8);
    for (int i = 7; i >= 2; i--) {
      endAt(i, true);
    }
    at(100);
    end(false);
    end(false);
    assertThat(changes).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(2));
    assertThat(rule.onTrial()).isTrue();
  }

  @Test
  void theCutNeverGoesBelowTheShareOfThePeakThatWasNotRefused() {
    // 64 at once: 56 answered at once (by the clock the host held none of them for long), 8
    // refused a millisecond later; still, 56 of the 64 out were not refused
    warm();
    at(0);
    grant(64);
    for (int i = 0; i < 56; i++) {
      endAt(8, false);
    }
    at(1);
    for (int i = 0; i < 8; i++) {
      end(true);
    }
    assertThat(changes).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(56));
  }

  @Test
  void aRoundThatTookNoTimeCutsToTheShareOfItsPeakNotRefused() {
    round(8, 6);
    assertThat(rule.limit()).isEqualTo(2);
  }

  @Test
  void aCutIsAtLeastOneAndBelowTheLimit() {
    round(8, 8);
    assertThat(rule.limit()).isEqualTo(1);
    round(8, 8); // the trial at 1 refused everything: nothing to cut below 1
    assertThat(rule.limit()).isEqualTo(1);
  }

  @Test
  void whileARoundRefusesSignificantlyARefusedAttemptIsNotReplaced() {
    grant(8);
    endAt(7, true);
    assertThat(rule.allowed()).as("one refusal of one: not yet rare").isEqualTo(NONE);
    endAt(6, true);
    assertThat(rule.allowed()).as("two unanswered refusals of a peak of 8").isEqualTo(6);
    end(false);
    assertThat(rule.allowed()).as("an answer makes up for one").isEqualTo(7);
    end(false);
    assertThat(rule.allowed()).as("two for both").isEqualTo(NONE);
  }

  @Test
  void refusalsWithinTheToleratedShareDoNotCut() {
    warm();
    tolerate(); // about a tenth
    assertThat(rule.tolerated()).isBetween(0.05, 0.15);
    int cuts = rule.cuts();
    round(64, 6);
    round(64, 7);
    assertThat(rule.cuts()).isEqualTo(cuts);
    assertThat(rule.limit()).isEqualTo(NONE);
  }

  /** A cut from none on a round of 64 refusing 6, and its trial refusing as much: undone. */
  private void tolerate() {
    round(64, 6);
    assertThat(last()).isEqualTo(Reason.CUT);
    round(64, 6);
    assertThat(last()).isEqualTo(Reason.UNDONE);
  }

  @Test
  void aTrialThatRefusesAsMuchUndoesTheCutAndToleratesTheShareOfAllItsRounds() {
    warm();
    round(64, 6);
    assertThat(rule.limit()).as("58 of the 64 out were not refused").isEqualTo(58);
    round(64, 8);
    ConcurrencyLimit.Change undone = changes.get(1);
    assertThat(undone.reason()).isEqualTo(Reason.UNDONE);
    assertThat(undone.to()).isEqualTo(NONE);
    // the warm round, the one that made the cut, and the trial's
    assertThat(rule.tolerated()).isCloseTo(14.0 / 136, within(1e-9));
    assertThat(rule.undone()).isEqualTo(1);
  }

  @Test
  void aTrialThatRefusesNothingKeepsTheCut() {
    round(8, 6);
    round(8, 0);
    assertThat(last()).isEqualTo(Reason.KEPT);
    assertThat(rule.limit()).isEqualTo(2);
  }

  @Test
  void aTrialThatRefusesSignificantlyLessKeepsTheCut() {
    warm();
    round(64, 40);
    assertThat(rule.limit()).isEqualTo(24);
    round(64, 10); // 10 of 64, where the share that made the cut gives 35
    assertThat(changes)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(Reason.CUT, Reason.KEPT);
    assertThat(rule.limit()).isEqualTo(24);
  }

  @Test
  void anUndecidedTrialKeepsTheCutAndRaisesNothing() {
    round(8, 5); // cut to 3
    round(8, 4); // fewer, but not enough to tell
    assertThat(changes).extracting(ConcurrencyLimit.Change::reason).containsExactly(Reason.CUT);
    assertThat(rule.limit()).isEqualTo(3);
    assertThat(rule.onTrial()).isTrue();
  }

  @Test
  void aKeptCutIsUndoneWhenItsLaterRoundsTurnToRefuseAsMuchAsBefore() {
    warm();
    round(64, 8); // cut to 56
    round(64, 0); // kept
    round(64, 8); // as before: not cut again from 56, weighed against the cut
    assertThat(rule.limit()).isEqualTo(56);
    round(64, 8);
    assertThat(changes)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(Reason.CUT, Reason.KEPT, Reason.UNDONE);
    assertThat(rule.limit()).isEqualTo(NONE);
  }

  @Test
  void aTrialThatRefusesMoreThanHalfCutsAgainFromItsLimit() {
    warm();
    round(64, 8); // cut to 56
    assertThat(rule.limit()).isEqualTo(56);
    round(64, 48); // three quarters
    assertThat(changes)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(Reason.CUT, Reason.CUT);
    assertThat(changes.get(1).from()).isEqualTo(56);
    assertThat(rule.limit()).isEqualTo(16);
    assertThat(rule.undone()).isZero();
  }

  @Test
  void aTrialThatRefusesSignificantlyMoreThanTheRoundsBeforeTheCutCutsAgain() {
    warm();
    round(64, 6); // cut to 58
    round(64, 20); // a third, where a twelfth was refused before: the cut was too small
    assertThat(changes)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(Reason.CUT, Reason.CUT);
    assertThat(rule.limit()).isEqualTo(44);
    assertThat(rule.tolerated())
        .as("nothing more tolerated")
        .isEqualTo(ConcurrencyLimit.MIN_TOLERATED);
  }

  @Test
  void aRoundWithoutACutInWhichTheLimitWasReachedRaisesItByOne() {
    round(8, 6);
    round(8, 0); // kept at 2
    roundAt(2, 0); // a round of 8, 2 at a time: the limit reached
    assertThat(last()).isEqualTo(Reason.RAISED);
    assertThat(rule.limit()).isEqualTo(3);
  }

  @Test
  void aRoundThatDidNotReachTheLimitDoesNotRaiseIt() {
    round(8, 6);
    round(8, 0); // kept at 2
    for (int i = 0; i < 8; i++) {
      grant(1);
      end(false); // one at a time
    }
    assertThat(rule.limit()).isEqualTo(2);
  }

  @Test
  void aRaiseToTheKnownCeilingWaitsLongerAfterEachKeptCutFromIt() {
    // a host taking 2, probed at 3: each probe is refused, cut to 2 and kept
    ConcurrencyLimit probe = probingThree();
    List<ConcurrencyLimit.Change> seen = new ArrayList<>();
    int[] cleanRoundsBeforeEachProbe = new int[3];
    for (int p = 0; p < 3; p++) {
      seen.clear();
      refusedAtThree(probe, seen);
      int clean = 0;
      while (probe.limit() == 2) {
        roundAt(probe, 2, 0, seen);
        clean++;
      }
      assertThat(seen)
          .extracting(ConcurrencyLimit.Change::reason)
          .containsExactly(Reason.CUT, Reason.KEPT, Reason.RAISED);
      cleanRoundsBeforeEachProbe[p] = clean;
    }
    assertThat(cleanRoundsBeforeEachProbe).containsExactly(2, 4, 8);
  }

  @Test
  void aRoundAtTheKnownCeilingWithoutACutForgetsIt() {
    ConcurrencyLimit probe = probingThree();
    List<ConcurrencyLimit.Change> seen = new ArrayList<>();
    roundAt(probe, 3, 0, seen); // the host takes 3 now: raised at once, as each round after
    roundAt(probe, 4, 0, seen);
    assertThat(probe.limit()).isEqualTo(5);
    assertThat(seen)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(Reason.RAISED, Reason.RAISED);
  }

  @Test
  void aStatedLimitIsTakenAtOnceEndsTheTrialAndCapsEveryRaise() {
    warm();
    round(64, 8); // cut to 56, on trial
    ConcurrencyLimit.Change c = rule.stated(3, out.size(), 0, now);
    assertThat(c.reason()).isEqualTo(Reason.STATED);
    assertThat(c.to()).isEqualTo(3);
    assertThat(rule.onTrial()).isFalse();
    for (int i = 0; i < 50; i++) {
      roundAt(3, 0);
    }
    assertThat(rule.limit()).isEqualTo(3);
    assertThat(rule.stated(5, 0, 0, now)).as("above the limit").isNull();
  }

  @Test
  void backAtTheConfiguredMaximumTheLimitIsNone() {
    ConcurrencyLimit bounded = new ConcurrencyLimit(4, 0);
    List<ConcurrencyLimit.Change> seen = new ArrayList<>();
    roundOf(bounded, 8, 6, seen); // cut to 2
    roundAt(bounded, 2, 0, seen); // kept
    roundAt(bounded, 2, 0, seen); // raised to 3
    roundAt(bounded, 3, 0, seen); // 4 is the configured maximum: the rate limiter's
    assertThat(seen).extracting(ConcurrencyLimit.Change::to).containsExactly(2, 2, 3, NONE);
  }

  @Test
  void aCancelledAttemptIsNotCountedAndARoundOfThemJudgesNothing() {
    grant(8);
    for (int i = 0; i < 8; i++) {
      end(false, true);
    }
    assertThat(changes).isEmpty();
    grant(8);
    end(true);
    end(true);
    for (int i = 0; i < 6; i++) {
      end(false, true);
    }
    assertThat(changes).extracting(ConcurrencyLimit.Change::reason).containsExactly(Reason.CUT);
    assertThat(changes.get(0).attempts()).isEqualTo(2);
  }

  @Test
  void theToleratedShareIsHalvedOnceTheAttemptsSinceTheLastRefusalWouldHaveDrawnSeven() {
    warm();
    tolerate();
    double before = rule.tolerated();
    // the trial's last 58 were answered; 22 more make 80, which would have drawn 7 at 12/136
    round(64, 0);
    assertThat(rule.tolerated()).isCloseTo(before / 2, within(1e-12));
  }

  @Test
  void theToleratedShareIsNeverBelowItsLeast() {
    for (int i = 0; i < 20; i++) {
      round(64, 0);
    }
    assertThat(rule.tolerated()).isEqualTo(ConcurrencyLimit.MIN_TOLERATED);
  }

  @Test
  void theToleratedShareIsAtMostAHalf() {
    round(8, 5); // cut to 3
    round(8, 4); // undecided
    round(8, 4); // not fewer, nor more than half: undone, 13 of 24 refused
    assertThat(last()).isEqualTo(Reason.UNDONE);
    assertThat(rule.tolerated()).isEqualTo(ConcurrencyLimit.MAX_TOLERATED);
  }

  @Test
  void aTrialRoundWeighsForTheCutWhenItRefusesLessAndAgainstItWhenItRefusesAsMuch() {
    assertThat(ConcurrencyLimit.weigh(0, 8, 0.5)).isPositive();
    assertThat(ConcurrencyLimit.weigh(4, 8, 0.5)).isNegative();
    assertThat(ConcurrencyLimit.weigh(7, 8, 1.0)).as("less than everything").isInfinite();
    assertThat(ConcurrencyLimit.weigh(8, 8, 1.0)).isCloseTo(8 * Math.log(0.25), within(1e-12));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 8, 0.125, 0.34360891580581665",
    "1, 8, 0.125, 0.7363048195838928",
    "8, 8, 0.5, 1.0",
    "3, 10, 0.0, 1.0",
    "3, 10, 1.0, 0.0",
    "-1, 10, 0.5, 0.0",
    "500, 1000, 0.5, 0.5126125090891804",
    "40, 10000, 0.01, 6.259899073342656E-12"
  })
  void theBinomialTailIsSummedWithoutVanishing(int k, int n, double p, double expected) {
    // exact values from the binomial sum in rational arithmetic
    assertThat(ConcurrencyLimit.atMost(k, n, p)).isCloseTo(expected, within(expected * 1e-9));
  }

  @Test
  void theUpperTailIsTheComplement() {
    assertThat(ConcurrencyLimit.atLeast(0, 8, 0.3)).isEqualTo(1);
    assertThat(ConcurrencyLimit.atLeast(1, 8, 0.0)).isEqualTo(0);
    assertThat(ConcurrencyLimit.atLeast(2, 8, 0.125))
        .isCloseTo(1 - ConcurrencyLimit.atMost(1, 8, 0.125), within(1e-15));
  }

  // helpers on a rule of their own

  /**
   * A rule that found a host taking 2: cut from 8 to 2 and kept, raised to 3, refused there (cut
   * back to 2 and kept, which made 3 its known ceiling), then raised to probe it after one round
   * without a cut.
   */
  private static ConcurrencyLimit probingThree() {
    ConcurrencyLimit r = new ConcurrencyLimit(NONE, 0);
    List<ConcurrencyLimit.Change> seen = new ArrayList<>();
    roundOf(r, 8, 6, seen);
    roundAt(r, 2, 0, seen);
    roundAt(r, 2, 0, seen);
    refusedAtThree(r, seen);
    roundAt(r, 2, 0, seen);
    assertThat(seen)
        .extracting(ConcurrencyLimit.Change::reason)
        .containsExactly(
            Reason.CUT, Reason.KEPT, Reason.RAISED, Reason.CUT, Reason.KEPT, Reason.RAISED);
    assertThat(r.limit()).isEqualTo(3);
    return r;
  }

  /**
   * Rounds at 3 refusing 3 of 8 until the limit is cut (the first round at a limit does not cut for
   * so few), then a round at 2 without a refusal: kept.
   */
  private static void refusedAtThree(ConcurrencyLimit r, List<ConcurrencyLimit.Change> seen) {
    roundAt(r, 3, 3, seen);
    roundAt(r, 3, 3, seen);
    assertThat(r.limit()).isEqualTo(2);
    roundAt(r, 2, 0, seen);
  }

  /** A round of {@code n} attempts granted at once, {@code refused} refused. */
  private static void roundOf(
      ConcurrencyLimit r, int n, int refused, List<ConcurrencyLimit.Change> seen) {
    int[] rounds = new int[n];
    for (int i = 0; i < n; i++) {
      rounds[i] = r.granted(i + 1, 0, 0);
    }
    for (int i = 0; i < n; i++) {
      ConcurrencyLimit.Change c = r.ended(rounds[i], 0, i < refused, false, n - i - 1, 0, 0);
      if (c != null) {
        seen.add(c);
      }
    }
  }

  /**
   * A round of at least {@link ConcurrencyLimit#MIN_ROUND} attempts with {@code level} in flight at
   * a time, {@code refused} of the first {@code level} refused.
   */
  private static void roundAt(
      ConcurrencyLimit r, int level, int refused, List<ConcurrencyLimit.Change> seen) {
    int done = 0;
    int size = Math.max(ConcurrencyLimit.MIN_ROUND, level);
    while (done < size) {
      int batch = Math.min(level, size - done);
      int[] rounds = new int[batch];
      for (int i = 0; i < batch; i++) {
        rounds[i] = r.granted(i + 1, 0, 0);
      }
      for (int i = 0; i < batch; i++) {
        boolean no = done == 0 && i < refused;
        ConcurrencyLimit.Change c = r.ended(rounds[i], 0, no, false, batch - i - 1, 0, 0);
        if (c != null) {
          seen.add(c);
        }
      }
      done += batch;
    }
  }
}
