package com.example.temporal;

import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.temporal.AgentRun;
import io.github.kimisdk.temporal.DecisionRequest;
import io.github.kimisdk.temporal.KimiAgentWorkflow;
import io.github.kimisdk.temporal.RunOutcome;
import io.github.kimisdk.temporal.RunSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The client: starts a run of the payments agent, reads the call it waits on (by query), approves
 * it by the call's id and the digest of its arguments (by update), and prints the answer. Any
 * process with a Temporal client can be this one: the page that shows a person the call, a chat
 * bot, an operator's script.
 *
 * <p>Alone: {@code java ... com.example.temporal.PaymentsClient [RUN_ID]} (TEMPORAL_ADDRESS,
 * default 127.0.0.1:7233).
 */
public final class PaymentsClient {
  private PaymentsClient() {}

  static String payInvoice(String temporal, String runId) throws InterruptedException {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(service);
      KimiAgentWorkflow run =
          client.newWorkflowStub(
              KimiAgentWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(PaymentsWorker.QUEUE)
                  .setWorkflowId(runId)
                  .build());
      WorkflowClient.start(
          run::run,
          AgentRun.of(
                  "payments",
                  runId,
                  List.of(Message.user("transfer to=acct-42 amount=420 and notify to=acct-42")))
              .approvalTimeout(Duration.ofDays(2))
              // this run's own limit, below the agent's: one agent serves runs of any budget
              .settings(RunSettings.of().maxSteps(6)));
      System.out.println("client: started run " + runId);

      PendingCall call = waitingCall(run);
      System.out.println(
          "client: the run waits on "
              + call.id()
              + ": "
              + call.tool()
              + " "
              + call.arguments()
              + " (digest "
              + call.argumentsSha256().substring(0, 12)
              + "...)");
      run.decide(
          DecisionRequest.approve(call.id(), call.argumentsSha256())
              .underPolicy(call.policy())
              .by("alice@example.com", "invoice 42 checked"));
      System.out.println("client: approved by alice@example.com");

      RunOutcome outcome = WorkflowStub.fromTyped(run).getResult(RunOutcome.class);
      System.out.println("client: " + outcome.status() + ": " + outcome.text());
      return outcome.text();
    } finally {
      service.shutdownNow();
    }
  }

  /** Asks the run for its state until it waits on a call (a page would refresh instead). */
  private static PendingCall waitingCall(KimiAgentWorkflow run) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      String state = run.state();
      if (state != null) {
        RunState s = RunState.fromJson(state);
        if (s.status() == RunState.Status.PAUSED) {
          return s.pending().get(0);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the run did not pause within two minutes");
  }

  public static void main(String[] args) throws Exception {
    String temporal = System.getenv().getOrDefault("TEMPORAL_ADDRESS", "127.0.0.1:7233");
    payInvoice(temporal, args.length > 0 ? args[0] : "invoice-42");
  }
}
