package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal's test environment in this process, with time skipping: a worker running the agents, the
 * client, and every history the test made, which {@link #close} replays on a fresh replayer (a test
 * fails when one does not replay) and {@link #save} can write as a golden history.
 */
final class InProcessTemporal {
  static final String QUEUE = "agents";

  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final Worker worker;
  private final List<String> ids = new ArrayList<>();

  InProcessTemporal(KimiAgents agents) {
    this(agents, TestEnvironmentOptions.getDefaultInstance());
  }

  InProcessTemporal(KimiAgents agents, TestEnvironmentOptions options) {
    env = TestWorkflowEnvironment.newInstance(options);
    // a workflow task on a busy machine may run longer than the default second without yielding
    worker =
        env.newWorker(
            QUEUE, WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
    agents.register(worker);
    env.start();
    client = env.getWorkflowClient();
  }

  KimiAgentWorkflow start(AgentRun run) {
    KimiAgentWorkflow wf =
        client.newWorkflowStub(
            KimiAgentWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(run.runId()).build());
    WorkflowClient.start(wf::run, run);
    ids.add(run.runId());
    return wf;
  }

  /** Adds a workflow the test did not start itself (a child workflow) to those replayed. */
  void track(String workflowId) {
    ids.add(workflowId);
  }

  KimiAgentWorkflow stub(String workflowId) {
    return client.newWorkflowStub(KimiAgentWorkflow.class, workflowId);
  }

  RunOutcome result(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).getResult(RunOutcome.class);
  }

  /** Every execution of the workflow's continue-as-new chain, first to last. */
  List<WorkflowExecutionHistory> chain(String workflowId) {
    List<WorkflowExecutionHistory> out = new ArrayList<>();
    WorkflowExecutionHistory last = client.fetchHistory(workflowId);
    String first = firstRunId(last);
    String runId = first;
    while (runId != null) {
      WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
      out.add(h);
      HistoryEvent end = h.getLastEvent();
      runId =
          end.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? end.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return out;
  }

  private String firstRunId(WorkflowExecutionHistory last) {
    return last.getEvents()
        .get(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getFirstExecutionRunId();
  }

  /**
   * Writes a workflow's first execution's history as a golden file when the build asks for it
   * ({@code -Dkimisdk.temporal.writeGolden=true}) and the file is not there: a golden history is
   * written once, by the build of its day, and never written over (CONTRIBUTING, "Saved formats").
   */
  void save(String workflowId, Path file) throws Exception {
    save(workflowId, 0, file);
  }

  /** Writes the history of the {@code execution}-th execution (from 0) of a chain, once. */
  void save(String workflowId, int execution, Path file) throws Exception {
    if (!Boolean.getBoolean("kimisdk.temporal.writeGolden") || Files.exists(file)) {
      return;
    }
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, chain(workflowId).get(execution).toJson(true) + "\n", StandardCharsets.UTF_8);
  }

  /** Replays every history the test made, then closes the environment. */
  void close() throws Exception {
    try {
      for (String id : ids) {
        for (WorkflowExecutionHistory h : chain(id)) {
          worker.replayWorkflowExecution(h); // throws on a nondeterminism
        }
      }
      assertThat(ids).isNotEmpty();
    } finally {
      env.close();
    }
  }
}
