package io.github.kimisdk.temporal;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How an agent's workflow runs its steps on Temporal: the options of its model calls and tool calls
 * (activities), which tools run as local activities, how many model calls may be in flight at once,
 * and the history bound at which a run continues as new. Part of the workflow's code: every worker
 * of a task queue registers an agent with the same options, and a change that alters what the
 * workflow does (which tools are local, the history bound) is a change of workflow code (a new
 * agent name or task queue, or Temporal's versioning).
 *
 * <p><b>Retries: one layer per failure.</b> The agent's client retries a model call's HTTP failures
 * within its own {@code RetryPolicy} (it knows Kimi's rules: {@code Retry-After}, quotas that must
 * not be retried); a failure it reports is final, and the activity fails without a retry. Temporal
 * retries an attempt only when it did not finish (its worker died, it timed out): so a call makes
 * at most the client's attempts times one plus the attempts that were lost, never the product of
 * two retry policies. A tool call's handler failure is an error result the model reads (as in every
 * run of the one loop); Temporal retries a tool call only when its attempt was lost, with the same
 * idempotency key.
 *
 * <p>Immutable; each setter returns a new instance.
 *
 * <pre>{@code
 * AgentOptions options = AgentOptions.defaults()
 *     .localTools("lookup_rate")                     // short, read-only: a local activity
 *     .maxConcurrentModelCalls(4)
 *     .continueAsNewAfter(2_000, 4L << 20);           // events, bytes
 * }</pre>
 */
public final class AgentOptions {

  /** The default history length at which a run continues as new. */
  public static final long DEFAULT_MAX_EVENTS = 5_000;

  /** The default history size, in bytes, at which a run continues as new. */
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  private static final RetryOptions LOST_ATTEMPTS =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build();

  private static final AgentOptions DEFAULTS =
      new AgentOptions(
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          Set.of(),
          0,
          DEFAULT_MAX_EVENTS,
          DEFAULT_MAX_BYTES);

  final ActivityOptions modelCalls;
  final ActivityOptions toolCalls;
  final LocalActivityOptions localCalls;
  final Set<String> localTools;
  final int maxConcurrentModelCalls;
  final long maxEvents;
  final long maxBytes;

  private AgentOptions(
      ActivityOptions modelCalls,
      ActivityOptions toolCalls,
      LocalActivityOptions localCalls,
      Set<String> localTools,
      int maxConcurrentModelCalls,
      long maxEvents,
      long maxBytes) {
    this.modelCalls = modelCalls;
    this.toolCalls = toolCalls;
    this.localCalls = localCalls;
    this.localTools = Set.copyOf(localTools);
    this.maxConcurrentModelCalls = maxConcurrentModelCalls;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /**
   * Returns the defaults: a model call's attempt may take 10 minutes, a tool call's 2 (more than
   * the agent's default tool timeout of 60 s), a local tool call's 30 s; a lost attempt is tried
   * again after 1 s, doubling to a minute, 10 attempts in all; every tool a normal activity; no
   * limit on the model calls in flight beyond the agent's own; a run continues as new at {@value
   * #DEFAULT_MAX_EVENTS} events or 8 MiB of history.
   *
   * @return the defaults
   */
  public static AgentOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Sets the activity options of a model call. Its start-to-close timeout must be longer than the
   * client's own deadline for a call with its retries; a lost attempt (a worker killed) is tried
   * again after it.
   *
   * @param options the options
   * @return new options
   * @throws NullPointerException if {@code options} is null
   */
  public AgentOptions modelCalls(ActivityOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    return new AgentOptions(
        options, toolCalls, localCalls, localTools, maxConcurrentModelCalls, maxEvents, maxBytes);
  }

  /**
   * Sets the activity options of a tool call (and of a tool source's listing): a task queue of
   * their own sends them to workers that only run tools ({@link
   * KimiAgents#registerActivities(io.temporal.worker.Worker)}). The start-to-close timeout must be
   * longer than the agent's tool timeout.
   *
   * @param options the options
   * @return new options
   * @throws NullPointerException if {@code options} is null
   */
  public AgentOptions toolCalls(ActivityOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    return new AgentOptions(
        modelCalls, options, localCalls, localTools, maxConcurrentModelCalls, maxEvents, maxBytes);
  }

  /**
   * Runs the named tools as local activities: in the workflow's worker, without a round trip to the
   * server, their results recorded as markers. For short calls (a lookup, a read-only query); a
   * local call lost with its worker runs again, with the same idempotency key, when the workflow
   * task is retried.
   *
   * @param tools the tools' names as the model calls them
   * @return new options
   * @throws NullPointerException if a name is null
   */
  public AgentOptions localTools(String... tools) {
    Set<String> names = new TreeSet<>(Arrays.asList(tools));
    return new AgentOptions(
        modelCalls, toolCalls, localCalls, names, maxConcurrentModelCalls, maxEvents, maxBytes);
  }

  /**
   * Sets the options of the tools run as local activities ({@link #localTools}).
   *
   * @param options the options
   * @return new options
   * @throws NullPointerException if {@code options} is null
   */
  public AgentOptions localCalls(LocalActivityOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    return new AgentOptions(
        modelCalls, toolCalls, options, localTools, maxConcurrentModelCalls, maxEvents, maxBytes);
  }

  /**
   * Limits the model calls a run (with its subagents) has in flight at once, waiting in the
   * workflow for a place. Use this, not the agent's own {@code maxConcurrentCalls}, for an agent on
   * Temporal: the agent's waits on a lock of its own, which a workflow thread may not do.
   *
   * @param calls the most at once; 0 for no limit
   * @return new options
   * @throws IllegalArgumentException if {@code calls} is negative
   */
  public AgentOptions maxConcurrentModelCalls(int calls) {
    if (calls < 0) {
      throw new IllegalArgumentException("maxConcurrentModelCalls must be 0 or more: " + calls);
    }
    return new AgentOptions(
        modelCalls, toolCalls, localCalls, localTools, calls, maxEvents, maxBytes);
  }

  /**
   * Sets the history bound: after the first save at which the execution's history holds at least
   * {@code events} events or {@code bytes} bytes (as the server counts them, or as this workflow
   * counts its own payloads, whichever is more), and whenever the server suggests it, the run
   * continues as new, carrying its saved state. Temporal's own limits are 51,200 events and 50 MB
   * (it warns at 10,240 and 10 MB).
   *
   * @param events the most events
   * @param bytes the most bytes
   * @return new options
   * @throws IllegalArgumentException if a bound is below 100
   */
  public AgentOptions continueAsNewAfter(long events, long bytes) {
    if (events < 100 || bytes < 100) {
      throw new IllegalArgumentException(
          "a history bound is at least 100 events and 100 bytes: " + events + ", " + bytes);
    }
    return new AgentOptions(
        modelCalls, toolCalls, localCalls, localTools, maxConcurrentModelCalls, events, bytes);
  }

  /** Describes the options. */
  @Override
  public String toString() {
    return "AgentOptions[localTools="
        + localTools
        + ", maxConcurrentModelCalls="
        + maxConcurrentModelCalls
        + ", continueAsNewAfter="
        + maxEvents
        + " events, "
        + maxBytes
        + " bytes]";
  }
}
