package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.model.ModelCatalog;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden history (src/test/resources/histories, written once by an earlier build) replays on
 * the workflow of today without a nondeterminism error: a run that a worker of that build left
 * running goes on under this one.
 */
class GoldenHistoriesTest {
  static final Path DIR = Path.of("src/test/resources/histories");

  static List<Path> histories() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** The agents each golden history was recorded with (its file's README lists them). */
  static KimiAgents agents(String file, KimiClient kimi) {
    if (file.startsWith("child-workflow")) {
      return ChildWorkflowsHttpTest.lead(
          kimi, ChildWorkflowsHttpTest.BUDGET, ChildWorkflowsHttpTest.ping());
    }
    if (file.startsWith("settings")) {
      return KimiAgents.builder()
          .agent(
              "payments",
              RunSettingsHttpTest.payments(kimi, new Bank(), new java.util.ArrayList<>()))
          .build();
    }
    if (file.startsWith("bound-before-step") || file.startsWith("continued")) {
      return KimiAgents.builder()
          .agent(
              "pinger",
              LongRunHttpTest.pinger(kimi, 12),
              AgentOptions.defaults().continueAsNewAfter(100, 4L << 20))
          .build();
    }
    if (file.startsWith("subagents")) {
      return KimiAgents.builder().agent("lead", SubagentsHttpTest.lead(kimi)).build();
    }
    if (file.startsWith("compacted")) {
      return FeeRunHttpTest.shortRun(kimi);
    }
    Approval approval =
        file.startsWith("answered") || file.startsWith("local-tool")
            ? Approval.never()
            : Approval.always();
    Agent payments =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(new Bank().tool().approval(approval).asIdempotent())
            .tool(BankTools.notifier())
            .build();
    AgentOptions options =
        file.startsWith("local-tool")
            ? AgentOptions.defaults().localTools("notify")
            : AgentOptions.defaults();
    return KimiAgents.builder().agent("payments", payments, options).build();
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysOnTodaysWorkflow(Path file) throws Exception {
    String name = file.getFileName().toString();
    // a history's file holds its events, not its workflow's id: a workflow whose commands name it
    // (a child workflow's id is its parent's and .STEP.POSITION) replays under the id it ran with
    String json = Files.readString(file, StandardCharsets.UTF_8);
    WorkflowExecutionHistory history =
        name.startsWith("child-workflows")
            ? WorkflowExecutionHistory.fromJson(json, "team-c")
            : WorkflowExecutionHistory.fromJson(json);
    // the replay makes no call: the client points nowhere
    // (the long runs' model has a 6,000- or 4,096-token window, as the run it recorded had)
    ModelCatalog catalog =
        name.startsWith("continued") || name.startsWith("bound-before-step")
            ? ModelCatalog.defaults().with(LongRunHttpTest.SMALL_K3)
            : name.startsWith("compacted")
                ? FeeRunHttpTest.SHORT_RUN_CATALOG
                : ModelCatalog.defaults();
    try (KimiClient kimi =
            KimiClient.builder()
                .apiKey("sk-replay")
                .baseUrl("http://127.0.0.1:9")
                .catalog(catalog)
                .build();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = replayWorker(env);
      agents(name, kimi).register(worker);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
    assertThat(history.getEvents()).hasSizeGreaterThan(10);
  }

  /**
   * A worker on the task queue {@code replay} whose workflow task may take a minute: a cold JVM
   * loads the loop's classes in the first workflow task, more than the default second.
   */
  static Worker replayWorker(TestWorkflowEnvironment env) {
    return env.newWorker(
        "replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
  }

  @Test
  void aHistoryReplayedOnAnotherWorkflowIsRefused() throws Exception {
    // answered-v1 ran without an approval; replayed on an agent whose transfer asks for one, the
    // workflow would pause where the history went on: the replayer must say so
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(
            Files.readString(DIR.resolve("answered-v1.json"), StandardCharsets.UTF_8));
    try (KimiClient kimi =
            KimiClient.builder().apiKey("sk-replay").baseUrl("http://127.0.0.1:9").build();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = replayWorker(env);
      agents("approved-v1.json", kimi).register(worker);
      assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(history, worker))
          .isInstanceOf(Exception.class);
    }
  }
}
