package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Approval;
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

  @ParameterizedTest
  @MethodSource("histories")
  void replaysOnTodaysWorkflow(Path file) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    Approval approval =
        file.getFileName().toString().startsWith("answered") ? Approval.never() : Approval.always();
    // the replay makes no call: the client points nowhere
    try (KimiClient kimi =
            KimiClient.builder().apiKey("sk-replay").baseUrl("http://127.0.0.1:9").build();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name("payments", "1")
              .tool(new Bank().tool().approval(approval).asIdempotent())
              .tool(Bank.notifier())
              .build();
      // a cold JVM loads the loop's classes in the first workflow task: more than the default
      // second
      Worker worker =
          env.newWorker(
              "replay",
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
      KimiAgents.builder().agent("payments", agent).build().register(worker);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
    assertThat(history.getEvents()).hasSizeGreaterThan(10);
  }
}
