package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The short form of the {@link Fleet} harness, as CI runs it: each "Done when" of issue 55 over
 * real client JVMs, a real redis-server and the strict fake. Bounds are generous and the checks are
 * invariants (429s, peak concurrency, calls lost), not tight timings.
 */
class FleetTest {

  @Test
  void aKilledProcesssSlotsAreUsableByTheOthersWithinOneLeaseWithDefaultTimeouts()
      throws Exception {
    Map<String, Object> f = Fleet.killed(4, Duration.ofSeconds(40));
    Fleet.print("killed holder", f);
    assertThat(f.get("sent by survivors before the kill")).isEqualTo(0);
    assertThat(f.get("slots back after (s)")).isInstanceOf(Double.class);
    assertThat((Double) f.get("slots back after (s)")).isLessThanOrEqualTo(30.0);
    assertThat(f.get("survivors' calls ok")).isEqualTo(4);
  }

  @Test
  void afterOneProcesss429TheOthersSendNothingUntilItsRetryAfterPassed() throws Exception {
    Map<String, Object> f = Fleet.shared429(8, 5);
    Fleet.print("shared 429", f);
    assertThat(f.get("others' requests before Retry-After passed")).isEqualTo(0);
    assertThat(f.get("lost")).isEqualTo(0);
    assertThat(f.get("calls ok")).isEqualTo(24);
  }

  @Test
  void throughARedisRestartFailingClosedTheConcurrencyLimitHoldsAndNoCallIsLost() throws Exception {
    Map<String, Object> f =
        Fleet.restart("FAIL_CLOSED", 4, 4, Duration.ofSeconds(6), Duration.ofSeconds(2));
    Fleet.print("redis restart", f);
    assertThat((Integer) f.get("peak concurrency")).isLessThanOrEqualTo(4);
    assertThat(f.get("lost")).isEqualTo(0);
  }

  @Test
  void threeProcessesUseAtLeastNinetyPercentOfTheRpmWithNo429sAndTakeTurns() throws Exception {
    // the fake's minute and the store's window both last 6 s: see Fleet.budget
    Map<String, Object> f = Fleet.budget(60, 40, 10);
    Fleet.print("budget", f);
    assertThat(f.get("429s")).isEqualTo(0);
    assertThat((Long) f.get("of the limit (%)")).isGreaterThanOrEqualTo(90);
    assertThat(f.get("calls ok")).isEqualTo(120);
  }
}
