package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.tool.JsonSchema;
import java.util.List;

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

  /**
   * Asserts that the lead's run {@code end} holds its four researchers' results, three of them
   * saying the limit on model calls was reached (those that had one call, stopped by it).
   *
   * @param end the lead's state when its run ended
   */
  public static void threeOfFourStoppedByTheLimit(RunState end) {
    List<String> results =
        end.messages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> ((ToolMessage) m).content())
            .toList();
    assertThat(results).hasSize(4);
    assertThat(results.stream().filter(c -> c.contains("limit on model calls was reached")))
        .hasSize(3);
  }
}
