package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The agent store's health check, on both Spring lines: up when the store answers, down with what
 * failed, one check per {@code cache-for} whatever the probes, and a store that hangs reported down
 * within the timeout instead of holding the probe.
 */
class KimiAgentStoreCheckTest {

  /** A store whose check answers as told, counting the checks. */
  static final class Checked implements RunStore {
    final AtomicInteger checks = new AtomicInteger();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    volatile CountDownLatch hang;

    @Override
    public void check() {
      checks.incrementAndGet();
      CountDownLatch h = hang;
      if (h != null) {
        try {
          h.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException e = failure.get();
      if (e != null) {
        throw e;
      }
    }

    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      return false;
    }

    @Override
    public void release(Claim.Held claim) {}

    @Override
    public void put(Claim.Held claim, String key, byte[] value) {}

    @Override
    public byte[] get(String runId, String key) {
      return null;
    }

    @Override
    public String toString() {
      return "JdbcRunStore[kimi_agent_claims, kimi_agent_records]";
    }
  }

  @Test
  void upWhenTheStoreAnswersAndOneCheckAnswersEveryProbeUntilItIsStale() {
    Checked store = new Checked();
    AtomicLong nanos = new AtomicLong();
    KimiAgentStoreCheck check =
        new KimiAgentStoreCheck(store, Duration.ofMinutes(2), Duration.ofSeconds(2), nanos::get);

    for (int i = 0; i < 10; i++) {
      KimiHealthCheck.Report r = check.report();
      assertThat(r.status()).isEqualTo("UP");
      assertThat(r.details())
          .containsEntry("store", store.toString())
          .containsKeys("checkedAt", "latencyMs", "ageMs", "nextCheckInMs");
    }
    assertThat(store.checks).hasValue(1);

    store.failure.set(
        new RunStoreException(
            "the run store on kimi_agent_records could not"
                + " answer a health check: Connection refused",
            null));
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    KimiHealthCheck.Report down = check.report();
    assertThat(down.status()).isEqualTo("DOWN");
    assertThat(down.details())
        .containsEntry("error", "RunStoreException")
        .containsEntry(
            "message",
            "the run store on kimi_agent_records could not answer a health check:"
                + " Connection refused");
    assertThat(store.checks).hasValue(2);
  }

  @Test
  void aStoreThatHangsIsDownWithinTheTimeoutAndItsCheckIsNotSentAgainMeanwhile() {
    Checked store = new Checked();
    store.hang = new CountDownLatch(1);
    KimiAgentStoreCheck check =
        new KimiAgentStoreCheck(store, Duration.ZERO, Duration.ofMillis(50), System::nanoTime);
    try {
      KimiHealthCheck.Report first = check.report();
      assertThat(first.status()).isEqualTo("DOWN");
      assertThat(first.details().get("message")).isEqualTo("the store did not answer within 50 ms");
      assertThat(check.report().status()).isEqualTo("DOWN");
      assertThat(store.checks).hasValue(1); // the one in flight is waited for, not sent again
    } finally {
      store.hang.countDown();
    }
    // once it answers, a probe finds it up (each probe waits for the check it finds in flight)
    boolean up = false;
    for (int i = 0; i < 100 && !up; i++) {
      up = check.report().status().equals("UP");
    }
    assertThat(up).isTrue();
  }
}
