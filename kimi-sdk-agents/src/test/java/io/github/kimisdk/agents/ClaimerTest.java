package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Claims' heartbeats: a store that hangs on one claim's renewal holds up no other claim's. */
class ClaimerTest {

  /** A store whose renewals wait until let go, as a database that does not answer. */
  static final class Hanging extends ForwardingRunStore {
    final CountDownLatch hanging = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    Hanging(RunStore store) {
      super(store);
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      calls.incrementAndGet();
      hanging.countDown();
      try {
        go.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.renew(claim, until);
    }
  }

  /** A store that counts the renewals it made; it finds runs as the store it wraps does. */
  static final class Counting extends ForwardingRunStore {
    final CountDownLatch renewed;

    Counting(RunStore store, int count) {
      super(store);
      renewed = new CountDownLatch(count);
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      boolean held = super.renew(claim, until);
      if (held) {
        renewed.countDown();
      }
      return held;
    }

    @Override
    public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      store.putState(claim, state, summary);
    }

    @Override
    public RunPage list(RunQuery query) {
      return store.list(query);
    }
  }

  @Test
  void aRenewalThatHangsHoldsUpNoOtherClaimsHeartbeatAndIsNotPiledUpon() throws Exception {
    Duration lease = Duration.ofMillis(300);
    Hanging down = new Hanging(RunStore.inMemory());
    Counting up = new Counting(RunStore.inMemory(), 3);
    Claimer stuck =
        new Claimer(down, "on-a-store-that-hangs", "w1", lease, Duration.ZERO, Clock.systemUTC());
    Claimer fine =
        new Claimer(up, "on-a-store-that-answers", "w1", lease, Duration.ZERO, Clock.systemUTC());
    try {
      assertThat(stuck.claim()).isNull();
      assertThat(down.hanging.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(fine.claim()).isNull();
      // three renewals of the other claim while the first store's renewal still hangs
      assertThat(up.renewed.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(down.go.getCount()).isOne();
      // its own beats meanwhile did not start a second renewal: one thread waits on the store
      assertThat(down.calls).hasValue(1);
    } finally {
      down.go.countDown();
      stuck.release();
      fine.release();
    }
  }
}
