package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Gives an agent's runs ({@code kimi-sdk-agents}) the metrics a team that operates them watches.
 * The GenAI conventions name no agent metrics yet, so the names are Kimi's own:
 *
 * <ul>
 *   <li>{@value #RUNS} ({@code {run}}, a gauge): the runs in the store by {@code
 *       kimi.agent.run.state} ({@code running}, {@code orphaned}, {@code paused}, {@code in_doubt},
 *       {@code answered}, {@code stopped}, {@code failed}), and {@code gen_ai.agent.name} when it
 *       counts one agent's. It is counted from the store ({@link RunStore#count}) each time the
 *       metrics are collected ({@link #observeRuns}), not from this process's events: a run paused
 *       here is resumed in another process, and an orphan is a run whose process died, which no
 *       event of a live process tells. Each process that observes one store reports the same
 *       numbers: observe it in one process, or read the gauge's last value, not the sum of its
 *       reporters.
 *   <li>{@value #APPROVAL_WAIT} ({@code s}, a histogram): how long each call that waited for a
 *       person's approval waited, from when it began to wait to its approval ({@code
 *       RunEvent.Approved.waited()}), by {@code gen_ai.tool.name}.
 *   <li>{@value #TAKEN_OVER} ({@code {run}}, a counter): the runs this process resumed that it
 *       found running, their claims taken over from a worker that died or stopped ({@code
 *       RunEvent.Resumed} with status {@code RUNNING}).
 *   <li>{@value #IN_DOUBT} ({@code {call}}, a counter): the calls found begun but not finished
 *       after a crash, whose tools are not idempotent, handed to a person ({@code
 *       RunEvent.InDoubt}), by {@code gen_ai.tool.name}.
 * </ul>
 *
 * <p>The last three are counted from the events of the agents this is the listener of: give it to
 * each agent (an agent has one listener: a lambda that calls {@link AgentSpanEvents} too gives it
 * both).
 *
 * <pre>{@code
 * AgentMetrics metrics = AgentMetrics.create(openTelemetry);
 * AgentSpanEvents events = AgentSpanEvents.create();
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .name("payments", "1")
 *     .store(store)
 *     .key(RunKey.fromEnv("KIMI_AGENT_KEY"))
 *     .tracer(AgentSpans.create(openTelemetry))
 *     .listener(e -> { events.onEvent(e); metrics.onEvent(e); })
 *     .build();
 * ObservableLongGauge runs = metrics.observeRuns(store); // in one process of the fleet
 * }</pre>
 *
 * <p>Needs {@code kimi-sdk-agents} on the class path. Thread-safe; the events are recorded on the
 * threads that drive the runs, the gauge counted on the thread that collects the metrics.
 */
public final class AgentMetrics implements AgentListener {

  /** The runs in a store by state. */
  public static final String RUNS = "kimi.agent.runs";

  /** How long calls waited for their approval. */
  public static final String APPROVAL_WAIT = "kimi.agent.approval.wait";

  /** The runs resumed after their worker died or stopped. */
  public static final String TAKEN_OVER = "kimi.agent.claims.taken_over";

  /** The calls found in doubt after a crash. */
  public static final String IN_DOUBT = "kimi.agent.calls.in_doubt";

  static final AttributeKey<String> STATE = AttributeKey.stringKey("kimi.agent.run.state");

  /** Approval waits are hours and days as often as seconds: buckets from a second to a week. */
  static final List<Double> WAIT_BUCKETS =
      List.of(
          1.0,
          10.0,
          60.0,
          300.0,
          900.0,
          3_600.0,
          4 * 3_600.0,
          12 * 3_600.0,
          86_400.0,
          3 * 86_400.0,
          7 * 86_400.0);

  private static final System.Logger LOG = System.getLogger(AgentMetrics.class.getName());

  private final Meter meter;
  private final DoubleHistogram approvalWait;
  private final LongCounter takenOver;
  private final LongCounter inDoubt;
  private final Clock clock;

  private AgentMetrics(OpenTelemetry otel, Clock clock) {
    this.meter =
        otel.meterBuilder(KimiTelemetry.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(KimiTelemetry.VERSION)
            .setSchemaUrl(KimiTelemetry.SCHEMA_URL)
            .build();
    this.approvalWait =
        meter
            .histogramBuilder(APPROVAL_WAIT)
            .setUnit("s")
            .setDescription("How long a call waited for a person's approval")
            .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS)
            .build();
    this.takenOver =
        meter
            .counterBuilder(TAKEN_OVER)
            .setUnit("{run}")
            .setDescription("Runs resumed after the worker that drove them died or stopped")
            .build();
    this.inDoubt =
        meter
            .counterBuilder(IN_DOUBT)
            .setUnit("{call}")
            .setDescription("Calls found begun but not finished after a crash, handed to a person")
            .build();
    this.clock = clock;
  }

  /**
   * Returns the metrics on {@code openTelemetry}'s meter provider.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return the metrics, a listener of agents' runs
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static AgentMetrics create(OpenTelemetry openTelemetry) {
    return new AgentMetrics(
        Objects.requireNonNull(openTelemetry, "openTelemetry"), Clock.systemUTC());
  }

  /** The metrics with another clock, which judges the claims the gauge counts; for a test. */
  static AgentMetrics create(OpenTelemetry openTelemetry, Clock clock) {
    return new AgentMetrics(openTelemetry, clock);
  }

  /**
   * Observes the runs of every agent in {@code store}: {@value #RUNS} by state, counted at each
   * collection.
   *
   * @param store the store; it must find runs
   * @return the gauge; closing it stops the counting
   * @throws NullPointerException if {@code store} is null
   */
  public ObservableLongGauge observeRuns(RunStore store) {
    return observe(store, null);
  }

  /**
   * Observes one agent's runs in {@code store}: {@value #RUNS} by state, with {@code
   * gen_ai.agent.name}.
   *
   * @param store the store; it must find runs
   * @param agent the agent's name
   * @return the gauge; closing it stops the counting
   * @throws NullPointerException if an argument is null
   */
  public ObservableLongGauge observeRuns(RunStore store, String agent) {
    return observe(store, Objects.requireNonNull(agent, "agent"));
  }

  private ObservableLongGauge observe(RunStore store, String agent) {
    Objects.requireNonNull(store, "store");
    Map<RunQuery.State, Attributes> series = new EnumMap<>(RunQuery.State.class);
    for (RunQuery.State s : RunQuery.State.values()) {
      AttributesBuilder a = Attributes.builder().put(STATE, s.name().toLowerCase(Locale.ROOT));
      if (agent != null) {
        a.put(AgentSpans.AGENT_NAME, agent);
      }
      series.put(s, a.build());
    }
    return meter
        .gaugeBuilder(RUNS)
        .ofLongs()
        .setUnit("{run}")
        .setDescription("Runs in the store by state, counted at each collection")
        .buildWithCallback(
            m -> {
              java.time.Instant now = clock.instant();
              RunQuery.State[] states = RunQuery.State.values();
              long[] counts = new long[states.length];
              try {
                for (int i = 0; i < states.length; i++) {
                  RunQuery q = RunQuery.in(states[i]).at(now);
                  counts[i] = store.count(agent == null ? q : q.agent(agent));
                }
              } catch (RuntimeException e) {
                // a store that fails reports nothing this time, rather than zeros
                LOG.log(
                    System.Logger.Level.WARNING,
                    "could not count the runs of " + store + " for " + RUNS,
                    e);
                return;
              }
              for (int i = 0; i < states.length; i++) {
                m.record(counts[i], series.get(states[i]));
              }
            });
  }

  @Override
  public void onEvent(RunEvent event) {
    if (event instanceof RunEvent.Approved e) {
      if (e.waited() != null) {
        approvalWait.record(
            e.waited().toNanos() / 1e9, Attributes.of(AgentSpanEvents.TOOL, e.tool()));
      }
    } else if (event instanceof RunEvent.Resumed e) {
      if (e.status() == RunState.Status.RUNNING) {
        takenOver.add(1);
      }
    } else if (event instanceof RunEvent.InDoubt e) {
      for (PendingCall c : e.calls()) {
        inDoubt.add(1, Attributes.of(AgentSpanEvents.TOOL, c.tool()));
      }
    }
  }

  @Override
  public String toString() {
    return "AgentMetrics";
  }
}
