package io.github.kimisdk.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.internal.limit.GateSimulation.Host;
import io.github.kimisdk.internal.limit.GateSimulation.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate and its rule on virtual time ({@link GateSimulation}, fixed seeds): refusals that
 * sending less does not lower (a host refusing a share at random, whatever it holds) do not drive
 * the limit down, and refusals that it does (a host admitting N) bring the limit to about N, with a
 * host's noise on top too. Each property holds for every seed tried; what a run measured is in the
 * message of any failure.
 */
class ConcurrencyGateSimulationTest {

  private static final int SEEDS = 10;

  @ParameterizedTest(name = "{0} refused at random, 64 callers")
  @CsvSource({"0.02, 0.9", "0.06, 0.9", "0.10, 0.9", "0.20, 0.85"})
  void randomRefusalsNotCausedByConcurrencyDoNotDriveTheLimitDown(double share, double kept) {
    double sum = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Result r = GateSimulation.run(Host.noisy(share), 64, 3_000, seed);
      assertThat(r.meanLimit()).as("seed %d: %s", seed, r).isGreaterThanOrEqualTo(0.7 * 64);
      sum += r.meanLimit();
    }
    assertThat(sum / SEEDS).as("the mean over %d seeds", SEEDS).isGreaterThan(kept * 64);
  }

  @ParameterizedTest(name = "6% refused at random, {0} callers")
  @ValueSource(ints = {4, 8, 16})
  void aFewCallersAreNotDrivenDownByRandomRefusalsEither(int callers) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Result r = GateSimulation.run(Host.noisy(0.06), callers, 1_000, seed);
      assertThat(r.meanLimit()).as("seed %d: %s", seed, r).isGreaterThanOrEqualTo(0.8 * callers);
    }
  }

  @ParameterizedTest(name = "a host admitting {0}, 64 callers")
  @ValueSource(ints = {1, 2, 3, 4, 8, 16, 32})
  void refusalsCausedByAHostAdmittingNBringTheLimitToAboutN(int n) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Result r = GateSimulation.run(Host.admitting(n), 64, 600, seed);
      assertThat(r.laterMeanLimit()).as("seed %d: %s", seed, r).isBetween(0.9 * n, 1.2 * n + 0.5);
      assertThat(r.refusals()).as("seed %d: %s", seed, r).isLessThan(r.calls());
    }
  }

  @ParameterizedTest(name = "a host admitting {0}, refusing 6% more at random")
  @ValueSource(ints = {2, 8, 32})
  void aHostAdmittingNWithNoiseOnTopStillBringsTheLimitToAboutN(int n) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Result r = GateSimulation.run(new Host(n, 0.06, 250, 500), 64, 1_500, seed);
      assertThat(r.laterMeanLimit()).as("seed %d: %s", seed, r).isBetween(0.5 * n, 1.5 * n + 1);
    }
  }

  @ParameterizedTest(name = "20 calls, 8 at once, to a host admitting {0}")
  @CsvSource({"1", "2", "4"})
  void twentyCallsEightAtOnceAreSentAboutAsManyAtATimeAsTheHostAdmits(int n) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Result r = GateSimulation.run(Host.admitting(n), 8, 20, seed);
      long serialized = 20 * 250 / n;
      assertThat(r.refusals()).as("seed %d: %s", seed, r).isLessThan(20);
      assertThat(r.millis()).as("seed %d: %s", seed, r).isLessThanOrEqualTo(serialized * 3 / 2);
    }
  }
}
