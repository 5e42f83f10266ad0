package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subagents an engine runs apart ({@link RunHost#runsApart}, {@link RunHost#runApart}): the calling
 * run splits what is left of its limits among the subagents a turn starts, before any of them runs,
 * holds each share, and counts what each used when it ends; four subagents under a budget of N
 * model calls make at most N between them, and a share a limit leaves nothing runs nothing.
 */
@ExtendWith(FakeKimiExtension.class)
class HostedApartHttpTest {
  static final String TASK =
      "ask_a task=ping and ask_b task=ping and ask_c task=ping and ask_d task=ping";

  /** A host that runs each subagent apart as a run of its own, on a host of its own. */
  static final class ApartHost implements RunHost {
    final Agent agent;
    final List<SubagentJob> jobs;
    final List<RunResult> ended;

    ApartHost(Agent agent, List<SubagentJob> jobs, List<RunResult> ended) {
      this.agent = agent;
      this.jobs = jobs;
      this.ended = ended;
    }

    @Override
    public ChatCompletion chat(ChatRequest request) {
      return RunHost.chat(agent, request);
    }

    @Override
    public ToolOutcome runTool(ToolJob job) {
      return RunHost.runTool(agent, job);
    }

    @Override
    public <T> List<T> parallel(List<Supplier<T>> tasks) {
      List<T> out = new ArrayList<>();
      tasks.forEach(t -> out.add(t.get()));
      return out;
    }

    @Override
    public Instant now() {
      return Instant.parse("2026-11-28T09:00:00Z");
    }

    @Override
    public String newInstance() {
      return "0".repeat(32);
    }

    @Override
    public void saved(RunState state) {}

    @Override
    public boolean runsApart(String tool) {
      return true;
    }

    @Override
    public RunResult runApart(SubagentJob job) {
      jobs.add(job);
      Agent sub = RunHost.subagent(agent, job.tool());
      Agent.Builder b = sub.toBuilder();
      if (job.maxSteps() > 0) {
        b.maxSteps(Math.min(job.maxSteps(), sub.limits().maxSteps()));
      }
      Agent limited = b.build();
      RunResult r =
          limited.run(
              new ApartHost(limited, jobs, ended),
              job.runId(),
              List.of(Message.user(job.task())),
              Map.of());
      ended.add(r);
      return r;
    }
  }

  static Agent lead(KimiClient kimi, int maxSteps) {
    return Researchers.lead(kimi, Researchers.ping(), maxSteps).build();
  }

  @Test
  void fourSubagentsApartUnderABudgetOfNModelCallsMakeAtMostNBetweenThem(
      FakeKimiServer server, KimiClient kimi) {
    Agent lead = lead(kimi, 6);
    List<RunHost.SubagentJob> jobs = new ArrayList<>();
    List<RunResult> ended = new ArrayList<>();

    RunResult r =
        lead.run(new ApartHost(lead, jobs, ended), "team-1", List.of(Message.user(TASK)), Map.of());

    // the lead made 1 call; the 5 left split 2, 1, 1, 1 before any subagent ran
    assertThat(jobs).extracting(RunHost.SubagentJob::maxSteps).containsExactly(2, 1, 1, 1);
    assertThat(jobs)
        .extracting(RunHost.SubagentJob::runId)
        .containsExactly("team-1.1.0", "team-1.1.1", "team-1.1.2", "team-1.1.3");
    assertThat(jobs).extracting(RunHost.SubagentJob::task).containsOnly("ping");
    assertThat(server.requestCount()).isLessThanOrEqualTo(6);
    RunState end = r instanceof RunResult.Stopped s ? s.state() : ((RunResult.Answered) r).state();
    assertThat(end.steps() + end.subagentSteps()).isEqualTo(server.requestCount());
    // the subagents with one call were stopped by it: their callers read so
    Researchers.threeOfFourStoppedByTheLimit(end);
    // every call the budget allowed was made: nothing held is left over
    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(server.requestCount()).isEqualTo(6);
  }

  @Test
  void aShareALimitLeavesNothingRunsNothingAndItsCallerReadsTheLimit(
      FakeKimiServer server, KimiClient kimi) {
    Agent lead = lead(kimi, 3); // 1 used, 2 left for 4 subagents: two get one call, two none
    List<RunHost.SubagentJob> jobs = new ArrayList<>();

    RunResult r =
        lead.run(
            new ApartHost(lead, jobs, new ArrayList<>()),
            "team-2",
            List.of(Message.user(TASK)),
            Map.of());

    assertThat(jobs).extracting(RunHost.SubagentJob::maxSteps).containsExactly(1, 1);
    assertThat(server.requestCount()).isEqualTo(3);
    RunState end = ((RunResult.Stopped) r).state();
    assertThat(end.subagentSteps()).isEqualTo(2);
  }

  @Test
  void withRoomForEveryoneEachSubagentRunsApartToItsAnswer(FakeKimiServer server, KimiClient kimi) {
    Agent lead = lead(kimi, 40);
    List<RunHost.SubagentJob> jobs = new ArrayList<>();
    List<RunResult> ended = new ArrayList<>();

    RunResult r =
        lead.run(new ApartHost(lead, jobs, ended), "team-3", List.of(Message.user(TASK)), Map.of());

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(ended).hasSize(4).allMatch(e -> e instanceof RunResult.Answered);
    // the lead's 2 calls and 2 for each subagent, each share the lead's 39 left split four ways
    assertThat(server.requestCount()).isEqualTo(10);
    assertThat(jobs).extracting(RunHost.SubagentJob::maxSteps).containsExactly(10, 10, 10, 9);
    RunState end = ((RunResult.Answered) r).state();
    assertThat(end.steps()).isEqualTo(2);
    assertThat(end.subagentSteps()).isEqualTo(8);
  }
}
