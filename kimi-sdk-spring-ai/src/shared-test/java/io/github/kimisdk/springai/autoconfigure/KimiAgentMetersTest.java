package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The agent meters on a registry, on both Spring lines: the store's runs by state, counted at most
 * once per refresh (a store that fails reads NaN, not zero), and the runs' events.
 */
class KimiAgentMetersTest {
  static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

  /** A store that counts how often it is asked to find runs, and fails while told to. */
  static final class Counted implements RunStore {
    final RunStore store = RunStore.inMemory();
    final AtomicInteger lists = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      return store.claim(runId, owner, now, until);
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      return store.renew(claim, until);
    }

    @Override
    public void release(Claim.Held claim) {
      store.release(claim);
    }

    @Override
    public void put(Claim.Held claim, String key, byte[] value) {
      store.put(claim, key, value);
    }

    @Override
    public void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      store.putState(claim, state, summary);
    }

    @Override
    public byte[] get(String runId, String key) {
      return store.get(runId, key);
    }

    @Override
    public RunPage list(RunQuery query) {
      lists.incrementAndGet();
      if (down.get()) {
        throw new RunStoreException("the store is down (a test's)", null);
      }
      return store.list(query);
    }

    void save(String id, RunState.Status status, PendingCall.Kind waiting, boolean release) {
      Claim.Held c = (Claim.Held) claim(id, "w", T0, T0.plusSeconds(30));
      putState(
          c,
          "{}".getBytes(StandardCharsets.UTF_8),
          new RunSummary(
              id,
              "payments",
              "1",
              status,
              waiting,
              waiting == null ? null : T0,
              T0,
              T0,
              "w",
              1,
              waiting == null ? 0 : 1,
              Map.of(),
              null,
              null));
      if (release) {
        release(c);
      }
    }
  }

  static double runs(SimpleMeterRegistry registry, String state) {
    return registry.get(KimiAgentMeters.RUNS).tag(KimiAgentMeters.STATE, state).gauge().value();
  }

  @Test
  void theStoresRunsAreGaugesByStateCountedAtMostOncePerRefresh() {
    Counted store = new Counted();
    store.save("p1", RunState.Status.PAUSED, PendingCall.Kind.APPROVAL, true);
    store.save("d1", RunState.Status.PAUSED, PendingCall.Kind.IN_DOUBT, true);
    store.save("r1", RunState.Status.RUNNING, null, false);
    store.save("o1", RunState.Status.RUNNING, null, true);
    store.save("a1", RunState.Status.ANSWERED, null, true);
    AtomicLong nanos = new AtomicLong();
    KimiAgentMeters meters =
        new KimiAgentMeters(
            store,
            Duration.ofSeconds(30),
            Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC),
            nanos::get);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    meters.bindTo(registry);

    assertThat(runs(registry, "paused")).isEqualTo(1);
    assertThat(runs(registry, "in_doubt")).isEqualTo(1);
    assertThat(runs(registry, "running")).isEqualTo(1);
    assertThat(runs(registry, "orphaned")).isEqualTo(1);
    assertThat(runs(registry, "answered")).isEqualTo(1);
    assertThat(runs(registry, "failed")).isZero();
    int asked = store.lists.get();
    assertThat(asked).isEqualTo(RunQuery.State.values().length); // one count per state, once

    store.save("a2", RunState.Status.ANSWERED, null, true);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(29));
    assertThat(runs(registry, "answered")).isEqualTo(1); // within the refresh: as counted
    assertThat(store.lists.get()).isEqualTo(asked);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(runs(registry, "answered")).isEqualTo(2);

    store.down.set(true);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(30));
    assertThat(runs(registry, "answered")).isNaN();
    assertThat(runs(registry, "paused")).isNaN();
  }

  @Test
  void approvalWaitsClaimsTakenOverAndCallsInDoubtAreCountedFromTheRunsEvents() {
    KimiAgentMeters meters = new KimiAgentMeters(null, Duration.ofSeconds(30));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    meters.bindTo(registry);
    assertThat(registry.find(KimiAgentMeters.RUNS).gauges()).isEmpty(); // no store, no gauges

    meters.onEvent(
        new RunEvent.Approved("r1", 1, 0, "transfer", "decision", List.of(), Duration.ofHours(3)));
    meters.onEvent(new RunEvent.Resumed("r2", 4, RunState.Status.RUNNING, 0));
    meters.onEvent(new RunEvent.Resumed("r3", 4, RunState.Status.PAUSED, 1)); // not taken over
    PendingCall call =
        new PendingCall(
            PendingCall.Kind.IN_DOUBT,
            "r2",
            2,
            0,
            "call-1",
            "refund",
            "{}",
            "begun, not finished",
            "in-doubt",
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "kimi-key",
            T0,
            List.of());
    meters.onEvent(new RunEvent.InDoubt("r2", List.of(call)));

    assertThat(
            registry
                .get(KimiAgentMeters.APPROVAL_WAIT)
                .tag(KimiAgentMeters.TOOL, "transfer")
                .timer()
                .totalTime(TimeUnit.SECONDS))
        .isEqualTo(3 * 3600);
    assertThat(registry.get(KimiAgentMeters.TAKEN_OVER).counter().count()).isEqualTo(1);
    assertThat(
            registry
                .get(KimiAgentMeters.IN_DOUBT)
                .tag(KimiAgentMeters.TOOL, "refund")
                .counter()
                .count())
        .isEqualTo(1);
  }
}
