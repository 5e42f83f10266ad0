package io.github.kimisdk.temporal;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The activities of a Kimi agent's workflow ({@link KimiAgentWorkflow}): a model call, a tool call
 * and a tool source's listing, each the body the one agent loop names for its durable steps ({@code
 * RunHost.chat}, {@code RunHost.runTool}, {@code RunHost.listTools}), run with the agent {@link
 * KimiAgents} registered under the name given. What they take and return is JSON text of this
 * module's own, versioned, so that a history replays on a later build. {@link
 * KimiAgents#register(io.temporal.worker.Worker)} registers them; a worker that only runs tools (on
 * a task queue of its own, {@link AgentOptions#toolCalls}) registers them alone with {@link
 * KimiAgents#registerActivities(io.temporal.worker.Worker)}.
 */
@ActivityInterface
public interface KimiAgentActivities {

  /** The activity type of a model call. */
  String CHAT = "KimiAgentChat";

  /** The activity type of a tool call. */
  String TOOL = "KimiAgentTool";

  /** The activity type of a tool source's listing. */
  String LIST_TOOLS = "KimiAgentListTools";

  /**
   * Makes one model call through the agent's client (its key, retries and limits). A failure the
   * client reports is not retried by Temporal: the client has retried it already.
   *
   * @param agent the name the agent was registered under
   * @param request the request, as the workflow wrote it
   * @return the reply
   */
  @ActivityMethod(name = CHAT)
  String chat(String agent, String request);

  /**
   * Runs one tool call with the call's idempotency key, the same on every attempt.
   *
   * @param agent the name the agent was registered under
   * @param job the call, as the workflow wrote it
   * @return what the model reads
   */
  @ActivityMethod(name = TOOL)
  String runTool(String agent, String job);

  /**
   * Lists the tools of one of the agent's tool sources (an MCP server's, say).
   *
   * @param agent the name the agent was registered under
   * @param source the source's name
   * @return its declarations
   */
  @ActivityMethod(name = LIST_TOOLS)
  String listTools(String agent, String source);
}
