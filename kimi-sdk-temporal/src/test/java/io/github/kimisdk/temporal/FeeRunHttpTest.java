package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.FeeRun;
import io.github.kimisdk.agents.KimiRulesServer;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.model.ModelCatalog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 103's long run on Temporal, with the default compaction and the default continue-as-new:
 * 600 fee lookups on a 6,000-token window, then one idempotent transfer of their total and an
 * answer, against kimi-sdk-agents' strict {@link KimiRulesServer} playing a model that reads its
 * context ({@link FeeRun}): a summary that loses the run's progress would make it look accounts up
 * again. The workflow is the one loop, so the run answers as it does on a store: each account
 * looked up once, the transfer made once, every request inside the window and valid, every summary
 * request carrying the summary before it, and every execution's history replays.
 */
class FeeRunHttpTest {
  /** The agent of the runs: lookups padded by {@code pad} tokens, each step's output cap. */
  static Agent agent(
      KimiClient kimi,
      int accounts,
      int pad,
      int cap,
      List<Integer> lookups,
      FeeRun.Transfers transfers) {
    return Agent.builder(kimi, "kimi-k3")
        .name("fees", "1")
        .tool(FeeRun.lookup(lookups, pad))
        .tool(FeeRun.transfer(transfers))
        .request(b -> b.maxCompletionTokens(cap))
        .maxSteps(3 * accounts + 10) // a run that starts over ends here, not never
        .build();
  }

  /** The model of the short run the golden history {@code compacted-v1.json} recorded. */
  static final ModelCatalog SHORT_RUN_CATALOG =
      ModelCatalog.defaults()
          .with(ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(4_096));

  /** The agents the golden history {@code compacted-v1.json} was recorded with. */
  static KimiAgents shortRun(KimiClient kimi) {
    return KimiAgents.builder()
        .agent("fees", agent(kimi, 12, 400, 500, new ArrayList<>(), new FeeRun.Transfers()))
        .build();
  }

  /**
   * Starts run {@code id} of the fees agent, a bank's fee collector given {@code task}, and waits
   * for it.
   */
  static RunOutcome collect(InProcessTemporal t, String id, String task) {
    t.start(
        AgentRun.of(
            "fees",
            id,
            List.of(Message.system("You collect fees for a bank."), Message.user(task))));
    return t.result(id);
  }

  @Test
  void sixHundredLookupsOnASixThousandTokenWindowAnswerWithTheDefaultCompaction() throws Exception {
    int window = 6_000;
    int accounts = 600;
    String ledger = "temporal";
    String task = FeeRun.task(accounts, ledger);
    List<Integer> lookups = new ArrayList<>();
    FeeRun.Transfers transfers = new FeeRun.Transfers();
    try (KimiRulesServer server = KimiRulesServer.start(window, 2_097_152).slim();
        KimiClient kimi = FeeRun.client(server, window)) {
      InProcessTemporal t =
          new InProcessTemporal(
              KimiAgents.builder()
                  .agent("fees", agent(kimi, accounts, 0, 1_000, lookups, transfers))
                  .build());
      long t0 = System.nanoTime();
      RunOutcome o = collect(t, "fees-600", task);

      FeeRun.Seen seen = FeeRun.seen(server, task);
      System.out.printf(
          "FEE-RUN Temporal, %d accounts, %s: %s, %d executions, %d ms%n",
          accounts,
          o.status(),
          seen.line(window),
          o.execution(),
          (System.nanoTime() - t0) / 1_000_000);
      assertThat(server.violations()).as("requests the server refused").isEmpty();
      assertThat(o.status()).isEqualTo("answered");
      FeeRun.assertAnswered(o.text(), accounts, ledger, lookups, transfers, seen, window);
      assertThat(o.runState().steps()).isEqualTo(seen.steps());
      t.close(); // every execution's history replays
    }
  }

  /**
   * A short run that compacts a few times on a 4,096-token window: the golden history {@code
   * compacted-v1.json}, so that a change to how a run compacts, which is workflow code, fails
   * {@link GoldenHistoriesTest} rather than a running workflow.
   */
  @Test
  void aShortRunThatCompactsAnswersAndItsHistoryReplays() throws Exception {
    String task = FeeRun.task(12, "golden");
    try (KimiRulesServer server = KimiRulesServer.start(4_096, 2_097_152);
        KimiClient kimi = FeeRun.client(server, 4_096)) {
      InProcessTemporal t = new InProcessTemporal(shortRun(kimi));
      RunOutcome o = collect(t, "fees-12", task);

      assertThat(o.status()).isEqualTo("answered");
      assertThat(o.text()).contains("transferred " + FeeRun.total("golden", 12) + " cents");
      FeeRun.Seen seen = FeeRun.seen(server, task);
      assertThat(seen.refused()).isZero();
      assertThat(seen.lostSummaries()).isEmpty();
      assertThat(seen.compactions()).as("compactions in the history").isGreaterThanOrEqualTo(2);
      t.save("fees-12", KimiAgentWorkflowHttpTest.GOLDEN.resolve("compacted-v1.json"));
      t.close();
    }
  }
}
