package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.Researchers;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Subagents as child workflows ({@link AgentOptions#childWorkflows}): each subagent's call its own
 * workflow, with its own history, linked to its parent; four of them under a budget of N model
 * calls make at most N between them; a child's approval decided on the child; a parent cancelled
 * cancels its children; every history, the children's included, replays.
 */
class ChildWorkflowsHttpTest extends OnFakeKimi {
  static final int BUDGET = 6;
  static final String FOUR =
      "ask_a task=ping and ask_b task=ping and ask_c task=ping and ask_d task=ping";

  /** A lead with four researchers as its tools, each a child workflow, under a budget. */
  static KimiAgents lead(KimiClient kimi, int maxSteps, AgentTool researcherTool) {
    Agent lead =
        Researchers.lead(kimi, researcherTool, maxSteps)
            // a cap on each reply keeps the step's bounded size, and the execution, small
            .request(b -> b.maxCompletionTokens(800))
            .build();
    return KimiAgents.builder()
        .agent("lead", lead, AgentOptions.defaults().childWorkflows(true))
        .build();
  }

  static AgentTool ping() {
    return Researchers.ping();
  }

  static long count(WorkflowExecutionHistory h, EventType type) {
    return h.getEvents().stream().filter(e -> e.getEventType() == type).count();
  }

  @Test
  void fourSubagentsAsChildWorkflowsUnderABudgetOfNModelCallsMakeAtMostN() throws Exception {
    server.serviceTime(Duration.ofMillis(300)); // long enough for the children's calls to overlap
    temporal = new InProcessTemporal(lead(kimi, BUDGET, ping()));
    temporal.start(AgentRun.of("lead", "team-c", List.of(Message.user(FOUR))));

    RunOutcome o = temporal.result("team-c");

    // the lead's first call, then the 5 left split 2, 1, 1, 1 among the children before any ran
    assertThat(server.requestCount()).isEqualTo(BUDGET);
    assertThat(server.peakConcurrency()).as("children's calls at once").isGreaterThanOrEqualTo(2);
    assertThat(o.status()).isEqualTo("stopped");
    RunState end = o.runState();
    assertThat(end.steps()).isEqualTo(1);
    assertThat(end.subagentSteps()).isEqualTo(5);
    Researchers.threeOfFourStoppedByTheLimit(end);

    // the parent's history: its own model call and four children; none of their steps
    WorkflowExecutionHistory parent = temporal.chain("team-c").get(0);
    assertThat(KimiAgentWorkflowHttpTest.activities(parent))
        .containsExactly(KimiAgentActivities.CHAT);
    assertThat(count(parent, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED))
        .isEqualTo(4);
    // each child: its own history, its parent named in it, its own steps
    int childCalls = 0;
    for (int pos = 0; pos < 4; pos++) {
      String id = "team-c.1." + pos;
      temporal.track(id);
      WorkflowExecutionHistory child = temporal.chain(id).get(0);
      HistoryEvent started = child.getEvents().get(0);
      assertThat(
              started
                  .getWorkflowExecutionStartedEventAttributes()
                  .getParentWorkflowExecution()
                  .getWorkflowId())
          .isEqualTo("team-c");
      childCalls +=
          (int)
              KimiAgentWorkflowHttpTest.activities(child).stream()
                  .filter(KimiAgentActivities.CHAT::equals)
                  .count();
      RunOutcome c = temporal.result(id);
      assertThat(c.runState().id()).isEqualTo("team-c.1." + pos);
      assertThat(c.runState().agent()).isEqualTo("researcher@1");
      // the parent's history holds the child's outcome without its messages but its answer
      assertThat(c.runState().messages()).hasSizeLessThanOrEqualTo(1);
      assertThat(RunState.fromJson(temporal.stub(id).state()).messages()).hasSizeGreaterThan(2);
    }
    assertThat(childCalls).isEqualTo(5);
    temporal.save("team-c", KimiAgentWorkflowHttpTest.GOLDEN.resolve("child-workflows-v1.json"));
    temporal.save("team-c.1.0", KimiAgentWorkflowHttpTest.GOLDEN.resolve("child-workflow-v1.json"));
  }

  /**
   * Starts run {@code id} of the lead on {@code task}; a subagent's transfer waits for a person.
   */
  void startLead(Bank bank, String id, String task) {
    temporal =
        new InProcessTemporal(
            lead(kimi, 20, bank.tool().approval(Approval.always()).asIdempotent()));
    temporal.start(AgentRun.of("lead", id, List.of(Message.user(task))));
  }

  @Test
  void aChildsApprovalIsDecidedOnTheChildAndTheParentGoesOn() throws Exception {
    Bank bank = new Bank();
    startLead(bank, "team-d", "ask_a task=transfer to=acct-1 amount=5");

    String child = "team-d.1.0";
    temporal.track(child);
    PendingCall call = awaitPending(temporal.stub(child));
    assertThat(call.tool()).isEqualTo("transfer");
    assertThat(call.id()).startsWith("team-d.1.0:");
    // the parent waits in its call: running, nothing of its own pending
    RunState parent = RunState.fromJson(temporal.stub("team-d").state());
    assertThat(parent.pending()).isEmpty();
    temporal
        .stub(child)
        .decide(DecisionRequest.approve(call.id(), call.argumentsSha256()).by("alice", null));

    assertThat(temporal.result("team-d").status()).isEqualTo("answered");
    assertThat(bank.transfers()).singleElement();
    assertThat(temporal.result(child).status()).isEqualTo("answered");
  }

  @Test
  void aParentCancelledCancelsItsChildren() throws Exception {
    Bank bank = new Bank();
    startLead(bank, "team-e", "ask_a task=transfer and ask_b task=transfer");
    for (String child : List.of("team-e.1.0", "team-e.1.1")) {
      temporal.track(child);
      awaitPending(temporal.stub(child));
    }

    temporal.client.newUntypedWorkflowStub("team-e").cancel();

    assertThatThrownBy(() -> temporal.result("team-e"))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    for (String child : List.of("team-e.1.0", "team-e.1.1")) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (temporal.chain(child).get(0).getLastEvent().getEventType()
          != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED) {
        assertThat(Instant.now()).as("%s is cancelled", child).isBefore(deadline);
        TimeUnit.MILLISECONDS.sleep(20); // waiting for a condition, bounded by the deadline
      }
    }
    assertThat(bank.requests()).isZero();
  }

  static PendingCall awaitPending(KimiAgentWorkflow wf) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try {
        String s = wf.state();
        if (s != null && RunState.fromJson(s).status() == RunState.Status.PAUSED) {
          return RunState.fromJson(s).pending().get(0);
        }
      } catch (RuntimeException notYetStarted) {
        // the child workflow does not exist yet
      }
      assertThat(Instant.now()).as("the run waits").isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(20); // waiting for a condition, bounded by the deadline
    }
  }
}
