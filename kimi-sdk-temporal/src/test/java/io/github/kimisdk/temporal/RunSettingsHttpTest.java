package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.Recorded;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A run's own settings on Temporal ({@link RunSettings}): runs started with different budgets,
 * tools and approval policies on one registered agent each keep theirs, in the workflow's input and
 * through continue-as-new; settings the agent does not allow fail the run at its start, before any
 * model call, naming the setting; every history replays.
 */
class RunSettingsHttpTest extends OnFakeKimi {
  static final String TASK = KimiAgentWorkflowHttpTest.TASK;

  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  /** The one agent the worker registers: transfers without approval, up to 20 steps. */
  static Agent payments(KimiClient kimi, Bank bank, List<RunEvent> events) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().asIdempotent())
        .tool(BankTools.notifier())
        .listener(Recorded.into(events))
        .build();
  }

  InProcessTemporal temporal() {
    temporal =
        new InProcessTemporal(
            KimiAgents.builder().agent("payments", payments(kimi, bank, events)).build());
    return temporal;
  }

  PendingCall awaitPending(KimiAgentWorkflow wf, int approvedBy) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      String s = wf.state();
      if (s != null) {
        RunState state = RunState.fromJson(s);
        if (state.status() == RunState.Status.PAUSED
            && state.pending().get(0).approvedBy().size() == approvedBy) {
          return state.pending().get(0);
        }
      }
      assertThat(Instant.now()).as("the run waits").isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(20); // waiting for a condition, bounded by the deadline
    }
  }

  @Test
  void twoRunsWithDifferentBudgetsAndApprovalPoliciesOnOneAgentEachKeepTheirs() throws Exception {
    InProcessTemporal t = temporal();

    // run A: one model call at most, transfers as the agent makes them (no approval)
    t.start(
        AgentRun.of("payments", "budget-a", List.of(Message.user(TASK)))
            .settings(RunSettings.of().maxSteps(1)));
    // run B: the agent's 20 steps, every transfer approved by two different people
    KimiAgentWorkflow b =
        t.start(
            AgentRun.of("payments", "approvals-b", List.of(Message.user(TASK)))
                .settings(
                    RunSettings.of()
                        .approval("transfer", RunSettings.ToolApproval.always().approvers(2))));

    RunOutcome a = t.result("budget-a");
    assertThat(a.status()).isEqualTo("stopped");
    assertThat(a.limit()).isEqualTo("STEPS");
    assertThat(a.runState().steps()).isEqualTo(1);
    assertThat(bank.transfers()).hasSize(1); // A's: B's waits for its approvers

    PendingCall call = awaitPending(b, 0);
    assertThat(call.tool()).isEqualTo("transfer");
    assertThat(call.policy()).isEqualTo("always");
    b.decide(DecisionRequest.approve(call.id(), call.argumentsSha256()).by("alice", "checked"));
    PendingCall again = awaitPending(b, 1);
    assertThat(again.approvedBy()).containsExactly("alice");
    assertThatThrownBy(
            () ->
                b.decide(
                    DecisionRequest.approve(call.id(), call.argumentsSha256()).by("alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("alice has already approved");
    assertThat(bank.transfers()).hasSize(1); // B's transfer still waits for its second approver
    b.decide(DecisionRequest.approve(call.id(), call.argumentsSha256()).by("bob", "checked too"));

    RunOutcome done = t.result("approvals-b");
    assertThat(done.status()).isEqualTo("answered");
    assertThat(done.runState().steps()).isEqualTo(2);
    assertThat(bank.transfers()).hasSize(2);
    t.save("approvals-b", KimiAgentWorkflowHttpTest.GOLDEN.resolve("settings-v1.json"));
  }

  @Test
  void aRunKeepsItsSettingsThroughContinueAsNew(FakeKimiExtension.Clients clients)
      throws Exception {
    KimiClient small = LongRunHttpTest.smallWindow(server, clients);
    Agent pinger = LongRunHttpTest.pinger(small, 40); // the agent allows 140 steps
    LongRunHttpTest.script(server, 40);
    temporal = new InProcessTemporal(KimiAgents.builder().agent("pinger", pinger).build());

    temporal.start(
        AgentRun.of("pinger", "kept-1", List.of(Message.user("ping the service 40 times")))
            .settings(RunSettings.of().maxSteps(9).continueAsNewAfter(100, 4L << 20)));
    RunOutcome o = temporal.result("kept-1");

    // the run's bound made it continue as new; its step limit held in every execution
    assertThat(o.execution()).isGreaterThan(1);
    assertThat(o.status()).isEqualTo("stopped");
    assertThat(o.runState().steps()).isEqualTo(9);
    assertThat(server.requestCount()).isLessThanOrEqualTo(9 + 9); // steps, and any summaries
    for (WorkflowExecutionHistory h : temporal.chain("kept-1")) {
      assertThat(h.getEvents()).hasSizeLessThanOrEqualTo(100);
    }
  }

  @Test
  void aRunOffersTheModelOnlyTheToolsItMayUse() throws Exception {
    InProcessTemporal t = temporal();

    t.start(
        AgentRun.of("payments", "notify-only", List.of(Message.user(TASK)))
            .settings(RunSettings.of().tools("notify")));
    RunOutcome o = t.result("notify-only");

    assertThat(o.status()).isEqualTo("answered");
    assertThat(bank.requests()).isZero();
    assertThat(server.requests().get(0).bodyText())
        .contains("\"notify\"")
        .doesNotContain("\"transfer\"");
  }

  @Test
  void settingsTheAgentDoesNotAllowFailTheRunAtItsStartNamingTheSetting() throws Exception {
    InProcessTemporal t = temporal();
    List<RunSettings> refused =
        List.of(
            RunSettings.of().maxSteps(21),
            RunSettings.of().tools("transfer", "refund"),
            RunSettings.of().maxSpend(new BigDecimal("1"), Currency.getInstance("EUR")));
    List<String> why =
        List.of(
            "maxSteps 21, which the agent payments refuses: the agent allows at most 20",
            "the tools [refund], which the agent payments refuses",
            "maxSpend 1 EUR");
    for (int i = 0; i < refused.size(); i++) {
      String id = "refused-" + i;
      t.start(AgentRun.of("payments", id, List.of(Message.user(TASK))).settings(refused.get(i)));
      String expected = why.get(i);
      assertThatThrownBy(() -> t.result(id))
          .isInstanceOf(WorkflowFailedException.class)
          .satisfies(
              e -> {
                ApplicationFailure f = (ApplicationFailure) e.getCause();
                assertThat(f.getType()).isEqualTo(RunOutcome.INVALID_TYPE);
                assertThat(f.getOriginalMessage()).contains(expected);
              });
    }
    t.start(AgentRun.of("nobody", "refused-agent", List.of(Message.user(TASK))));
    assertThatThrownBy(() -> t.result("refused-agent"))
        .isInstanceOf(WorkflowFailedException.class)
        .hasStackTraceContaining("no agent is registered under the name nobody");
    assertThat(server.requestCount()).as("no model call").isZero();
  }
}
