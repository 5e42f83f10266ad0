package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonValue;

/**
 * The handler of an agent run as another agent's tool ({@link Agent#asTool}): a marker the parent's
 * drive recognises and runs as a subagent's run under its own claim, records and limits. Called
 * outside a run, it refuses.
 */
final class Subagent implements ToolHandler {
  /** The agent as a host runs it apart ({@link RunHost#subagent}): the one that made the tool. */
  final Agent face;

  /** The agent as its runs read it. */
  final Setup agent;

  Subagent(Agent face) {
    this.face = face;
    this.agent = face.setup;
  }

  /** The subagent a tool runs, or null when it is no agent. */
  static Subagent of(AgentTool tool) {
    return tool.handler() instanceof Subagent s ? s : null;
  }

  @Override
  public String call(JsonValue arguments, ToolContext context) {
    throw new IllegalStateException(
        "the agent " + agent.name + " runs as a tool only inside another agent's run");
  }

  @Override
  public String toString() {
    return "Subagent[" + agent.name + "@" + agent.version + "]";
  }
}
