package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.Verdict;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent a run runs with ({@link RunAgent}): a run's settings tighten the registered agent and
 * never loosen it, table by table; the approval a run asks for keeps what the agent's policy denies
 * and asks, under the policy id the docs give; and {@link KimiAgents} refuses what an agent on
 * Temporal must not have.
 */
class RunAgentTest {
  static final KimiClient KIMI =
      KimiClient.builder().apiKey("sk-run-agent").baseUrl("http://127.0.0.1:9").build();
  static final Currency USD = Currency.getInstance("USD");

  static AgentTool tool(String name) {
    return AgentTool.of(name, "Does " + name, JsonSchema.object().build(), (a, ctx) -> name);
  }

  /** Transfers: over 100 asks, over 10,000 is denied; two approvers; rejected after a day. */
  static final Approval LIMITS =
      Approval.policy(
              "transfers-v1",
              args ->
                  args.get("amount").asLong() > 10_000
                      ? Verdict.deny("over the daily limit")
                      : args.get("amount").asLong() > 100
                          ? Verdict.ask("a transfer over 100")
                          : Verdict.allow())
          .approvers(2)
          .expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT);

  static Agent payments() {
    return Agent.builder(KIMI, "kimi-k3")
        .name("payments", "1")
        .tool(tool("transfer").approval(LIMITS).asIdempotent())
        .tool(tool("notify"))
        .tool(tool("lookup").approval(Approval.always()))
        .maxSteps(20)
        .maxTotalTokens(100_000)
        .maxSpend(new BigDecimal("1.00"), USD)
        .build();
  }

  @Test
  void settingsThatChangeNothingRunTheRegisteredAgentItself() {
    Agent a = payments();
    assertThat(RunAgent.of("payments", a, null)).isSameAs(a);
    assertThat(RunAgent.of("payments", a, RunSettings.of())).isSameAs(a);
  }

  @Test
  void aRunMayTightenEveryLimitAndNarrowItsTools() {
    Agent a =
        RunAgent.of(
            "payments",
            payments(),
            RunSettings.of()
                .maxSteps(5)
                .maxTotalTokens(40_000)
                .maxSpend(new BigDecimal("0.25"), USD)
                .tools("transfer", "lookup")
                .maxPromptTokens(32_000));

    assertThat(a.limits().maxSteps()).isEqualTo(5);
    assertThat(a.limits().maxTotalTokens()).isEqualTo(40_000);
    assertThat(a.limits().maxSpend()).isEqualByComparingTo("0.25");
    assertThat(a.tools()).extracting(t -> t.name()).containsExactly("transfer", "lookup");
  }

  /** Each setting a run may not ask for, and the words its refusal names it with. */
  @Test
  void aRunMayNotLoosenWhatTheAgentAllows() {
    Map<RunSettings, String> refused =
        Map.of(
            RunSettings.of().maxSteps(21),
            "maxSteps 21, which the agent payments refuses: the agent allows at most 20",
            RunSettings.of().maxTotalTokens(100_001),
            "maxTotalTokens 100001",
            RunSettings.of().maxSpend(new BigDecimal("1.01"), USD),
            "maxSpend 1.01 USD",
            RunSettings.of().maxSpend(new BigDecimal("0.5"), Currency.getInstance("EUR")),
            "maxSpend 0.5 EUR",
            RunSettings.of().tools("transfer", "refund"),
            "the tools [refund]",
            RunSettings.of().approval("refund", RunSettings.ToolApproval.always()),
            "the tools [refund]",
            RunSettings.of()
                .approval("transfer", RunSettings.ToolApproval.agentPolicy().approvers(1)),
            "approvers 1 for transfer",
            RunSettings.of()
                .approval(
                    "transfer",
                    RunSettings.ToolApproval.agentPolicy()
                        .expiresAfter(Duration.ofHours(48), Approval.Expiry.REJECT)),
            "expiresAfter PT48H (REJECT) for transfer",
            RunSettings.of()
                .approval(
                    "transfer",
                    RunSettings.ToolApproval.agentPolicy()
                        .expiresAfter(Duration.ofHours(1), Approval.Expiry.ESCALATE)),
            "expiresAfter PT1H (ESCALATE) for transfer");
    refused.forEach(
        (settings, why) ->
            assertThatThrownBy(() -> RunAgent.of("payments", payments(), settings))
                .as("%s", settings)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why));
  }

  @Test
  void aRunsApprovalKeepsWhatTheAgentsPolicyDeniesAndAsksUnderTheDocumentedId() {
    Agent a =
        RunAgent.of(
            "payments",
            payments(),
            RunSettings.of()
                .approval(
                    "transfer",
                    RunSettings.ToolApproval.always()
                        .approvers(3)
                        .expiresAfter(Duration.ofHours(2), Approval.Expiry.REJECT))
                .approval("notify", RunSettings.ToolApproval.always())
                .approval("lookup", RunSettings.ToolApproval.agentPolicy().approvers(2)));
    Map<String, AgentTool> tools = new java.util.LinkedHashMap<>();
    RunAgentTest.toolsOf(a).forEach(t -> tools.put(t.name(), t));

    Approval transfer = tools.get("transfer").approval();
    assertThat(transfer.id()).isEqualTo("transfers-v1+always");
    assertThat(transfer.approvers()).isEqualTo(3);
    assertThat(transfer.expiresAfter()).isEqualTo(Duration.ofHours(2));
    assertThat(transfer.rule().apply(Json.parse("{\"amount\":5}")))
        .isInstanceOf(Verdict.Ask.class); // the agent allowed it: the run asks
    assertThat(transfer.rule().apply(Json.parse("{\"amount\":500}")))
        .isEqualTo(Verdict.ask("a transfer over 100")); // the agent's own question
    assertThat(transfer.rule().apply(Json.parse("{\"amount\":50000}")))
        .isEqualTo(Verdict.deny("over the daily limit")); // still denied
    assertThat(tools.get("notify").approval().id()).isEqualTo("always");
    assertThat(tools.get("lookup").approval().id()).isEqualTo("always");
    assertThat(tools.get("lookup").approval().approvers()).isEqualTo(2);
  }

  /** The agent's own tools, with their approvals, by building a variant that keeps them all. */
  static List<AgentTool> toolsOf(Agent a) {
    List<AgentTool> out = new java.util.ArrayList<>();
    a.toBuilder()
        .changeTools(
            t -> {
              out.add(t);
              return t;
            });
    return out;
  }

  @Test
  void kimiAgentsRefusesAnAgentWithAStoreOrItsOwnLimitOnCallsInFlightSayingWhy() {
    Agent stored = payments().toBuilder().store(RunStore.inMemory()).unsealed().build();
    assertThatThrownBy(() -> KimiAgents.builder().agent("payments", stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KimiAgents refuses the agent registered as payments")
        .hasMessageContaining("has a store")
        .hasMessageContaining("without Agent.Builder.store");
    Agent gated = payments().toBuilder().maxConcurrentCalls(2).build();
    assertThatThrownBy(() -> KimiAgents.builder().agent("payments", gated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentCalls");
    Agent lead =
        Agent.builder(KIMI, "kimi-k3").name("lead", "1").tool(gated.asTool("ask", "Asks")).build();
    assertThatThrownBy(() -> KimiAgents.builder().agent("lead", lead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the agent payments sets maxConcurrentCalls");
  }

  @Test
  void aSubagentIsFoundByItsParentsPathAndAnUnknownOneIsNamed() {
    Agent researcher = Agent.builder(KIMI, "kimi-k3").name("researcher", "1").build();
    Agent lead =
        Agent.builder(KIMI, "kimi-k3")
            .name("lead", "1")
            .tool(researcher.asTool("ask_a", "A"))
            .build();
    KimiAgents agents = KimiAgents.builder().agent("lead", lead).build();

    assertThat(agents.agent("lead/ask_a")).isSameAs(researcher);
    assertThatThrownBy(() -> agents.agent("lead/ask_b"))
        .hasMessageContaining("the agent lead on this worker has no subagent tool named ask_b");
    assertThatThrownBy(() -> agents.agent("nobody"))
        .hasMessageContaining("no agent is registered under the name nobody");
  }
}
