package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.KimisRules;
import io.github.kimisdk.agents.Researchers;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subagents inside their parent's workflow: four of them, called in one turn, run at once (their
 * model calls overlap at the server), and the parent's budget of N model calls holds over all of
 * them together: the server receives at most N.
 */
@ExtendWith(FakeKimiExtension.class)
class SubagentsHttpTest {
  static final int BUDGET = 6;

  /** A lead agent with four researchers as its tools, under a budget of {@link #BUDGET} calls. */
  static Agent lead(KimiClient kimi) {
    return Researchers.lead(kimi, Researchers.ping(), BUDGET).build();
  }

  @Test
  void fourSubagentsUnderABudgetOfNModelCallsMakeAtMostNRunningAtOnce(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    server.serviceTime(Duration.ofMillis(300)); // long enough for the calls in flight to overlap
    Agent lead = lead(kimi);
    InProcessTemporal t = new InProcessTemporal(KimiAgents.builder().agent("lead", lead).build());
    try {
      t.start(
          AgentRun.of(
              "lead",
              "team-1",
              List.of(
                  Message.user(
                      "ask_a task=ping and ask_b task=ping and ask_c task=ping and ask_d"
                          + " task=ping"))));
      RunOutcome o = t.result("team-1");

      // without the budget: the lead's 2 calls and 2 for each subagent, 10 in all
      assertThat(server.requestCount()).isLessThanOrEqualTo(BUDGET);
      assertThat(server.peakConcurrency()).as("subagents' calls at once").isGreaterThanOrEqualTo(2);
      assertThat(o.runState().steps() + o.runState().subagentSteps()).isLessThanOrEqualTo(BUDGET);
      assertThat(o.status()).isIn("answered", "stopped");
      for (RecordedRequest r : server.requests()) {
        KimisRules.check(r);
      }
      t.save("team-1", KimiAgentWorkflowHttpTest.GOLDEN.resolve("subagents-v1.json"));
    } finally {
      t.close();
    }
  }

  @Test
  void theOptionsLimitTheModelCallsInFlightAcrossTheSubagents(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    server.serviceTime(Duration.ofMillis(200));
    Agent researcher = Researchers.researcher(kimi, Researchers.ping());
    Agent lead =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .tool(researcher.asTool("ask_a", "Researcher A"))
            .tool(researcher.asTool("ask_b", "Researcher B"))
            .tool(researcher.asTool("ask_c", "Researcher C"))
            .build();
    InProcessTemporal t =
        new InProcessTemporal(
            KimiAgents.builder()
                .agent("lead", lead, AgentOptions.defaults().maxConcurrentModelCalls(1))
                .build());
    try {
      t.start(
          AgentRun.of(
              "lead",
              "team-2",
              List.of(Message.user("ask_a task=ping and ask_b task=ping and ask_c task=ping"))));

      assertThat(t.result("team-2").status()).isEqualTo("answered");
      // the lead's 2 calls and the subagents' 2 each, one at a time
      assertThat(server.requestCount()).isEqualTo(8);
      assertThat(server.peakConcurrency()).isEqualTo(1);
    } finally {
      t.close();
    }
  }
}
