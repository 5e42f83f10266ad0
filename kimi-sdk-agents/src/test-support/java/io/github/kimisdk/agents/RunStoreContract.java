package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunStore} does, the same tests for each: a subclass says how to make a store.
 * Times are handed in, as the agent's clock gives them, so a lapsed lease is a later instant and no
 * test waits.
 */
public abstract class RunStoreContract {
  /** For subclasses: the test classes of each store. */
  protected RunStoreContract() {}

  protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  protected static final Duration LEASE = Duration.ofSeconds(30);

  /** A new store, sharing nothing with another test's. */
  protected abstract RunStore store();

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aFreeRunIsClaimedAndASecondClaimIsToldWhoHoldsItAndUntilWhen() {
    RunStore s = store();
    Claim first = s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    Claim second = s.claim("run-1", "worker-b", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE));

    assertThat(first).isInstanceOf(Claim.Held.class);
    assertThat(second).isEqualTo(new Claim.Taken("run-1", "worker-a", T0.plus(LEASE)));
    // another run is free
    assertThat(s.claim("run-2", "worker-b", T0, T0.plus(LEASE))).isInstanceOf(Claim.Held.class);
  }

  @Test
  void ofManyWorkersClaimingAtOnceExactlyOneHoldsTheRun() throws Exception {
    RunStore s = store();
    int workers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Callable<Claim>> claims = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        String owner = "worker-" + i;
        claims.add(() -> s.claim("run-1", owner, T0, T0.plus(LEASE)));
      }
      int held = 0;
      for (Future<Claim> f : pool.invokeAll(claims)) {
        if (f.get() instanceof Claim.Held) {
          held++;
        }
      }
      assertThat(held).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHolderThatDiesHoldsTheRunUntilItsLeaseLapsesThenAnotherTakesOverAndFencesItOut() {
    RunStore s = store();
    Claim.Held dead = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    s.put(dead, "state", bytes("{\"by\":\"a\"}"));

    Claim meanwhile = s.claim("run-1", "worker-b", T0.plusSeconds(10), T0.plusSeconds(40));
    assertThat(meanwhile).isEqualTo(new Claim.Taken("run-1", "worker-a", T0.plus(LEASE)));

    Instant later = T0.plus(LEASE).plusSeconds(1);
    Claim.Held next = (Claim.Held) s.claim("run-1", "worker-b", later, later.plus(LEASE));
    assertThat(next.token()).isNotEqualTo(dead.token());
    // the old holder comes back: it can neither renew nor write
    assertThat(s.renew(dead, later.plus(LEASE))).isFalse();
    assertThatThrownBy(() -> s.put(dead, "state", bytes("{\"by\":\"a again\"}")))
        .isInstanceOf(ClaimLostException.class)
        .hasMessageContaining("run-1");
    assertThat(text(s.get("run-1", "state"))).isEqualTo("{\"by\":\"a\"}");
    s.put(next, "state", bytes("{\"by\":\"b\"}"));
    assertThat(text(s.get("run-1", "state"))).isEqualTo("{\"by\":\"b\"}");
    // releasing a claim one no longer holds does not free the run
    s.release(dead);
    assertThat(s.claim("run-1", "worker-c", later, later.plus(LEASE)))
        .isInstanceOf(Claim.Taken.class);
  }

  @Test
  void aRenewedClaimHoldsPastItsFirstLease() {
    RunStore s = store();
    Claim.Held a = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    assertThat(s.renew(a, T0.plus(LEASE).plus(LEASE))).isTrue();

    Instant afterFirst = T0.plus(LEASE).plusSeconds(1);
    assertThat(s.claim("run-1", "worker-b", afterFirst, afterFirst.plus(LEASE)))
        .isEqualTo(new Claim.Taken("run-1", "worker-a", T0.plus(LEASE).plus(LEASE)));
    s.put(a, "state", bytes("x"));
  }

  @Test
  void aReleasedRunIsClaimedAtOnce() {
    RunStore s = store();
    Claim.Held a = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    s.release(a);

    assertThat(s.claim("run-1", "worker-b", T0, T0.plus(LEASE))).isInstanceOf(Claim.Held.class);
    assertThatThrownBy(() -> s.put(a, "state", bytes("x"))).isInstanceOf(ClaimLostException.class);
  }

  @Test
  void recordsReadBackWholeAsLastWrittenPerRunAndKey() {
    RunStore s = store();
    Claim.Held a = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    Claim.Held b = (Claim.Held) s.claim("run-2", "worker-a", T0, T0.plus(LEASE));
    assertThat(s.get("run-1", "state")).isNull();

    s.put(a, "state", bytes("first, and longer than what replaces it"));
    s.put(a, "state", bytes("second"));
    s.put(a, "call/000001/0000", bytes("{\"phase\":\"begun\"}"));
    s.put(b, "state", bytes("other run ü 😀"));

    assertThat(text(s.get("run-1", "state"))).isEqualTo("second");
    assertThat(text(s.get("run-1", "call/000001/0000"))).isEqualTo("{\"phase\":\"begun\"}");
    assertThat(text(s.get("run-2", "state"))).isEqualTo("other run ü 😀");
    assertThat(s.get("run-2", "call/000001/0000")).isNull();
    // readable without a claim, by any worker
    s.release(a);
    assertThat(text(s.get("run-1", "state"))).isEqualTo("second");
  }

  @Test
  void malformedIdsAndKeysAreRefusedNamingWhatIsAllowed() {
    RunStore s = store();
    assertThatThrownBy(() -> s.claim("../etc", "w", T0, T0.plus(LEASE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a run id is 1 to 128");
    Claim.Held a = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    assertThatThrownBy(() -> s.put(a, "State", bytes("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a record key");
  }
}
