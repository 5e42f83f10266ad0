package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.FeeRun;
import io.github.kimisdk.agents.KimiRulesServer;
import io.github.kimisdk.chat.Message;
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
  static final int WINDOW = 6_000;
  static final int ACCOUNTS = 600;

  @Test
  void sixHundredLookupsOnASixThousandTokenWindowAnswerWithTheDefaultCompaction() throws Exception {
    String ledger = "temporal";
    String task = FeeRun.task(ACCOUNTS, ledger);
    List<Integer> lookups = new ArrayList<>();
    FeeRun.Transfers transfers = new FeeRun.Transfers();
    try (KimiRulesServer server = KimiRulesServer.start(WINDOW, 2_097_152).slim();
        KimiClient kimi = FeeRun.client(server, WINDOW)) {
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name("fees", "1")
              .tool(FeeRun.lookup(lookups))
              .tool(FeeRun.transfer(transfers))
              .request(b -> b.maxCompletionTokens(1_000))
              .maxSteps(3 * ACCOUNTS + 10) // a run that starts over ends here, not never
              .build();
      InProcessTemporal t =
          new InProcessTemporal(KimiAgents.builder().agent("fees", agent).build());
      long t0 = System.nanoTime();
      t.start(
          AgentRun.of(
              "fees",
              "fees-600",
              List.of(Message.system("You collect fees for a bank."), Message.user(task))));
      RunOutcome o = t.result("fees-600");

      FeeRun.Seen seen = FeeRun.seen(server, task);
      System.out.printf(
          "FEE-RUN Temporal, %d accounts, %s: %s, %d executions, %d ms%n",
          ACCOUNTS,
          o.status(),
          seen.line(WINDOW),
          o.execution(),
          (System.nanoTime() - t0) / 1_000_000);
      assertThat(server.violations()).as("requests the server refused").isEmpty();
      assertThat(o.status()).isEqualTo("answered");
      FeeRun.assertAnswered(o.text(), ACCOUNTS, ledger, lookups, transfers, seen, WINDOW);
      assertThat(o.runState().steps()).isEqualTo(seen.steps());
      t.close(); // every execution's history replays
    }
  }
}
