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

  // ------------------------------------------------------------------------------------------
  // Finding runs

  /**
   * A summary as a worker saves it after {@code steps} steps: version 1 of {@code agent}, created
   * at {@link #T0}, waiting since {@code updated} if it waits.
   */
  public static RunSummary summary(
      String runId,
      String agent,
      RunState.Status status,
      PendingCall.Kind waiting,
      Instant updated,
      String owner,
      java.util.Map<String, String> labels,
      int steps) {
    return new RunSummary(
        runId,
        agent,
        "1",
        status,
        waiting,
        waiting == null ? null : updated,
        T0,
        updated,
        owner,
        steps,
        waiting == null ? 0 : 1,
        labels,
        null,
        null);
  }

  /** Claims a run and saves its state with {@code s}; returns the claim, still held. */
  protected static Claim.Held save(RunStore store, RunSummary s, Instant now) {
    Claim.Held c = (Claim.Held) store.claim(s.runId(), s.owner(), now, now.plus(LEASE));
    store.putState(c, bytes("{\"id\":\"" + s.runId() + "\"}"), s);
    return c;
  }

  private static List<String> ids(RunPage p) {
    List<String> out = new ArrayList<>();
    p.runs().forEach(r -> out.add(r.runId()));
    return out;
  }

  @Test
  void runsAreFoundByStateAgentOwnerAndLabelsOldestSaveFirst() {
    RunStore store = store();
    java.util.Map<String, String> none = java.util.Map.of();
    store.release(save(store, summary("a1", "payments", RunState.Status.ANSWERED, null, T0.plusSeconds(1), "w1", java.util.Map.of("customer", "c-1"), 3), T0));
    store.release(save(store, summary("p1", "payments", RunState.Status.PAUSED, PendingCall.Kind.APPROVAL, T0.plusSeconds(2), "w1", java.util.Map.of("customer", "c-2"), 3), T0));
    store.release(save(store, summary("d1", "payments", RunState.Status.PAUSED, PendingCall.Kind.IN_DOUBT, T0.plusSeconds(3), "w2", none, 3), T0));
    store.release(save(store, summary("f1", "research", RunState.Status.FAILED, null, T0.plusSeconds(4), "w2", none, 3), T0));
    save(store, summary("r1", "payments", RunState.Status.RUNNING, null, T0.plusSeconds(5), "w1", none, 3), T0);
    store.release(save(store, summary("o1", "payments", RunState.Status.RUNNING, null, T0.plusSeconds(6), "w3", none, 3), T0));
    Instant now = T0.plusSeconds(10);

    assertThat(ids(store.list(RunQuery.all().at(now))))
        .containsExactly("a1", "p1", "d1", "f1", "r1", "o1");
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.PAUSED).at(now)))).containsExactly("p1");
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.IN_DOUBT).at(now)))).containsExactly("d1");
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.RUNNING).at(now)))).containsExactly("r1");
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.ORPHANED).at(now)))).containsExactly("o1");
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.ANSWERED, RunQuery.State.FAILED).at(now))))
        .containsExactly("a1", "f1");
    assertThat(ids(store.list(RunQuery.all().agent("research").at(now)))).containsExactly("f1");
    assertThat(ids(store.list(RunQuery.all().owner("w2").at(now)))).containsExactly("d1", "f1");
    assertThat(ids(store.list(RunQuery.all().label("customer", "c-2").at(now))))
        .containsExactly("p1");
    assertThat(ids(store.list(RunQuery.all().updatedBefore(T0.plusSeconds(3)).at(now))))
        .containsExactly("a1", "p1");
    assertThat(store.count(RunQuery.in(RunQuery.State.PAUSED, RunQuery.State.IN_DOUBT).at(now)))
        .isEqualTo(2);
    // a running run's claim lapses: it is an orphan now
    assertThat(ids(store.list(RunQuery.in(RunQuery.State.ORPHANED).at(T0.plus(LEASE).plusSeconds(1)))))
        .containsExactly("r1", "o1");
    RunSummary p1 = store.list(RunQuery.in(RunQuery.State.PAUSED).at(now)).runs().get(0);
    assertThat(p1.waitingSince()).isEqualTo(T0.plusSeconds(2));
    assertThat(p1.labels()).containsEntry("customer", "c-2");
    RunSummary r1 = store.list(RunQuery.in(RunQuery.State.RUNNING).at(now)).runs().get(0);
    assertThat(r1.holder()).isEqualTo("w1");
    assertThat(r1.claimedUntil()).isEqualTo(T0.plus(LEASE));
  }

  @Test
  void pagesTogetherHoldEveryRunOnceInOrder() {
    RunStore store = store();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      String id = String.format("run-%02d", i);
      // several runs share a save time: the id orders them
      Claim.Held c =
          save(store, summary(id, "payments", RunState.Status.ANSWERED, null, T0.plusSeconds(i / 3), "w", java.util.Map.of(), 3), T0);
      store.release(c);
      expected.add(id);
    }
    List<String> seen = new ArrayList<>();
    RunQuery q = RunQuery.all().limit(5).at(T0);
    int pages = 0;
    while (true) {
      RunPage p = store.list(q);
      assertThat(p.runs().size()).isLessThanOrEqualTo(5);
      seen.addAll(ids(p));
      pages++;
      if (p.next() == null) {
        break;
      }
      q = q.after(p.next());
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(pages).isEqualTo(5);
    assertThat(store.count(RunQuery.all().at(T0))).isEqualTo(23);
  }

  @Test
  void aRunNoWorkerHoldsIsDeletedWithItsRecordsAndOneHeldIsNot() {
    RunStore store = store();
    Claim.Held held = save(store, summary("held", "payments", RunState.Status.RUNNING, null, T0, "w", java.util.Map.of(), 3), T0);
    Claim.Held done = save(store, summary("done", "payments", RunState.Status.ANSWERED, null, T0, "w", java.util.Map.of("k", "v"), 3), T0);
    store.put(done, "call/000001/0000", bytes("{}"));
    store.release(done);

    assertThat(store.delete("held", T0.plusSeconds(1))).isFalse();
    assertThat(store.delete("done", T0.plusSeconds(1))).isTrue();
    assertThat(store.get("done", "state")).isNull();
    assertThat(store.get("done", "call/000001/0000")).isNull();
    assertThat(ids(store.list(RunQuery.all().at(T0.plusSeconds(1))))).containsExactly("held");
    assertThat(store.delete("done", T0.plusSeconds(1))).isFalse();
    assertThat(store.get("held", "state")).isNotNull();
    // once its claim lapses, it may go too
    assertThat(store.delete("held", T0.plus(LEASE).plusSeconds(1))).isTrue();
    assertThat(held.runId()).isEqualTo("held");
  }

  @Test
  void anOperatorsReleaseFreesTheRunAtOnceAndFencesTheOldHolderOut() {
    RunStore store = store();
    Claim.Held old = save(store, summary("run-1", "payments", RunState.Status.RUNNING, null, T0, "w1", java.util.Map.of(), 3), T0);

    assertThat(store.forceRelease("run-1")).isTrue();
    assertThat(store.forceRelease("run-1")).isFalse();
    Claim next = store.claim("run-1", "w2", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE));
    assertThat(next).isInstanceOf(Claim.Held.class);
    assertThatThrownBy(() -> store.put(old, "state", bytes("late")))
        .isInstanceOf(ClaimLostException.class);
    store.check();
  }

  @Test
  void aReleaseNamingItsHolderEndsThatHoldersClaimAndNoOneElses() {
    RunStore store = store();
    Claim.Held w1 =
        save(store, summary("run-1", "payments", RunState.Status.RUNNING, null, T0, "w1", java.util.Map.of(), 3), T0);

    assertThat(store.release("run-1", "w2")).isFalse();
    assertThat(store.claim("run-1", "w3", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE)))
        .isInstanceOf(Claim.Taken.class);
    assertThat(store.release("run-1", "w1")).isTrue();
    assertThat(store.release("run-1", "w1")).isFalse();
    assertThatThrownBy(() -> store.put(w1, "state", bytes("late")))
        .isInstanceOf(ClaimLostException.class);

    // the operator saw w2 hold it; its lease lapsed and w3 took the run over since: w3 keeps it
    Instant t1 = T0.plusSeconds(2);
    Claim.Held w2 = (Claim.Held) store.claim("run-1", "w2", t1, t1.plus(LEASE));
    Instant t2 = t1.plus(LEASE).plusSeconds(1);
    Claim.Held w3 = (Claim.Held) store.claim("run-1", "w3", t2, t2.plus(LEASE));
    assertThat(store.release("run-1", "w2")).isFalse();
    store.put(w3, "state", bytes("w3's"));
    assertThat(text(store.get("run-1", "state"))).isEqualTo("w3's");
    assertThat(w2.owner()).isEqualTo("w2");
  }
}
