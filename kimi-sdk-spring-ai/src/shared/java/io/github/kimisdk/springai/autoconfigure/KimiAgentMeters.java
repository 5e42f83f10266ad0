package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The agent metrics as Micrometer meters, the names {@code kimi-sdk-opentelemetry}'s {@code
 * AgentMetrics} gives them: {@value #RUNS}, gauges of the application's {@link RunStore} by {@code
 * kimi.agent.run.state} ({@code running}, {@code orphaned}, {@code paused}, {@code in_doubt},
 * {@code answered}, {@code stopped}, {@code failed}), counted from the store ({@link
 * RunStore#count}) when a registry reads them, at most once every {@value #REFRESH_SECONDS} seconds
 * (a store that fails reads as {@code NaN}); and, from the events of the agents it is the listener
 * of, {@value #APPROVAL_WAIT} (a timer, by {@code gen_ai.tool.name}), {@value #TAKEN_OVER} and
 * {@value #IN_DOUBT} (by {@code gen_ai.tool.name}).
 *
 * <p>The auto-configuration makes it a bean ({@code kimiAgentMeters}), which Spring Boot binds to
 * every registry; an application gives it to its agents as their listener:
 *
 * <pre>{@code
 * @Bean
 * Agent payments(KimiClient kimi, RunStore store, RunKey key, KimiAgentMeters meters) {
 *   return Agent.builder(kimi, "kimi-k3").name("payments", "1").store(store).key(key)
 *       .listener(meters).build();
 * }
 * }</pre>
 *
 * <p>Thread-safe: events are recorded on the threads that drive runs; the gauges are read on the
 * registry's.
 */
public final class KimiAgentMeters implements MeterBinder, AgentListener {

  /** The runs in the store by state. */
  public static final String RUNS = "kimi.agent.runs";

  /** How long calls waited for their approval. */
  public static final String APPROVAL_WAIT = "kimi.agent.approval.wait";

  /** The runs resumed after their worker died or stopped. */
  public static final String TAKEN_OVER = "kimi.agent.claims.taken_over";

  /** The calls found in doubt after a crash. */
  public static final String IN_DOUBT = "kimi.agent.calls.in_doubt";

  /** How long one count of the store's runs answers the gauges, in seconds. */
  static final int REFRESH_SECONDS = 30;

  static final String STATE = "kimi.agent.run.state";
  static final String TOOL = "gen_ai.tool.name";

  private static final System.Logger LOG = System.getLogger(KimiAgentMeters.class.getName());

  private final RunStore store; // null: no gauges
  private final long refreshNanos;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private long[] counts; // guarded by lock; null until counted, or after a failure
  private long countedAt; // guarded by lock
  private volatile MeterRegistry registry;

  KimiAgentMeters(RunStore store, Duration refresh) {
    this(store, refresh, Clock.systemUTC(), System::nanoTime);
  }

  KimiAgentMeters(RunStore store, Duration refresh, Clock clock, LongSupplier nanoTime) {
    this.store = store;
    this.refreshNanos = refresh.toNanos();
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    if (store == null) {
      return;
    }
    RunQuery.State[] states = RunQuery.State.values();
    for (int i = 0; i < states.length; i++) {
      int index = i;
      Gauge.builder(RUNS, this, m -> m.count(index))
          .tag(STATE, states[i].name().toLowerCase(Locale.ROOT))
          .baseUnit("runs")
          .description("Runs in the store by state")
          .register(registry);
    }
  }

  /** The runs in the state at {@code index}, from counts at most {@code refresh} old. */
  private double count(int index) {
    synchronized (lock) {
      long now = nanoTime.getAsLong();
      if (counts == null || now - countedAt >= refreshNanos) {
        countedAt = now;
        counts = null;
        try {
          RunQuery.State[] states = RunQuery.State.values();
          long[] c = new long[states.length];
          java.time.Instant at = clock.instant();
          for (int i = 0; i < states.length; i++) {
            c[i] = store.count(RunQuery.in(states[i]).at(at));
          }
          counts = c;
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not count the runs of " + store, e);
        }
      }
      return counts == null ? Double.NaN : counts[index];
    }
  }

  @Override
  public void onEvent(RunEvent event) {
    MeterRegistry r = registry;
    if (r == null) {
      return; // not bound yet
    }
    if (event instanceof RunEvent.Approved e) {
      if (e.waited() != null) {
        Timer.builder(APPROVAL_WAIT)
            .description("How long a call waited for a person's approval")
            .tag(TOOL, e.tool())
            .register(r)
            .record(e.waited());
      }
    } else if (event instanceof RunEvent.Resumed e) {
      if (e.status() == RunState.Status.RUNNING) {
        Counter.builder(TAKEN_OVER)
            .description("Runs resumed after the worker that drove them died or stopped")
            .register(r)
            .increment();
      }
    } else if (event instanceof RunEvent.InDoubt e) {
      for (PendingCall c : e.calls()) {
        Counter.builder(IN_DOUBT)
            .description("Calls found begun but not finished after a crash, handed to a person")
            .tag(TOOL, c.tool())
            .register(r)
            .increment();
      }
    }
  }

  @Override
  public String toString() {
    return "KimiAgentMeters[" + (store == null ? "no store" : store) + "]";
  }
}
