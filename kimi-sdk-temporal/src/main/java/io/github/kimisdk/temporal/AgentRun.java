package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a Kimi agent's workflow ({@link KimiAgentWorkflow#run}) is started with: the agent (by the
 * name a worker registered it under), the run's id, its first messages or the state it goes on
 * from, its labels, how long a pause waits for a decision, and the run's own settings ({@link
 * RunSettings}: its limits, tools, approvals, window and history bound). Temporal writes it into
 * the history as JSON; its messages travel in the saved form of a {@link Conversation}, its state
 * in the saved form of a {@link RunState}.
 *
 * <pre>{@code
 * AgentRun run = AgentRun.of("payments", "invoice-42", List.of(Message.user("Pay invoice 42")))
 *     .approvalTimeout(Duration.ofDays(2))
 *     .settings(RunSettings.of().maxSteps(12));
 * }</pre>
 *
 * @param agent the name the agent is registered under ({@link KimiAgents.Builder#agent}); a
 *     subagent run as a child workflow names its parent's agent and its tool: {@code
 *     payments/ask_a}
 * @param runId the run's id (its idempotency keys and call ids are made from it); the workflow's id
 *     is a good choice
 * @param messages the first messages in the saved form of a conversation, or null when the run goes
 *     on from {@code state}
 * @param labels the team's labels for the run; may be empty
 * @param approvalTimeout how long a pause waits for decisions, as an ISO-8601 duration ({@code
 *     PT48H}), or null to wait until one arrives
 * @param state the run's saved state to go on from ({@link RunState#toJson()}), or null for a new
 *     run
 * @param execution which execution of the run's continue-as-new chain this is, from 1
 * @param settings the run's own settings, or null for the registered agent's
 */
public record AgentRun(
    String agent,
    String runId,
    String messages,
    Map<String, String> labels,
    String approvalTimeout,
    String state,
    int execution,
    RunSettings settings) {

  /**
   * Checks the components.
   *
   * @param agent the agent's name
   * @param runId the run's id
   * @param messages the first messages, or null
   * @param labels the labels, or null for none
   * @param approvalTimeout the wait for decisions, or null
   * @param state the state to go on from, or null
   * @param execution the execution, from 1
   * @param settings the run's settings, or null
   * @throws NullPointerException if {@code agent} or {@code runId} is null
   * @throws IllegalArgumentException if neither or both of {@code messages} and {@code state} are
   *     given, the timeout is not a positive ISO-8601 duration, or {@code execution} is below 1
   */
  public AgentRun {
    Objects.requireNonNull(agent, "agent must not be null");
    Objects.requireNonNull(runId, "runId must not be null");
    if ((messages == null) == (state == null)) {
      throw new IllegalArgumentException("a run starts from its messages or from a state: one");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (approvalTimeout != null) {
      timeout(approvalTimeout);
    }
    if (execution < 1) {
      throw new IllegalArgumentException("execution counts from 1: " + execution);
    }
  }

  /**
   * Returns a new run of an agent from its first messages.
   *
   * @param agent the name the agent is registered under
   * @param runId the run's id
   * @param messages the first messages (the task); the agent's instructions go before them
   * @return the run
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code messages} is empty or breaks a tool turn's order
   */
  public static AgentRun of(String agent, String runId, List<? extends Message> messages) {
    Objects.requireNonNull(messages, "messages must not be null");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one message");
    }
    Conversation c = Conversation.withId(runId);
    c.addAll(messages);
    return new AgentRun(agent, runId, c.toJson(), Map.of(), null, null, 1, null);
  }

  /**
   * Returns a run that goes on from a saved state: one a store kept ({@code agent.load(runId)}),
   * one a finished or failed workflow returned, or one a continue-as-new carries.
   *
   * @param agent the name the agent is registered under
   * @param state the state
   * @return the run
   * @throws NullPointerException if an argument is null
   */
  public static AgentRun from(String agent, RunState state) {
    Objects.requireNonNull(state, "state must not be null");
    return new AgentRun(agent, state.id(), null, Map.of(), null, state.toJson(), 1, null);
  }

  /**
   * Returns this run with labels (kept with the run, as {@code Agent.run}'s).
   *
   * @param labels the labels
   * @return the run
   * @throws NullPointerException if {@code labels} is null
   */
  public AgentRun labels(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels must not be null");
    return new AgentRun(
        agent, runId, messages, labels, approvalTimeout, state, execution, settings);
  }

  /**
   * Returns this run with a bound on each pause: when it passes with calls still waiting, the run
   * goes on without a decision, so each tool's own expiry applies ({@code Approval.expiresAfter}),
   * and every call still waiting after that is rejected with a message the model reads.
   *
   * @param timeout the longest wait, positive
   * @return the run
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public AgentRun approvalTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    return new AgentRun(
        agent, runId, messages, labels, timeout.toString(), state, execution, settings);
  }

  /**
   * Returns this run with its own settings: its limits, the tools it may use, the approvals it asks
   * for, its compaction threshold and history bound, checked against the registered agent when the
   * run starts ({@link RunSettings}).
   *
   * @param settings the settings
   * @return the run
   * @throws NullPointerException if {@code settings} is null
   */
  public AgentRun settings(RunSettings settings) {
    Objects.requireNonNull(settings, "settings must not be null");
    return new AgentRun(
        agent, runId, messages, labels, approvalTimeout, state, execution, settings);
  }

  /** The run's first messages. */
  List<Message> firstMessages() {
    return Conversation.fromJson(messages).messages();
  }

  /** The wait for decisions, or null. */
  Duration waitForDecisions() {
    return approvalTimeout == null ? null : timeout(approvalTimeout);
  }

  /** The next execution of the run's chain, going on from {@code saved}. */
  AgentRun next(RunState saved) {
    return new AgentRun(
        agent, runId, null, labels, approvalTimeout, saved.toJson(), execution + 1, settings);
  }

  private static Duration timeout(String iso) {
    Duration d;
    try {
      d = Duration.parse(iso);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("approvalTimeout is an ISO-8601 duration: " + iso, e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("approvalTimeout must be positive: " + iso);
    }
    return d;
  }
}
