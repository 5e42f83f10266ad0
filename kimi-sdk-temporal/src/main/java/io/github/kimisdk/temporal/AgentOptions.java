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
 * (activities, with their heartbeats), which tools run as local activities, how many model calls
 * may be in flight at once, whether subagents run as child workflows, how large a tool result may
 * enter the history, and the history bound at which a run continues as new. Part of the workflow's
 * code: every worker of a task queue registers an agent with the same options, and a change that
 * alters what the workflow does (which tools are local, the history bound) is a change of workflow
 * code (a new agent name or task queue, or Temporal's versioning).
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
 * <p><b>A killed worker costs seconds.</b> A model call's and a tool call's activity heartbeat
 * while they run (the worker's side, on a thread of its own, whatever the call does), and the
 * default options give both a heartbeat timeout of {@link #DEFAULT_HEARTBEAT_TIMEOUT}: when the
 * worker running an attempt dies, Temporal notices within that timeout and tries the call again on
 * another worker after the retry's first interval (1 s), with the same idempotency key. The
 * start-to-close timeout still bounds an attempt that runs but hangs. Options of your own keep the
 * heartbeats when they set a heartbeat timeout ({@code setHeartbeatTimeout}); without one, a lost
 * attempt waits out its start-to-close timeout.
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

  /**
   * The default heartbeat timeout of a model call's and a tool call's activity: a worker that dies
   * while it runs one is noticed within it.
   */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The default largest tool result that enters the history: a tool call's activity cuts a longer
   * one (256 KiB).
   */
  public static final int DEFAULT_MAX_TOOL_RESULT_BYTES = 256 << 10;

  private static final RetryOptions LOST_ATTEMPTS =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofSeconds(10))
          .setMaximumAttempts(10)
          .build();

  private static final AgentOptions DEFAULTS =
      new AgentOptions(
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setHeartbeatTimeout(DEFAULT_HEARTBEAT_TIMEOUT)
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setHeartbeatTimeout(DEFAULT_HEARTBEAT_TIMEOUT)
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(LOST_ATTEMPTS)
              .build(),
          Set.of(),
          0,
          DEFAULT_MAX_EVENTS,
          DEFAULT_MAX_BYTES,
          false,
          DEFAULT_MAX_TOOL_RESULT_BYTES);

  final ActivityOptions modelCalls;
  final ActivityOptions toolCalls;
  final LocalActivityOptions localCalls;
  final Set<String> localTools;
  final int maxConcurrentModelCalls;
  final long maxEvents;
  final long maxBytes;
  final boolean childWorkflows;
  final int maxToolResultBytes;

  private AgentOptions(
      ActivityOptions modelCalls,
      ActivityOptions toolCalls,
      LocalActivityOptions localCalls,
      Set<String> localTools,
      int maxConcurrentModelCalls,
      long maxEvents,
      long maxBytes,
      boolean childWorkflows,
      int maxToolResultBytes) {
    this.modelCalls = modelCalls;
    this.toolCalls = toolCalls;
    this.localCalls = localCalls;
    this.localTools = Set.copyOf(localTools);
    this.maxConcurrentModelCalls = maxConcurrentModelCalls;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.childWorkflows = childWorkflows;
    this.maxToolResultBytes = maxToolResultBytes;
  }

  /**
   * Returns the defaults: a model call's attempt may take 10 minutes, a tool call's 2 (more than
   * the agent's default tool timeout of 60 s), a local tool call's 30 s; a model call's and a tool
   * call's activity heartbeat, with a heartbeat timeout of 10 s; a lost attempt is tried again
   * after 1 s, doubling to 10 s, 10 attempts in all; every tool a normal activity; no limit on the
   * model calls in flight beyond the agent's own; subagents inside their parent's workflow; a tool
   * result cut to 256 KiB before it enters the history; a run continues as new before its history
   * would pass {@value #DEFAULT_MAX_EVENTS} events or 8 MiB.
   *
   * @return the defaults
   */
  public static AgentOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Sets the activity options of a model call. Its start-to-close timeout must be longer than the
   * client's own deadline for a call with its retries; give it a heartbeat timeout too, or a lost
   * attempt (a worker killed) is tried again only after the start-to-close timeout.
   *
   * @param options the options
   * @return new options
   * @throws NullPointerException if {@code options} is null
   */
  public AgentOptions modelCalls(ActivityOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    return new AgentOptions(
        options,
        toolCalls,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /**
   * Sets the activity options of a tool call (and of a tool source's listing): a task queue of
   * their own sends them to workers that only run tools ({@link
   * KimiAgents#registerActivities(io.temporal.worker.Worker)}). The start-to-close timeout must be
   * longer than the agent's tool timeout; give it a heartbeat timeout too, as for {@link
   * #modelCalls}.
   *
   * @param options the options
   * @return new options
   * @throws NullPointerException if {@code options} is null
   */
  public AgentOptions toolCalls(ActivityOptions options) {
    Objects.requireNonNull(options, "options must not be null");
    return new AgentOptions(
        modelCalls,
        options,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
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
        modelCalls,
        toolCalls,
        localCalls,
        names,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
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
        modelCalls,
        toolCalls,
        options,
        localTools,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /**
   * Limits the model calls a run (with the subagents inside its workflow) has in flight at once,
   * waiting in the workflow for a place. Use this, not the agent's own {@code maxConcurrentCalls}
   * (which {@link KimiAgents} refuses), for an agent on Temporal: the agent's waits on a lock of
   * its own, which a workflow thread may not do. A subagent run as a child workflow has its own
   * limit, this one.
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
        modelCalls,
        toolCalls,
        localCalls,
        localTools,
        calls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /**
   * Sets the history bound: a run continues as new, carrying its saved state, at the first save at
   * which the step that follows could take the execution's history past {@code events} events or
   * {@code bytes} bytes (the step's bounded size: the activities it may schedule, the request it
   * sends, the largest reply its output cap allows, its tool results at most {@link
   * #maxToolResultBytes} each), and whenever the server suggests it. Temporal's own limits are
   * 51,200 events and 50 MB (it warns at 10,240 and 10 MB). A run may set its own ({@link
   * RunSettings#continueAsNewAfter}).
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
        modelCalls,
        toolCalls,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        events,
        bytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /**
   * Sets whether each call of one of the agent's subagents ({@code Agent.asTool}) runs as a child
   * workflow: its own history (the parent's stays small), visible in Temporal's UI under its
   * parent, its id the parent's workflow id and {@code .STEP.POSITION}, its decisions the update
   * {@link KimiAgentWorkflow#decide} on it. The parent holds a share of what is left of its limits
   * for each subagent a turn starts (split evenly among them, before any starts) and counts what
   * each used when it ends: subagents under a budget of N model calls make at most N between them.
   * A parent cancelled cancels its children. What it costs: a subagent cannot use what a sibling
   * left over of its share, a child's pending calls are decided on the child (the parent waits in
   * its call), and each child adds a workflow start to the parent's history. By default false:
   * subagents run inside their parent's workflow, under its one budget.
   *
   * @param childWorkflows true for child workflows
   * @return new options
   */
  public AgentOptions childWorkflows(boolean childWorkflows) {
    return new AgentOptions(
        modelCalls,
        toolCalls,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /**
   * Sets the largest tool result that enters the history: a tool call's activity cuts a longer one
   * (keeping its start and end, with a note the model reads) before it returns it. Besides keeping
   * each result under Temporal's limit on one payload (2 MB), it bounds a step's size for the
   * history bound. The loop's own cut (the agent's {@code Compaction.maxToolResultTokens}) applies
   * after it, as in every run.
   *
   * @param bytes at least 1,024
   * @return new options
   * @throws IllegalArgumentException if {@code bytes} is below 1,024
   */
  public AgentOptions maxToolResultBytes(int bytes) {
    if (bytes < 1_024) {
      throw new IllegalArgumentException("maxToolResultBytes must be at least 1024: " + bytes);
    }
    return new AgentOptions(
        modelCalls,
        toolCalls,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        maxEvents,
        maxBytes,
        childWorkflows,
        bytes);
  }

  /** These options with a run's own history bound, where it sets one. */
  AgentOptions forRun(RunSettings settings) {
    if (settings == null
        || (settings.maxHistoryEvents() == null && settings.maxHistoryBytes() == null)) {
      return this;
    }
    return new AgentOptions(
        modelCalls,
        toolCalls,
        localCalls,
        localTools,
        maxConcurrentModelCalls,
        settings.maxHistoryEvents() != null ? settings.maxHistoryEvents() : maxEvents,
        settings.maxHistoryBytes() != null ? settings.maxHistoryBytes() : maxBytes,
        childWorkflows,
        maxToolResultBytes);
  }

  /** Describes the options. */
  @Override
  public String toString() {
    return "AgentOptions[localTools="
        + localTools
        + ", maxConcurrentModelCalls="
        + maxConcurrentModelCalls
        + ", childWorkflows="
        + childWorkflows
        + ", maxToolResultBytes="
        + maxToolResultBytes
        + ", continueAsNewAfter="
        + maxEvents
        + " events, "
        + maxBytes
        + " bytes]";
  }
}
