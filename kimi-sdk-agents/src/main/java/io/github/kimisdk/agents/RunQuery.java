package io.github.kimisdk.agents;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Asks a store for runs ({@link RunStore#list}, {@link RunStore#count}): in some states, of an
 * agent, last saved by a worker, carrying labels, one page at a time, oldest save first. Immutable;
 * each setter returns a new query.
 *
 * <pre>{@code
 * RunPage page = store.list(RunQuery.in(RunQuery.State.PAUSED, RunQuery.State.IN_DOUBT)
 *     .agent("payments").label("customer", "c-42").limit(50));
 * for (RunSummary s : page.runs()) {
 *   System.out.println(s.runId() + " waits since " + s.waitingSince());
 * }
 * }</pre>
 *
 * @param states the states to find; all when empty
 * @param agent the agent's name, or null for any
 * @param owner the worker that last saved the run, or null for any
 * @param labels the labels a run must carry, each with the same value
 * @param updatedBefore only runs last saved before this instant, or null
 * @param limit the most runs in a page, 1 to {@value #MAX_LIMIT}
 * @param after the page token of the page before ({@link RunPage#next()}), or null for the first
 * @param now the time a claim is judged by (whether a running run's worker still holds it)
 */
public record RunQuery(
    Set<State> states,
    String agent,
    String owner,
    Map<String, String> labels,
    Instant updatedBefore,
    int limit,
    String after,
    Instant now) {

  /** The most runs in one page. */
  public static final int MAX_LIMIT = 1_000;

  /** The runs in a page unless the query says. */
  public static final int DEFAULT_LIMIT = 100;

  /** Says where a run is found. */
  public enum State {
    /** It is being driven: a worker holds its claim. */
    RUNNING,
    /** It was being driven and no worker holds it now: its worker died or stopped. */
    ORPHANED,
    /** It waits for a person's decision on calls that ask for approval. */
    PAUSED,
    /** It waits for a person's decision on a call found begun but not finished after a crash. */
    IN_DOUBT,
    /** The model answered. */
    ANSWERED,
    /** A limit stopped it. */
    STOPPED,
    /** A model call, a tool source or the store failed; resuming tries again. */
    FAILED
  }

  /**
   * Checks and copies the components.
   *
   * @param states the states
   * @param agent the agent, or null
   * @param owner the owner, or null
   * @param labels the labels
   * @param updatedBefore a bound, or null
   * @param limit the page's size
   * @param after the page token, or null
   * @param now the time claims are judged by
   * @throws NullPointerException if {@code states}, {@code labels} or {@code now} is null
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  public RunQuery {
    states = states.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(states));
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(now, "now must not be null");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
    }
  }

  /**
   * Returns a query for runs in any state.
   *
   * @return the query
   */
  public static RunQuery all() {
    return new RunQuery(Set.of(), null, null, Map.of(), null, DEFAULT_LIMIT, null, Instant.now());
  }

  /**
   * Returns a query for runs in one of {@code states}.
   *
   * @param states the states
   * @return the query
   * @throws IllegalArgumentException if no state is given
   */
  public static RunQuery in(State... states) {
    if (states.length == 0) {
      throw new IllegalArgumentException("name at least one state, or use RunQuery.all()");
    }
    return all().withStates(EnumSet.copyOf(List.of(states)));
  }

  private RunQuery withStates(Set<State> s) {
    return new RunQuery(s, agent, owner, labels, updatedBefore, limit, after, now);
  }

  /**
   * Returns this query for runs of one agent.
   *
   * @param agent the agent's name
   * @return the query
   */
  public RunQuery agent(String agent) {
    return new RunQuery(states, agent, owner, labels, updatedBefore, limit, after, now);
  }

  /**
   * Returns this query for runs last saved by one worker.
   *
   * @param owner the worker's name
   * @return the query
   */
  public RunQuery owner(String owner) {
    return new RunQuery(states, agent, owner, labels, updatedBefore, limit, after, now);
  }

  /**
   * Returns this query for runs that carry a label with a value (and every label asked before).
   *
   * @param name the label's name
   * @param value its value
   * @return the query
   * @throws NullPointerException if an argument is null
   */
  public RunQuery label(String name, String value) {
    Map<String, String> l = new TreeMap<>(labels);
    l.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new RunQuery(states, agent, owner, l, updatedBefore, limit, after, now);
  }

  /**
   * Returns this query for runs last saved before an instant (runs retired after a time).
   *
   * @param instant the bound
   * @return the query
   */
  public RunQuery updatedBefore(Instant instant) {
    return new RunQuery(states, agent, owner, labels, instant, limit, after, now);
  }

  /**
   * Returns this query with another page size.
   *
   * @param limit 1 to {@value #MAX_LIMIT}
   * @return the query
   * @throws IllegalArgumentException if it is out of range
   */
  public RunQuery limit(int limit) {
    return new RunQuery(states, agent, owner, labels, updatedBefore, limit, after, now);
  }

  /**
   * Returns this query for the page after the one that gave {@code token}.
   *
   * @param token {@link RunPage#next()}
   * @return the query
   */
  public RunQuery after(String token) {
    return new RunQuery(states, agent, owner, labels, updatedBefore, limit, token, now);
  }

  /**
   * Returns this query judging claims at another time (the agent's clock, in tests).
   *
   * @param now the time
   * @return the query
   */
  public RunQuery at(Instant now) {
    return new RunQuery(states, agent, owner, labels, updatedBefore, limit, after, now);
  }

  /**
   * Tells whether a run found in {@code summary} is one this query asks for, its claim as listed.
   *
   * @param summary the run as the store lists it
   * @return true when it matches every filter but the page
   */
  public boolean matches(RunSummary summary) {
    if (!states.isEmpty() && !states.contains(summary.state(now))) {
      return false;
    }
    if (agent != null && !agent.equals(summary.agent())) {
      return false;
    }
    if (owner != null && !owner.equals(summary.owner())) {
      return false;
    }
    if (updatedBefore != null && !summary.updatedAt().isBefore(updatedBefore)) {
      return false;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(summary.labels().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the page token a run stands at, for a store's {@link RunPage#next()}: its last save,
   * then its id (so a store that writes its own listing orders and pages as every store does).
   *
   * @param s the run
   * @return the token
   */
  public static String token(RunSummary s) {
    return String.format(
        java.util.Locale.ROOT, "%020d:%s", s.updatedAt().toEpochMilli(), s.runId());
  }

  /** Whether a run's summary comes after this query's page token. */
  boolean afterToken(RunSummary s) {
    return after == null || token(s).compareTo(after) > 0;
  }
}
