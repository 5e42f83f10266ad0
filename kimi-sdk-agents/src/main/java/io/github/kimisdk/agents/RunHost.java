package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolSource;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the one agent loop on a durable-execution engine (kimi-sdk-temporal's workflow is one): the
 * loop's decisions, turns, budgets and compaction run as the engine's deterministic code, and each
 * model call and each tool call is the engine's durable step (an activity), its body {@link
 * #chat(Agent, ChatRequest)} and {@link #runTool(Agent, ToolJob)} run where the engine runs its
 * steps. {@link Agent#run(RunHost, String, java.util.List, java.util.Map)} starts a run on a host
 * and {@link Agent#resume(RunHost, RunState, java.util.List)} goes on with one; the run keeps no
 * claim and no journal of its own, since the engine keeps both, and its state is handed to {@link
 * #saved} after every save.
 *
 * <p>An implementation is called on the engine's workflow threads only: {@link #chat} and {@link
 * #runTool} block until the engine's step has its result, {@link #parallel} runs tasks as the
 * engine runs concurrent branches, {@link #now} and {@link #newInstance} are the engine's
 * deterministic time and randomness, and {@link #tells()} is false while the engine replays what it
 * already told. A subagent's run goes on inside the same host, its calls the engine's steps too.
 */
public interface RunHost {

  /**
   * Makes one model call as the engine's durable step, whose body is {@link #chat(Agent,
   * ChatRequest)}.
   *
   * @param request the request, as the run's budget settled it
   * @return the reply
   * @throws io.github.kimisdk.errors.KimiException when the call fails for good
   */
  ChatCompletion chat(ChatRequest request);

  /**
   * Runs one tool call as the engine's durable step, whose body is {@link #runTool(Agent,
   * ToolJob)}: every attempt of it carries the same idempotency key.
   *
   * @param job the call
   * @return what the model reads
   */
  ToolOutcome runTool(ToolJob job);

  /**
   * Runs tasks at once, as the engine runs concurrent branches, and returns their results in order.
   *
   * @param <T> the results' type
   * @param tasks the tasks
   * @return the results
   * @throws RuntimeException what a task threw, once every task finished
   */
  <T> List<T> parallel(List<Supplier<T>> tasks);

  /**
   * Lists a tool source's tools for a model call, as the engine's durable step when the listing
   * talks to a server (an MCP server's). By default, the source's own listing.
   *
   * @param source one of the agent's sources
   * @return its declarations
   */
  default List<FunctionTool> listTools(ToolSource source) {
    return source.tools();
  }

  /**
   * Returns the engine's time, the same on every replay.
   *
   * @return the time
   */
  Instant now();

  /**
   * Returns 16 random bytes in hex, the same on every replay: a new run's instance.
   *
   * @return 32 hex digits
   */
  String newInstance();

  /**
   * Takes the run's state after every save: what the engine's queries answer, and what it carries
   * into a new execution ({@code continue-as-new}).
   *
   * @param state the root run's state, its subagents' inside
   */
  void saved(RunState state);

  /**
   * Tells whether events go to the agent's listener and spans to its tracer now.
   *
   * @return false while the engine replays its history; true by default
   */
  default boolean tells() {
    return true;
  }

  /**
   * Tells whether the engine runs the calls of a subagent tool ({@link Agent#asTool}) apart from
   * this run, each as a run of the engine's own made by {@link #runApart} (kimi-sdk-temporal's
   * child workflows), rather than inside this run as its other steps are.
   *
   * @param tool the subagent tool's name in the calling agent
   * @return false by default: a subagent's run goes on inside this run
   */
  default boolean runsApart(String tool) {
    return false;
  }

  /**
   * Runs a subagent's call apart from this run, as a run of the engine's own under the limits the
   * calling run holds for it ({@link SubagentJob}), and returns how that run ended: answered,
   * stopped by a limit, or failed, with its final state, whose model calls and usage the calling
   * run then counts as its subagents' (and gives back what the job held beyond them). Called only
   * for a tool {@link #runsApart} names, from a branch of {@link #parallel}.
   *
   * @param job the subagent's run: its id, the calling run's call, its task and limits
   * @return how it ended: {@link RunResult.Answered}, {@link RunResult.Stopped} or {@link
   *     RunResult.Failed}
   * @throws UnsupportedOperationException by default
   */
  default RunResult runApart(SubagentJob job) {
    throw new UnsupportedOperationException("this host runs every subagent inside its run");
  }

  /**
   * Checks that an agent may run on a host: the engine keeps the run, so the agent has no store
   * (its runs would be read from and written to it from the engine's deterministic code), and no
   * {@code maxConcurrentCalls} (a call would wait for a place on a lock, which an engine's workflow
   * thread may not do; an engine limits its calls in flight its own way); and neither has any agent
   * it runs as a subagent.
   *
   * @param agent the agent
   * @throws NullPointerException if {@code agent} is null
   * @throws IllegalArgumentException naming the setting to drop, and the agent that has it
   */
  static void check(Agent agent) {
    Objects.requireNonNull(agent, "agent must not be null");
    if (agent.setup.store != null) {
      throw new IllegalArgumentException(
          "the agent "
              + agent.setup.name
              + " has a store, but the engine keeps its runs (their state, claims and call"
              + " records), and a store would be read from the engine's deterministic code:"
              + " build it without Agent.Builder.store");
    }
    if (agent.setup.maxConcurrentCalls > 0) {
      throw new IllegalArgumentException(
          "the agent "
              + agent.setup.name
              + " sets maxConcurrentCalls, whose calls wait on a lock that the engine's workflow"
              + " threads may not wait on: build it without Agent.Builder.maxConcurrentCalls and"
              + " limit the model calls in flight with the engine's own setting");
    }
    for (AgentTool t : agent.setup.tools.values()) {
      Subagent sub = Subagent.of(t);
      if (sub != null) {
        check(sub.face);
      }
    }
  }

  /**
   * Returns the agent a subagent tool of {@code agent} runs ({@link Agent#asTool}): what an engine
   * that runs subagents apart ({@link #runsApart}) runs the call with, on any of its workers.
   *
   * @param agent the calling agent
   * @param tool the tool's name
   * @return the subagent, or null when {@code agent} has no subagent tool of that name
   * @throws NullPointerException if an argument is null
   */
  static Agent subagent(Agent agent, String tool) {
    Objects.requireNonNull(agent, "agent must not be null");
    Objects.requireNonNull(tool, "tool must not be null");
    AgentTool t = agent.setup.tools.get(tool);
    Subagent sub = t == null ? null : Subagent.of(t);
    return sub == null ? null : sub.face;
  }

  /**
   * Makes a model call for a hosted run: the body of the engine's step behind {@link
   * #chat(ChatRequest)}, through the agent's client (its key, retries and limits).
   *
   * @param agent the agent, as the engine's worker built it
   * @param request the request the step was given
   * @return the reply
   * @throws io.github.kimisdk.errors.KimiException when the call fails
   */
  static ChatCompletion chat(Agent agent, ChatRequest request) {
    Objects.requireNonNull(agent, "agent must not be null");
    return agent.setup.kimi.chat(Objects.requireNonNull(request, "request must not be null"));
  }

  /**
   * Runs a tool call for a hosted run: the body of the engine's step behind {@link
   * #runTool(ToolJob)}: the agent's tool of that name (its own, or a source's as listed now), its
   * handler given the call's context and idempotency key, under the agent's tool timeout.
   *
   * @param agent the agent, as the engine's worker built it
   * @param job the call
   * @return what the model reads; an unknown tool is an error result
   */
  static ToolOutcome runTool(Agent agent, ToolJob job) {
    Objects.requireNonNull(agent, "agent must not be null");
    Objects.requireNonNull(job, "job must not be null");
    AgentTool tool = agent.setup.toolsNow().get(job.tool());
    if (tool == null) {
      return new ToolOutcome("Error: there is no tool named \"" + job.tool() + "\"", true);
    }
    ToolContext ctx =
        new ToolContext(job.runId(), job.step(), job.position(), job.idempotencyKey(), job.rerun());
    Execution.Handled h = LocalEngine.LOCAL.handle(agent.setup, ctx, tool, job.arguments());
    return new ToolOutcome(h.content(), h.failure() != null);
  }

  /**
   * Lists the tools of the agent's source of that name: the body of the engine's step behind {@link
   * #listTools(ToolSource)}.
   *
   * @param agent the agent
   * @param source the source's name ({@link ToolSource#name()})
   * @return its declarations
   * @throws IllegalArgumentException if the agent has no such source
   */
  static List<FunctionTool> listTools(Agent agent, String source) {
    for (Toolbox.Source s : agent.setup.sources) {
      if (s.source().name().equals(source)) {
        return List.copyOf(s.source().tools());
      }
    }
    throw new IllegalArgumentException("the agent has no tool source named " + source);
  }

  /**
   * Holds one tool call of a hosted run, as the engine's step is given it.
   *
   * @param runId the run (a subagent's for its calls)
   * @param step the model call whose reply made the call
   * @param position the call's place in that reply
   * @param tool the tool's name as the model called it
   * @param arguments the arguments it runs with, a JSON object as text
   * @param idempotencyKey the call's key, the same on every attempt
   * @param rerun whether it runs again on a person's decision about a call in doubt
   */
  record ToolJob(
      String runId,
      int step,
      int position,
      String tool,
      String arguments,
      String idempotencyKey,
      boolean rerun) {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param step the step
     * @param position the place
     * @param tool the tool
     * @param arguments the arguments
     * @param idempotencyKey the key
     * @param rerun whether it runs again
     * @throws NullPointerException if a string is null
     */
    public ToolJob {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(tool, "tool must not be null");
      Objects.requireNonNull(arguments, "arguments must not be null");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey must not be null");
    }
  }

  /**
   * Holds a subagent's call that runs apart from the calling run ({@link #runApart}): the run to
   * start and the limits the calling run holds for it, which it must not pass. A limit the calling
   * run (and every run above it) does not set is 0 or null: the subagent's own applies.
   *
   * @param runId the subagent's run's id (the calling run's id, the step and the call's place)
   * @param parentRunId the calling run
   * @param step the calling run's model call whose reply made the call
   * @param position the call's place in that reply
   * @param tool the subagent tool's name in the calling agent
   * @param task the task, the subagent run's first user message
   * @param maxSteps the most model calls the subagent's run (with its own subagents) may make, or 0
   * @param maxTotalTokens the most tokens it may use, or 0
   * @param maxSpend the most it may cost, or null
   * @param currency the currency of {@code maxSpend}, or null
   */
  record SubagentJob(
      String runId,
      String parentRunId,
      int step,
      int position,
      String tool,
      String task,
      int maxSteps,
      long maxTotalTokens,
      java.math.BigDecimal maxSpend,
      java.util.Currency currency) {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param parentRunId the calling run
     * @param step the step
     * @param position the place
     * @param tool the tool
     * @param task the task
     * @param maxSteps the most model calls, or 0
     * @param maxTotalTokens the most tokens, or 0
     * @param maxSpend the most spend, or null
     * @param currency its currency, or null
     * @throws NullPointerException if a string is null, or {@code maxSpend} is set without its
     *     currency
     */
    public SubagentJob {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(parentRunId, "parentRunId must not be null");
      Objects.requireNonNull(tool, "tool must not be null");
      Objects.requireNonNull(task, "task must not be null");
      if (maxSpend != null) {
        Objects.requireNonNull(currency, "a spend limit needs its currency");
      }
    }
  }

  /**
   * Holds what a tool call came to.
   *
   * @param content what the model reads
   * @param error whether the call failed
   */
  record ToolOutcome(String content, boolean error) {
    /**
     * Checks the content.
     *
     * @param content what the model reads
     * @param error whether it failed
     * @throws NullPointerException if {@code content} is null
     */
    public ToolOutcome {
      Objects.requireNonNull(content, "content must not be null");
    }
  }
}
