package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Allowance;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.RecordedRequest;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.WorkerFactoryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The one agent loop as a Temporal workflow, in this process on Temporal's time-skipping test
 * environment, against the fake on loopback: each model and tool call an activity, approvals as
 * validated updates (a decision on other arguments or under another policy refused before it enters
 * the history, nothing paid), rejections and edits the model reads, a bounded wait, the run's state
 * queryable, its events told once; every history replays.
 */
class KimiAgentWorkflowHttpTest extends OnFakeKimi {
  static final String TASK = "transfer to=acct-2 amount=9 and notify to=acct-2";
  static final Path GOLDEN = Path.of("src/test/resources/histories");

  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();
  final Semaphore paused = new Semaphore(0);

  Agent payments(Approval approval) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().approval(approval).asIdempotent())
        .tool(BankTools.notifier())
        .listener(
            e -> {
              synchronized (events) {
                events.add(e);
              }
              if (e instanceof RunEvent.Paused) {
                paused.release();
              }
            })
        .build();
  }

  InProcessTemporal temporal(Agent agent) {
    temporal = new InProcessTemporal(KimiAgents.builder().agent("payments", agent).build());
    return temporal;
  }

  void awaitPause() throws InterruptedException {
    assertThat(paused.tryAcquire(60, TimeUnit.SECONDS)).as("the run paused").isTrue();
  }

  /**
   * Starts run {@code runId} of the payments agent, each transfer approved by a person, on {@code
   * TASK} in a new {@link #temporal}, and waits for it to pause.
   */
  KimiAgentWorkflow startPaused(String runId) throws InterruptedException {
    KimiAgentWorkflow wf =
        temporal(payments(Approval.always()))
            .start(AgentRun.of("payments", runId, List.of(Message.user(TASK))));
    awaitPause();
    return wf;
  }

  /** Sends {@code decision} to the paused run {@code runId} and returns its outcome, answered. */
  RunOutcome decidedAndAnswered(KimiAgentWorkflow wf, String runId, DecisionRequest decision) {
    wf.decide(decision);
    RunOutcome o = temporal.result(runId);
    assertThat(o.status()).isEqualTo("answered");
    return o;
  }

  /**
   * Starts run {@code runId} as {@link #startPaused} does, sends the decision {@code decide} makes
   * of its pending call, and returns its outcome, answered.
   */
  RunOutcome decidedAndAnswered(String runId, Function<PendingCall, DecisionRequest> decide)
      throws InterruptedException {
    KimiAgentWorkflow wf = startPaused(runId);
    return decidedAndAnswered(wf, runId, decide.apply(pending(wf)));
  }

  PendingCall pending(KimiAgentWorkflow wf) {
    RunState s = RunState.fromJson(wf.state());
    assertThat(s.status()).isEqualTo(RunState.Status.PAUSED);
    return s.pending().get(0);
  }

  static List<String> activities(WorkflowExecutionHistory h) {
    List<String> out = new ArrayList<>();
    for (HistoryEvent e : h.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        out.add(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      }
    }
    return out;
  }

  /** The decisions the history accepted, as their updates carried them. */
  static List<DecisionRequest> accepted(WorkflowExecutionHistory h) {
    List<DecisionRequest> out = new ArrayList<>();
    DataConverter converter = DefaultDataConverter.newDefaultInstance();
    for (HistoryEvent e : h.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
        Payloads args =
            e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                .getAcceptedRequest()
                .getInput()
                .getArgs();
        out.add(
            converter.fromPayloads(
                0, Optional.of(args), DecisionRequest.class, DecisionRequest.class));
      }
    }
    return out;
  }

  long told(Class<? extends RunEvent> type) {
    synchronized (events) {
      return events.stream().filter(type::isInstance).count();
    }
  }

  @Test
  void eachModelCallAndToolCallIsAnActivityAndTheRunAnswers() throws Exception {
    InProcessTemporal t = temporal(payments(Approval.never()));

    t.start(AgentRun.of("payments", "pay-1", List.of(Message.user(TASK))));
    RunOutcome o = t.result("pay-1");

    assertThat(o.status()).isEqualTo("answered");
    assertThat(o.text()).contains("transferred 9 to acct-2");
    assertThat(activities(t.chain("pay-1").get(0)))
        .containsExactly(
            KimiAgentActivities.CHAT,
            KimiAgentActivities.TOOL,
            KimiAgentActivities.TOOL,
            KimiAgentActivities.CHAT);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(bank.transfers()).singleElement();
    assertThat(o.runState().steps()).isEqualTo(2);
    // told once each: the replays of the workflow's tasks told nothing again
    assertThat(told(RunEvent.ToolStarted.class)).isEqualTo(2);
    assertThat(told(RunEvent.Replied.class)).isEqualTo(2);
    t.save("pay-1", GOLDEN.resolve("answered-v1.json"));
  }

  @Test
  void aToolTheOptionsNameRunsAsALocalActivityAndTheOthersAsActivities() throws Exception {
    temporal =
        new InProcessTemporal(
            KimiAgents.builder()
                .agent(
                    "payments",
                    payments(Approval.never()),
                    AgentOptions.defaults().localTools("notify"))
                .build());

    temporal.start(AgentRun.of("payments", "local-1", List.of(Message.user(TASK))));
    RunOutcome o = temporal.result("local-1");

    assertThat(o.status()).isEqualTo("answered");
    WorkflowExecutionHistory h = temporal.chain("local-1").get(0);
    assertThat(activities(h))
        .containsExactly(
            KimiAgentActivities.CHAT, KimiAgentActivities.TOOL, KimiAgentActivities.CHAT);
    assertThat(h.getEvents())
        .filteredOn(
            e ->
                e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
                    && e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity"))
        .hasSize(1); // notify's result, recorded as a local activity's marker
    assertThat(o.text()).contains("told acct-2");
    temporal.save("local-1", GOLDEN.resolve("local-tool-v1.json"));
  }

  @Test
  void eventsAreToldOnceWhenEveryWorkflowTaskReplaysTheHistory() throws Exception {
    temporal =
        new InProcessTemporal(
            KimiAgents.builder().agent("payments", payments(Approval.always())).build(),
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build())
                .build());
    KimiAgentWorkflow wf =
        temporal.start(AgentRun.of("payments", "replayed-1", List.of(Message.user(TASK))));
    awaitPause();
    PendingCall call = pending(wf);
    wf.decide(DecisionRequest.approve(call.id(), call.argumentsSha256()).by("alice", null));

    assertThat(temporal.result("replayed-1").status()).isEqualTo("answered");
    // no workflow is cached: each task replayed the history before it, telling nothing again
    assertThat(told(RunEvent.ModelCalled.class)).isEqualTo(2);
    assertThat(told(RunEvent.Replied.class)).isEqualTo(2);
    assertThat(told(RunEvent.ToolStarted.class)).isEqualTo(2);
    assertThat(told(RunEvent.Paused.class)).isEqualTo(1);
    assertThat(told(RunEvent.Approved.class)).isEqualTo(1);
    assertThat(bank.transfers()).singleElement();
  }

  @Test
  void anApprovalByIdAndDigestIsAcceptedAndTheTransferMadeOnce() throws Exception {
    KimiAgentWorkflow wf = startPaused("pay-2");
    PendingCall call = pending(wf);
    assertThat(bank.requests()).isZero();

    RunOutcome o =
        decidedAndAnswered(
            wf,
            "pay-2",
            DecisionRequest.approve(call.id(), call.argumentsSha256())
                .underPolicy(call.policy())
                .by("alice@example.com", "invoice checked"));

    assertThat(bank.transfers())
        .singleElement()
        .extracting(Bank.Transfer::key)
        .isEqualTo(call.idempotencyKey());
    assertThat(bank.requests()).isEqualTo(1);
    // who decided is in the history, and when the workflow took it is on the run's event
    assertThat(accepted(temporal.chain("pay-2").get(0)))
        .singleElement()
        .extracting(DecisionRequest::by)
        .isEqualTo("alice@example.com");
    RunEvent.Approved approved;
    synchronized (events) {
      approved =
          events.stream()
              .filter(e -> e instanceof RunEvent.Approved)
              .map(e -> (RunEvent.Approved) e)
              .findFirst()
              .orElseThrow();
    }
    assertThat(approved.approvals())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.name()).isEqualTo("alice@example.com");
              assertThat(a.comment()).isEqualTo("invoice checked");
              assertThat(a.at()).isAfterOrEqualTo(o.runState().createdAt());
            });
    assertThat(o.runState().messages().toString()).doesNotContain("rejected");
    temporal.save("pay-2", GOLDEN.resolve("approved-v1.json"));
  }

  @Test
  void aDecisionOnOtherArgumentsIsRefusedBeforeItEntersTheHistoryAndNothingIsPaid()
      throws Exception {
    KimiAgentWorkflow wf = startPaused("pay-3");
    PendingCall call = pending(wf);
    String other = "0".repeat(64);

    assertThatThrownBy(
            () -> wf.decide(DecisionRequest.approve(call.id(), other).by("mallory", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining(
            "call "
                + call.id()
                + " cannot take the decision: the arguments changed since the"
                + " decision was made: nothing was decided");
    assertThatThrownBy(
            () ->
                wf.decide(
                    DecisionRequest.approve(call.id(), call.argumentsSha256())
                        .underPolicy("another-policy")
                        .by("mallory", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("the approval policy changed from another-policy to always");
    assertThatThrownBy(
            () ->
                wf.decide(
                    DecisionRequest.approveAndAllow(
                            call.id(), call.argumentsSha256(), Allowance.tool("notify"))
                        .by("mallory", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("allows the call's own tool (transfer) for the rest of the run");
    assertThatThrownBy(
            () ->
                wf.decide(
                    DecisionRequest.approve("pay-3:1:7", call.argumentsSha256()).by("m", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("no call pay-3:1:7 waits");
    assertThatThrownBy(() -> wf.decide(DecisionRequest.approve(call.id(), call.argumentsSha256())))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("names who made it");

    assertThat(bank.requests()).isZero();
    assertThat(accepted(temporal.chain("pay-3").get(0))).isEmpty();
    assertThat(pending(wf).id()).isEqualTo(call.id());
    // the run still waits, and takes the right decision
    wf.decide(DecisionRequest.approve(call.id(), call.argumentsSha256()).by("alice", null));
    assertThat(temporal.result("pay-3").status()).isEqualTo("answered");
    assertThat(bank.transfers()).singleElement();
  }

  @Test
  void aRejectionReachesTheModelAndItAnswers() throws Exception {
    decidedAndAnswered(
        "pay-4",
        call ->
            DecisionRequest.reject(call.id(), call.argumentsSha256(), "not this month")
                .by("bob", "budget"));

    assertThat(bank.requests()).isZero();
    RecordedRequest last = server.requests().get(server.requestCount() - 1);
    assertThat(last.bodyText()).contains("rejected by a person: not this month");
    temporal.save("pay-4", GOLDEN.resolve("rejected-v1.json"));
  }

  @Test
  void anApprovalWithEditedArgumentsRunsThemAndTheModelIsTold() throws Exception {
    decidedAndAnswered(
        "pay-5",
        call ->
            DecisionRequest.approveEdited(
                    call.id(), call.argumentsSha256(), "{\"to\":\"acct-2\",\"amount\":5}")
                .by("carol", "half now"));

    assertThat(bank.transfers()).singleElement().extracting(Bank.Transfer::amount).isEqualTo(5L);
    RecordedRequest last = server.requests().get(server.requestCount() - 1);
    assertThat(last.bodyText()).contains("a person changed the arguments");
  }

  @Test
  void anApprovalThatAllowsTheToolForTheRunLetsTheNextCallRunWithoutAsking() throws Exception {
    InProcessTemporal t = temporal(payments(Approval.always()));
    KimiAgentWorkflow wf =
        t.start(
            AgentRun.of(
                "payments",
                "pay-6",
                List.of(
                    Message.user("transfer to=acct-2 amount=9 then transfer to=acct-3 amount=4"))));
    awaitPause();
    PendingCall call = pending(wf);

    wf.decide(
        DecisionRequest.approveAndAllow(
                call.id(), call.argumentsSha256(), Allowance.tool("transfer"))
            .by("dave", null));
    RunOutcome o = t.result("pay-6");

    assertThat(o.status()).isEqualTo("answered");
    assertThat(bank.transfers()).hasSize(2);
    assertThat(told(RunEvent.Paused.class)).isEqualTo(1);
  }

  @Test
  void aPauseLongerThanTheApprovalTimeoutIsRejectedOnADurableTimerAndTheModelAnswers()
      throws Exception {
    InProcessTemporal t = temporal(payments(Approval.always()));
    t.start(
        AgentRun.of("payments", "pay-7", List.of(Message.user(TASK)))
            .approvalTimeout(Duration.ofHours(48)));

    RunOutcome o = t.result("pay-7"); // the test environment skips the 48 hours

    assertThat(o.status()).isEqualTo("answered");
    assertThat(bank.requests()).isZero();
    RecordedRequest last = server.requests().get(server.requestCount() - 1);
    assertThat(last.bodyText()).contains("nobody decided on the call within PT48H");
    assertThat(t.chain("pay-7").get(0).toJson(false)).contains("TIMER_FIRED");
    t.save("pay-7", GOLDEN.resolve("timed-out-v1.json"));
  }
}
