package io.github.kimisdk.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.internal.client.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link TargetHealth} on virtual time: cooldowns, the one probe, the doubling. */
class TargetHealthTest {

  private final ManualScheduler time = new ManualScheduler();
  private final RetryPolicy policy =
      RetryPolicy.defaults().withCooldown(Duration.ofSeconds(5), Duration.ofSeconds(60));
  private final TargetHealth health = new TargetHealth(time, policy);

  @Test
  void anAvailableTargetAdmitsEveryCall() {
    for (int i = 0; i < 10; i++) {
      assertThat(health.admit()).isEqualTo(TargetHealth.Admission.YES);
    }
  }

  @Test
  void anOverloadCoolsItDownForTheFirstCooldown() {
    health.cool(null, false, null);
    assertThat(health.admit()).isEqualTo(TargetHealth.Admission.NO);
    assertThat(health.availableInNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
    time.advance(Duration.ofMillis(4999));
    assertThat(health.admit()).isEqualTo(TargetHealth.Admission.NO);
  }

  @Test
  void whenItsCooldownEndsOneCallProbesItAndNoOtherGoesWhileTheProbeIsOut() {
    health.cool(null, false, null);
    time.advance(Duration.ofSeconds(5));
    assertThat(health.admit()).isEqualTo(TargetHealth.Admission.PROBE);
    for (int i = 0; i < 100; i++) {
      assertThat(health.admit()).isEqualTo(TargetHealth.Admission.NO);
    }
    assertThat(health.probes()).isEqualTo(1);
  }

  @Test
  void aProbeThatSucceedsMakesItAvailableAndResetsTheCooldown() {
    health.cool(null, false, null);
    time.advance(Duration.ofSeconds(5));
    health.admit();
    health.cool(null, false, null); // refused again: 10 s
    time.advance(Duration.ofSeconds(10));
    health.admit();
    health.succeeded();
    assertThat(health.admit()).isEqualTo(TargetHealth.Admission.YES);
    health.cool(null, false, null);
    assertThat(health.availableInNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void eachRefusedProbeDoublesTheCooldownUpToTheLongest() {
    health.cool(null, false, null);
    long[] seen = new long[6];
    for (int i = 0; i < seen.length; i++) {
      time.advance(Duration.ofNanos(health.availableInNanos()));
      assertThat(health.admit()).isEqualTo(TargetHealth.Admission.PROBE);
      health.cool(null, false, null);
      seen[i] = Duration.ofNanos(health.availableInNanos()).toSeconds();
    }
    assertThat(seen).containsExactly(10, 20, 40, 60, 60, 60);
  }

  @Test
  void aRetryAfterLongerThanTheCooldownIsHonouredUpToTheLongest() {
    health.cool(Duration.ofSeconds(30), false, null);
    assertThat(Duration.ofNanos(health.availableInNanos()).toSeconds()).isEqualTo(30);
    health.cool(Duration.ofMinutes(10), false, null);
    assertThat(Duration.ofNanos(health.availableInNanos()).toSeconds()).isEqualTo(60);
  }

  @Test
  void aQuotaCoolsItForTheLongestCooldown() {
    health.cool(null, true, null);
    assertThat(Duration.ofNanos(health.availableInNanos()).toSeconds()).isEqualTo(60);
  }

  @Test
  void aProbeThatEndsOtherwiseLetsTheNextCallProbe() {
    health.cool(null, false, null);
    time.advance(Duration.ofSeconds(5));
    health.admit();
    health.probeEnded();
    assertThat(health.admit()).isEqualTo(TargetHealth.Admission.PROBE);
  }

  @Test
  void waitersAreToldWhenTheCooldownEnds() {
    AtomicInteger woken = new AtomicInteger();
    health.cool(null, false, null);
    health.await(woken::incrementAndGet);
    health.await(woken::incrementAndGet);
    time.advance(Duration.ofSeconds(4));
    assertThat(woken).hasValue(0);
    time.advance(Duration.ofSeconds(1));
    assertThat(woken).hasValue(2);
  }

  @Test
  void waitersAreToldWhenAProbeComesBack() {
    AtomicInteger woken = new AtomicInteger();
    health.cool(null, false, null);
    time.advance(Duration.ofSeconds(5));
    health.admit(); // the probe is out
    health.await(woken::incrementAndGet);
    assertThat(woken).hasValue(0);
    health.succeeded();
    assertThat(woken).hasValue(1);
  }

  @Test
  void aWaiterOfAnAvailableTargetRunsAtOnce() {
    AtomicInteger woken = new AtomicInteger();
    health.await(woken::incrementAndGet);
    assertThat(woken).hasValue(1);
  }
}
