package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one loop on a host ({@link RunHost}), as a durable-execution engine runs it: each model and
 * tool call the host's step, the state handed to the host after every save, and a replay (the host
 * answering each step from what it recorded, telling nothing) reaching the same states.
 */
@ExtendWith(FakeKimiExtension.class)
class HostedRunHttpTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  /** A host that records each step's result, or answers each step from a recording. */
  static final class RecordingHost implements RunHost {
    final Agent agent;
    final List<Object> steps;
    final boolean replay;
    final List<RunState> saved = new ArrayList<>();
    int next;
    long ticks;
    int instances;

    RecordingHost(Agent agent, List<Object> steps, boolean replay) {
      this.agent = agent;
      this.steps = steps;
      this.replay = replay;
    }

    @Override
    public ChatCompletion chat(ChatRequest request) {
      return step(() -> RunHost.chat(agent, request));
    }

    @Override
    public ToolOutcome runTool(ToolJob job) {
      return step(() -> RunHost.runTool(agent, job));
    }

    /** The step's recorded outcome when replaying, else its live one, recorded. */
    @SuppressWarnings("unchecked")
    private <T> T step(Supplier<T> live) {
      if (replay) {
        return (T) steps.get(next++);
      }
      T t = live.get();
      steps.add(t);
      return t;
    }

    @Override
    public <T> List<T> parallel(List<Supplier<T>> tasks) {
      List<T> out = new ArrayList<>();
      tasks.forEach(t -> out.add(t.get())); // deterministic: in order
      return out;
    }

    @Override
    public Instant now() {
      return T0.plus(Duration.ofSeconds(ticks++));
    }

    @Override
    public String newInstance() {
      return String.format("%032x", ++instances);
    }

    @Override
    public void saved(RunState state) {
      saved.add(state);
    }

    /** The state handed to the host last. */
    RunState last() {
      return saved.get(saved.size() - 1);
    }

    @Override
    public boolean tells() {
      return !replay;
    }
  }

  Agent agent(KimiClient kimi) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().approval(Approval.always()).asIdempotent())
        .tool(BankTools.notifier())
        .listener(Recorded.into(events))
        .build();
  }

  /** Runs job-1, a transfer to acct-2 and a notice, on {@code host}. */
  static RunResult startJob(Agent agent, RecordingHost host) {
    return agent.run(
        host,
        "job-1",
        List.of(Message.user("transfer to=acct-2 amount=9 and notify to=acct-2")),
        java.util.Map.of());
  }

  @Test
  void aHostedRunPausesIsDecidedAndAnswersEachCallTheHostsStep(
      FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi);
    RecordingHost host = new RecordingHost(agent, new ArrayList<>(), false);

    RunResult r = startJob(agent, host);

    assertThat(r).isInstanceOf(RunResult.Paused.class);
    assertThat(host.saved).isNotEmpty();
    RunState paused = host.last();
    assertThat(paused.status()).isEqualTo(RunState.Status.PAUSED);
    assertThat(paused.createdAt()).isEqualTo(T0);
    assertThat(bank.requests()).isZero();

    RunResult done = agent.resume(host, paused, List.of(Decision.approve(paused.pending().get(0))));

    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).singleElement();
    assertThat(bank.transfers().get(0).key())
        .isEqualTo(Ids.idempotencyKey(String.format("%032x", 1), "job-1", 1, 0));
    RunState answered = ((RunResult.Answered) done).state();
    assertThat(answered.decisionRecords())
        .singleElement()
        .satisfies(d -> assertThat(d.callId()).isEqualTo(paused.pending().get(0).id()));
    // on an engine the engine's loop waits on till the run ends: a decision that comes late for a
    // call decided already is set aside, not answered AlreadyDecided (which would end its loop)
    RunResult late =
        agent.resume(host, answered, List.of(Decision.approve(paused.pending().get(0))));
    assertThat(late).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).singleElement();
    // every model call went through the host: the fake saw as many as the host recorded
    assertThat(host.steps.stream().filter(s -> s instanceof ChatCompletion).count())
        .isEqualTo(server.requestCount());
  }

  @Test
  void aReplayFromTheRecordedStepsReachesTheSameStatesAndTellsNothing(
      FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi);
    List<Object> recorded = new ArrayList<>();
    RecordingHost first = new RecordingHost(agent, recorded, false);
    RunResult.Paused p = (RunResult.Paused) startJob(agent, first);
    RunState paused = first.last();
    agent.resume(first, paused, List.of(Decision.approve(p.pending().get(0))));
    int requests = server.requestCount();
    int told = events.size();
    int transfers = bank.requests();

    RecordingHost replay = new RecordingHost(agent, recorded, true);
    startJob(agent, replay);
    RunState again = replay.last();
    agent.resume(replay, again, List.of(Decision.approve(again.pending().get(0))));

    assertThat(replay.saved)
        .extracting(RunState::toJson)
        .isEqualTo(first.saved.stream().map(RunState::toJson).toList());
    assertThat(server.requestCount()).isEqualTo(requests); // no model call made again
    assertThat(bank.requests()).isEqualTo(transfers); // no tool run again
    assertThat(events).hasSize(told); // nothing told again
  }
}
