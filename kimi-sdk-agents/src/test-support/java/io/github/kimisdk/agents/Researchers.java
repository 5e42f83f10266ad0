package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.tool.JsonSchema;

/**
 * The lead and its researchers of the subagents tests (kimi-sdk-agents' hosted runs and Temporal's
 * subagents and child workflows).
 */
public final class Researchers {
  private Researchers() {}

  /**
   * The tool {@code ping}, read-only, whose call answers {@code pong}.
   *
   * @return the tool
   */
  public static AgentTool ping() {
    return AgentTool.of("ping", "Pings", JsonSchema.object().build(), (a, ctx) -> "pong")
        .asReadOnly();
  }

  /**
   * The agent {@code researcher} version 1, whose one tool is {@code tool}.
   *
   * @param kimi the client
   * @param tool its tool
   * @return the agent
   */
  public static Agent researcher(KimiClient kimi, AgentTool tool) {
    return Agent.builder(kimi, "kimi-k3").name("researcher", "1").tool(tool).build();
  }

  /**
   * The agent {@code lead} version 1, whose tools are four researchers ({@code ask_a} to {@code
   * ask_d}) with {@code researcherTool}, at most {@code maxSteps} steps.
   *
   * @param kimi the client
   * @param researcherTool each researcher's tool
   * @param maxSteps the steps the lead and its subagents may take
   * @return the lead's builder
   */
  public static Agent.Builder lead(KimiClient kimi, AgentTool researcherTool, int maxSteps) {
    Agent researcher = researcher(kimi, researcherTool);
    return Agent.builder(kimi, "kimi-k3")
        .name("lead", "1")
        .tool(researcher.asTool("ask_a", "Researcher A"))
        .tool(researcher.asTool("ask_b", "Researcher B"))
        .tool(researcher.asTool("ask_c", "Researcher C"))
        .tool(researcher.asTool("ask_d", "Researcher D"))
        .maxSteps(maxSteps);
  }
}
