package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.ForwardingRunStore;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The agent metrics, exported by the OpenTelemetry SDK and read back in memory: the runs of a store
 * by state (counted from the store at each collection, orphans by their claims), for all agents and
 * for one; calls in doubt and claims taken over from the runs' events.
 */
class AgentMetricsTest {
  static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);

  static Claim.Held save(
      RunStore store, String id, String agent, RunState.Status status, PendingCall.Kind waiting) {
    Claim.Held c = (Claim.Held) store.claim(id, "w", T0, T0.plus(LEASE));
    store.putState(
        c,
        "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        new RunSummary(
            id,
            agent,
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
    return c;
  }

  static Map<String, Long> byState(Collection<MetricData> metrics, String agent) {
    Map<String, Long> out = new TreeMap<>();
    for (MetricData m : metrics) {
      if (!m.getName().equals(AgentMetrics.RUNS)) {
        continue;
      }
      assertThat(m.getUnit()).isEqualTo("{run}");
      for (LongPointData p : m.getLongGaugeData().getPoints()) {
        if (java.util.Objects.equals(p.getAttributes().get(AgentSpans.AGENT_NAME), agent)) {
          out.put(p.getAttributes().get(AgentMetrics.STATE), p.getValue());
        }
      }
    }
    return out;
  }

  @Test
  void theRunsOfAStoreAreCountedByStateAtEachCollectionTheirOrphansByTheirClaims() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    RunStore store = RunStore.inMemory();
    store.release(save(store, "p1", "payments", RunState.Status.PAUSED, PendingCall.Kind.APPROVAL));
    store.release(save(store, "p2", "payments", RunState.Status.PAUSED, PendingCall.Kind.APPROVAL));
    store.release(save(store, "d1", "payments", RunState.Status.PAUSED, PendingCall.Kind.IN_DOUBT));
    save(store, "r1", "payments", RunState.Status.RUNNING, null); // held
    store.release(save(store, "o1", "payments", RunState.Status.RUNNING, null)); // its worker gone
    store.release(save(store, "a1", "payments", RunState.Status.ANSWERED, null));
    store.release(save(store, "a2", "research", RunState.Status.ANSWERED, null));
    store.release(save(store, "f1", "research", RunState.Status.FAILED, null));
    AgentMetrics metrics =
        AgentMetrics.create(otel.sdk, Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC));
    metrics.observeRuns(store);
    metrics.observeRuns(store, "research");

    Collection<MetricData> first = otel.metrics.collectAllMetrics();
    Map<String, Long> all = new TreeMap<>();
    all.putAll(
        Map.of(
            "running",
            1L,
            "orphaned",
            1L,
            "paused",
            2L,
            "in_doubt",
            1L,
            "answered",
            2L,
            "stopped",
            0L,
            "failed",
            1L));
    assertThat(byState(first, null)).isEqualTo(all);
    assertThat(byState(first, "research"))
        .containsEntry("answered", 1L)
        .containsEntry("failed", 1L)
        .containsEntry("paused", 0L);

    // counted again at each collection: the held run's lease has lapsed by this one
    store.release(save(store, "s1", "payments", RunState.Status.STOPPED, null));
    assertThat(byState(otel.metrics.collectAllMetrics(), null)).containsEntry("stopped", 1L);
    InMemoryTelemetry later = new InMemoryTelemetry();
    AgentMetrics.create(later.sdk, Clock.fixed(T0.plus(LEASE).plusSeconds(1), ZoneOffset.UTC))
        .observeRuns(store);
    assertThat(byState(later.metrics.collectAllMetrics(), null))
        .containsEntry("running", 0L)
        .containsEntry("orphaned", 2L);
  }

  @Test
  void aStoreThatFailsReportsNothingRatherThanZeros() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    RunStore failing =
        new RunStore() {
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
          public RunPage list(RunQuery query) {
            throw new RunStoreException("the store is down (a test's)", null);
          }
        };
    AgentMetrics.create(otel.sdk).observeRuns(failing);
    assertThat(byState(otel.metrics.collectAllMetrics(), null)).isEmpty();
  }

  @Test
  void callsInDoubtAndClaimsTakenOverAreCountedFromTheRunsEvents() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    AgentMetrics metrics = AgentMetrics.create(otel.sdk);
    RunStore store = RunStore.inMemory();
    AtomicInteger refunds = new AtomicInteger();
    AgentTool refund =
        AgentTool.of(
            "refund",
            "Refunds a customer",
            JsonSchema.object().required("to", JsonSchema.string()).build(),
            (args, ctx) -> "refunded " + refunds.incrementAndGet());
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-metrics").baseUrl(server.baseUrl()).build()) {
      // the worker dies after the refund, as its result is written
      RunResult crashed =
          Agent.builder(kimi, "kimi-k3")
              .tool(refund)
              .key(io.github.kimisdk.agents.TestKeys.KEY)
              .store(new DiesAtTheResult(store))
              .listener(metrics)
              .build()
              .run("r1", List.of(Message.user("refund to=c-1")));
      assertThat(crashed).isInstanceOf(RunResult.Failed.class);

      RunResult resumed =
          Agent.builder(kimi, "kimi-k3")
              .tool(refund)
              .key(io.github.kimisdk.agents.TestKeys.KEY)
              .store(store)
              .listener(metrics)
              .build()
              .resume("r1", List.of());
      assertThat(resumed).isInstanceOf(RunResult.Paused.class);
    }
    assertThat(refunds).hasValue(1);
    Collection<MetricData> m = otel.metrics.collectAllMetrics();
    MetricData doubt = named(m, AgentMetrics.IN_DOUBT);
    assertThat(doubt.getUnit()).isEqualTo("{call}");
    assertThat(doubt.getLongSumData().getPoints())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getValue()).isEqualTo(1);
              assertThat(p.getAttributes())
                  .isEqualTo(Attributes.of(AgentSpanEvents.TOOL, "refund"));
            });
    MetricData taken = named(m, AgentMetrics.TAKEN_OVER);
    assertThat(taken.getLongSumData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
  }

  static MetricData named(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " in " + metrics));
  }

  /** A store whose worker dies as a call's result is written: the second write of a call record. */
  static final class DiesAtTheResult extends ForwardingRunStore {
    private int calls; // guarded by this

    DiesAtTheResult(RunStore store) {
      super(store);
    }

    @Override
    public synchronized void put(Claim.Held claim, String key, byte[] value) {
      if (calls > 1 || (key.startsWith("call/") && ++calls > 1)) {
        throw new RunStoreException("the worker died here (a test's)", null);
      }
      store.put(claim, key, value);
    }

    @Override
    public synchronized void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      if (calls > 1) {
        throw new RunStoreException("the worker died here (a test's)", null);
      }
      store.putState(claim, state, summary);
    }
  }
}
