package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer scenario of issue 91, against the fake on loopback (kimi-k3: thinking on every step,
 * every request judged by Kimi's rules): a transfer that needs approval pauses the run; a second
 * agent, as a second program builds it, loads the saved run and decides. Its store is kept without
 * a key ({@link Agent.Builder#unsealed()}): what the binding of a decision to the arguments' digest
 * does alone, as docs/agents.md says; a sealed store is {@link AgentBindingHttpTest}'s.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentTransferHttpTest {
  static final String TASK = "Please transfer to=acct-7 amount=100";

  @TempDir Path dir;
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  Agent agent(KimiClient kimi, AgentTool transfer) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(transfer)
        .unsealed()
        .store(FileRunStore.of(dir))
        .listener(Recorded.into(events))
        .build();
  }

  Agent agent(KimiClient kimi) {
    return agent(kimi, bank.tool().approval(Approval.always()));
  }

  RunResult.Paused startPaused(KimiClient kimi) {
    RunResult r = agent(kimi).run("run-1", List.of(Message.user(TASK)));
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    return (RunResult.Paused) r;
  }

  @Test
  void aTransferThatNeedsApprovalPausesTheRunBeforeItRuns(FakeKimiServer server, KimiClient kimi) {
    RunResult.Paused paused = startPaused(kimi);

    assertThat(bank.transfers()).isEmpty();
    assertThat(paused.pending()).hasSize(1);
    PendingCall p = paused.pending().get(0);
    assertThat(p.kind()).isEqualTo(PendingCall.Kind.APPROVAL);
    assertThat(p.tool()).isEqualTo("transfer");
    assertThat(p.arguments()).contains("\"amount\":100").contains("acct-7");
    assertThat(p.policy()).isEqualTo("always");
    assertThat(paused.reasoning()).isNotBlank(); // the reasoning the model gave with the call
    assertThat(server.requestCount()).isEqualTo(1); // the model is not called again
    assertThat(paused.state().status()).isEqualTo(RunState.Status.PAUSED);
    assertThat(events).anyMatch(e -> e instanceof RunEvent.Paused);
  }

  @Test
  void aSecondProgramLoadsTheSavedRunApprovesAndTheTransferRunsOnce(
      FakeKimiServer server, KimiClient kimi) {
    startPaused(kimi);

    // the second program: a new agent on the same store, the run read from it
    Agent second = agent(kimi);
    RunState saved = second.load("run-1").orElseThrow();
    assertThat(saved.pending()).hasSize(1);
    RunResult r = second.resume(saved, List.of(Decision.approve(saved.pending().get(0))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(((RunResult.Answered) r).text()).contains("transferred 100 to acct-7");
    assertThat(bank.transfers()).hasSize(1);
    assertThat(bank.requests()).isEqualTo(1);
    // resumed once more: answered, nothing runs again
    RunResult again = second.resume(second.load("run-1").orElseThrow(), List.of());
    assertThat(again).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isEqualTo(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aRejectedTransferDoesNotRunAndTheModelReadsWhy(FakeKimiServer server, KimiClient kimi) {
    RunResult.Paused paused = startPaused(kimi);

    RunResult r =
        agent(kimi)
            .resume(
                paused.state(),
                List.of(Decision.reject(paused.pending().get(0), "acct-7 is closed")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero();
    List<RecordedRequest> requests = server.requests();
    String second = requests.get(requests.size() - 1).bodyText();
    assertThat(second).contains("rejected by a person: acct-7 is closed");
    assertThat(((RunResult.Answered) r).text()).contains("acct-7 is closed");
    assertThat(events).anyMatch(e -> e instanceof RunEvent.Denied d && d.by().equals("person"));
  }

  @Test
  void aSavedStateEditedToAnotherAmountIsNotRunWithoutANewApproval(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    RunResult.Paused paused = startPaused(kimi);
    PendingCall asked = paused.pending().get(0);
    // someone edits the saved run: the call and the list of pending calls alike
    Path file = dir.resolve("run-1").resolve("state.rec");
    String json = Files.readString(file, StandardCharsets.UTF_8);
    String edited = json.replace("\\\"amount\\\":100", "\\\"amount\\\":999999");
    assertThat(edited).isNotEqualTo(json);
    Files.writeString(file, edited, StandardCharsets.UTF_8);

    Agent second = agent(kimi);
    RunResult r =
        second.resume(second.load("run-1").orElseThrow(), List.of(Decision.approve(asked)));

    assertThat(bank.requests()).isZero();
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    PendingCall again = ((RunResult.Paused) r).pending().get(0);
    assertThat(again.arguments()).contains("999999");
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof RunEvent.AskedAgain a
                    && a.why().equals("the arguments changed since the decision was made"));
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anApprovalRecordedBeforeACrashDoesNotCoverArgumentsEditedSince(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    RunResult.Paused paused = startPaused(kimi);
    // the approving worker records the decision, then its store fails before the call begins
    RunStore failing = new FailingStore(FileRunStore.of(dir), "call/", 0);
    Agent crashing =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(bank.tool().approval(Approval.always()))
            .unsealed()
            .store(failing)
            .build();
    RunResult failed =
        crashing.resume(paused.state(), List.of(Decision.approve(paused.pending().get(0))));
    assertThat(failed).isInstanceOf(RunResult.Failed.class);
    assertThat(bank.requests()).isZero();
    Path file = dir.resolve("run-1").resolve("state.rec");
    String json = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(json).contains("\"decision\": \"approve\"");
    Files.writeString(
        file, json.replace("\\\"amount\\\":100", "\\\"amount\\\":5000"), StandardCharsets.UTF_8);

    Agent second = agent(kimi);
    RunResult r = second.resume(second.load("run-1").orElseThrow(), List.of());

    assertThat(bank.requests()).isZero();
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) r).pending().get(0).arguments()).contains("5000");
  }

  @Test
  void aChangedPolicyAsksAgain(FakeKimiServer server, KimiClient kimi) {
    RunResult.Paused paused = startPaused(kimi);
    Agent stricter =
        agent(
            kimi,
            bank.tool()
                .approval(Approval.policy("transfers-v2", args -> Verdict.ask("every transfer"))));

    RunResult r =
        stricter.resume(paused.state(), List.of(Decision.approve(paused.pending().get(0))));

    assertThat(r).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) r).pending().get(0).policy()).isEqualTo("transfers-v2");
    assertThat(bank.requests()).isZero();
  }

  @Test
  void twoProgramsResumingAtOnceMakeOneTransferAndTheOtherIsToldItIsTaken(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    RunResult.Paused paused = startPaused(kimi);
    CountDownLatch inTheTool = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    AgentTool slow =
        AgentTool.of(
                (io.github.kimisdk.tool.FunctionTool) bank.tool().tool(),
                (args, ctx) -> {
                  inTheTool.countDown();
                  letGo.await(30, TimeUnit.SECONDS);
                  return bank.transfer(
                      args.get("to").asString(), args.get("amount").asLong(), ctx.idempotencyKey());
                })
            .approval(Approval.always());
    java.util.function.Function<String, Agent> worker =
        owner ->
            Agent.builder(kimi, "kimi-k3")
                .name("payments", "1")
                .tool(slow)
                .unsealed()
                .store(FileRunStore.of(dir))
                .owner(owner)
                .build();
    Agent first = worker.apply("worker-a");
    Agent second = worker.apply("worker-b");
    List<Decision> approve = List.of(Decision.approve(paused.pending().get(0)));

    Thread a = new Thread(() -> first.resume(paused.state(), approve));
    a.start();
    assertThat(inTheTool.await(30, TimeUnit.SECONDS)).isTrue();
    RunResult other = second.resume(paused.state(), approve);
    letGo.countDown();
    a.join(30_000);

    assertThat(other).isInstanceOf(RunResult.Taken.class);
    RunResult.Taken taken = (RunResult.Taken) other;
    assertThat(taken.holder()).isEqualTo("worker-a");
    assertThat(taken.until()).isAfter(Instant.now());
    assertThat(bank.requests()).isEqualTo(1);
    assertThat(first.load("run-1").orElseThrow().status()).isEqualTo(RunState.Status.ANSWERED);
  }
}
