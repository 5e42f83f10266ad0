package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the one loop asks of whatever runs it: the model call itself, the tools as they are now, a
 * tool's handler, calls in parallel, the time, a new run instance, and whether to tell the outside.
 * This process is one (the local engine): the client, the agent's pool, the clock. A {@link
 * RunHost} (a durable-execution engine, such as kimi-sdk-temporal's workflow) is another: there
 * each model and tool call is the engine's durable step, and the loop itself deterministic code the
 * engine replays. Everything else of the loop (the turn, decisions, budgets, compaction, the
 * journal of a run) is the same whatever runs it.
 */
interface Engine {

  /** Makes one model call: the request as the budget settled it (a summary's too). */
  ChatCompletion chat(Loop run, ChatRequest request, boolean step);

  /** The agent's tools now: its own and its sources' as they list them. */
  Map<String, AgentTool> tools(Setup agent);

  /** Runs a tool's handler for a call (not a subagent's, not Kimi's built-ins). */
  Execution.Handled handle(Setup agent, ToolContext context, AgentTool tool, String arguments);

  /** Runs tasks at once and returns their results in order; each task's failure is its own. */
  <T> List<T> parallel(Setup agent, List<Supplier<T>> tasks);

  /** The time now. */
  Instant now(Setup agent);

  /** A new run instance (what makes a run's idempotency keys its own). */
  String newInstance();

  /** Whether events and spans go out now (not while an engine replays what it already told). */
  boolean tells();

  /** Whether a subagent tool's calls run apart from the run, each a run of the engine's own. */
  default boolean apart(String tool) {
    return false;
  }

  /** Runs a subagent's call apart ({@link RunHost#runApart}). */
  default RunResult runApart(RunHost.SubagentJob job) {
    throw new UnsupportedOperationException("subagents run inside their parent's run here");
  }
}
