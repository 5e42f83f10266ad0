package io.github.kimisdk.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an agent's runs in a store moving: resumes the orphans (runs whose worker died or stopped:
 * a claim lapsed or ended, and nobody resumed them), drives the paused runs whose approval waited
 * past its {@linkplain Approval#expiresAfter expiry} (so it is rejected or escalated as
 * configured), and deletes runs that ended (answered, stopped or failed) longer ago than the
 * retention. A team runs it in a worker on a schedule ({@link #every(Duration)}) or once ({@link
 * #sweep()}): it needs the agent, whose tools a resume runs. The agents jar's command ({@code java
 * -jar kimi-sdk-agents.jar runs sweep --retention 30d ...}) retires old runs and lists the orphans
 * without one.
 *
 * <pre>{@code
 * Sweeper sweeper = Sweeper.of(agent).maxConcurrent(4).retention(Duration.ofDays(30));
 * Sweeper.Report r = sweeper.sweep();
 * }</pre>
 *
 * <p>Each run is claimed before it is resumed, so two sweepers (or a sweeper and a worker) at once
 * resume each orphan once: the other is told the run is taken and passes on. At most {@link
 * #maxConcurrent(int)} runs are resumed at once. A run that cannot go on under this agent (another
 * agent's, or refused by its {@link VersionRule}) is counted as refused and left as it is. The
 * resumes run on threads of the sweep's own. Instances are immutable and thread-safe.
 */
public final class Sweeper {
  /** The default number of runs resumed at once. */
  public static final int DEFAULT_MAX_CONCURRENT = 4;

  private final Agent agent;
  private final int maxConcurrent;
  private final Duration retention; // null: nothing deleted

  private Sweeper(Agent agent, int maxConcurrent, Duration retention) {
    this.agent = agent;
    this.maxConcurrent = maxConcurrent;
    this.retention = retention;
  }

  /**
   * Returns a sweeper of {@code agent}'s runs in its store, resuming {@value
   * #DEFAULT_MAX_CONCURRENT} at once, deleting nothing.
   *
   * @param agent the agent; its store must find runs
   * @return the sweeper
   * @throws NullPointerException if {@code agent} is null
   * @throws IllegalArgumentException if the agent has no store
   */
  public static Sweeper of(Agent agent) {
    Objects.requireNonNull(agent, "agent must not be null");
    if (agent.setup.store == null) {
      throw new IllegalArgumentException("a sweeper needs an agent with a store");
    }
    return new Sweeper(agent, DEFAULT_MAX_CONCURRENT, null);
  }

  /**
   * Returns this sweeper resuming at most {@code n} runs at once.
   *
   * @param n at least 1
   * @return the sweeper
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public Sweeper maxConcurrent(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1: " + n);
    }
    return new Sweeper(agent, n, retention);
  }

  /**
   * Returns this sweeper deleting the runs that ended longer ago than {@code keep}.
   *
   * @param keep how long an ended run is kept, positive
   * @return the sweeper
   * @throws NullPointerException if {@code keep} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public Sweeper retention(Duration keep) {
    Objects.requireNonNull(keep, "keep must not be null");
    if (keep.isZero() || keep.isNegative()) {
      throw new IllegalArgumentException("retention must be positive: " + keep);
    }
    return new Sweeper(agent, maxConcurrent, keep);
  }

  /**
   * Says what one sweep did.
   *
   * @param resumed the runs resumed (orphans, and paused runs whose approval expired), by id
   * @param taken the runs another worker held when this sweep came to them
   * @param refused the runs that may not go on under this agent, or whose resume threw
   * @param deleted the runs deleted for being past their retention
   */
  public record Report(
      List<String> resumed, List<String> taken, List<String> refused, List<String> deleted) {
    /**
     * Copies the lists.
     *
     * @param resumed resumed runs
     * @param taken taken runs
     * @param refused refused runs
     * @param deleted deleted runs
     */
    public Report {
      resumed = List.copyOf(resumed);
      taken = List.copyOf(taken);
      refused = List.copyOf(refused);
      deleted = List.copyOf(deleted);
    }
  }

  /**
   * Sweeps once: every orphan of this agent and every paused run whose approval expired is resumed
   * (at most {@link #maxConcurrent(int)} at once), then the ended runs past the retention are
   * deleted.
   *
   * @return what it did
   * @throws RunStoreException if the store fails to list or delete
   * @throws UnsupportedOperationException if the store cannot find runs
   */
  public Report sweep() {
    Instant now = agent.setup.clock.instant();
    List<String> resumed = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> due = new ArrayList<>();
    page(
        RunQuery.in(RunQuery.State.ORPHANED).agent(agent.setup.name).at(now),
        s -> due.add(s.runId()));
    Duration expiry = shortestExpiry();
    if (expiry != null) {
      page(
          RunQuery.in(RunQuery.State.PAUSED).agent(agent.setup.name).at(now),
          s -> {
            if (s.waitingSince() != null && !now.isBefore(s.waitingSince().plus(expiry))) {
              due.add(s.runId());
            }
          });
    }
    // threads of the sweep's own (a resume runs its tool calls on the agent's pool), in the
    // caller's context
    java.util.concurrent.ThreadPoolExecutor threads = Pools.tools(maxConcurrent);
    io.github.kimisdk.ContextPropagator.Captured caller = agent.setup.kimi.captureContext();
    try {
      List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
      for (String id : due) {
        outcomes.add(
            threads.submit(
                () -> {
                  io.github.kimisdk.ContextPropagator.Scope scope = caller.restore();
                  try {
                    // as listed: a run another sweeper or worker went on with since has moved on
                    RunState s = agent.load(id).orElse(null);
                    if (s == null
                        || (s.status() != RunState.Status.RUNNING
                            && s.status() != RunState.Status.PAUSED)) {
                      return "taken";
                    }
                    RunResult r = agent.resume(s, List.of());
                    return r instanceof RunResult.Taken ? "taken" : "resumed";
                  } catch (IllegalStateException e) {
                    return e.getMessage() != null && e.getMessage().contains("has moved on")
                        ? "taken"
                        : "refused";
                  } catch (RuntimeException e) {
                    return "refused";
                  } finally {
                    scope.close();
                  }
                }));
      }
      for (int i = 0; i < due.size(); i++) {
        String o;
        try {
          o = LocalEngine.join(outcomes.get(i)); // a resume under way finishes
        } catch (RuntimeException e) {
          o = "refused";
        }
        (o.equals("taken") ? taken : o.equals("resumed") ? resumed : refused).add(due.get(i));
      }
    } finally {
      threads.shutdown();
    }
    List<String> deleted = new ArrayList<>();
    if (retention != null) {
      Instant before = now.minus(retention);
      List<String> old = new ArrayList<>();
      page(
          RunQuery.in(RunQuery.State.ANSWERED, RunQuery.State.STOPPED, RunQuery.State.FAILED)
              .agent(agent.setup.name)
              .updatedBefore(before)
              .at(now),
          s -> old.add(s.runId()));
      for (String id : old) {
        if (agent.setup.store.delete(id, now)) {
          deleted.add(id);
        }
      }
    }
    return new Report(resumed, taken, refused, deleted);
  }

  /** Pages through a query, handing each run to {@code each}. */
  private void page(RunQuery q, java.util.function.Consumer<RunSummary> each) {
    RunQuery query = q.limit(RunQuery.MAX_LIMIT);
    while (true) {
      RunPage p = agent.setup.store.list(query);
      p.runs().forEach(each);
      if (p.next() == null) {
        return;
      }
      query = query.after(p.next());
    }
  }

  /** The shortest approval expiry of the agent's own tools, or null when none expires. */
  private Duration shortestExpiry() {
    Duration shortest = null;
    for (AgentTool t : agent.setup.tools.values()) {
      Duration d = t.approval().expiresAfter();
      if (d != null && (shortest == null || d.compareTo(shortest) < 0)) {
        shortest = d;
      }
    }
    return shortest;
  }

  /**
   * Sweeps every {@code period}, on a daemon thread of its own, until the returned action is run:
   * for a worker that sweeps as it works. A sweep that fails is logged, and the next one comes. The
   * sweeps never run on the module's timer, which renews every claim this process holds and times
   * its tool calls out: a sweep that drives runs for minutes delays neither.
   *
   * @param period the time between the end of one sweep and the start of the next, positive
   * @return an action that stops the sweeps (a sweep under way finishes; its thread then ends)
   * @throws NullPointerException if {@code period} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public Runnable every(Duration period) {
    Objects.requireNonNull(period, "period must not be null");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    System.Logger log = System.getLogger(Sweeper.class.getName());
    ScheduledThreadPoolExecutor own =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "kimi-agent-sweeper-" + agent.setup.name);
              t.setDaemon(true);
              return t;
            });
    own.scheduleWithFixedDelay(
        () -> {
          try {
            sweep();
          } catch (RuntimeException e) {
            log.log(
                System.Logger.Level.WARNING, "a sweep of agent " + agent.setup.name + " failed", e);
          }
        },
        period.toNanos(),
        period.toNanos(),
        TimeUnit.NANOSECONDS);
    return own::shutdown;
  }

  /** Describes the sweeper by its agent and settings. */
  @Override
  public String toString() {
    return "Sweeper["
        + agent.setup.name
        + ", maxConcurrent="
        + maxConcurrent
        + (retention == null ? "" : ", retention=" + retention)
        + "]";
  }
}
