package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hooks and approvals in one chain, allowances, edits, answers, and a turn's other calls. */
@ExtendWith(FakeKimiExtension.class)
class AgentGatesHttpTest {
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();
  final List<String> notified = new ArrayList<>();

  AgentTool notifyTool() {
    return BankTools.notifier(
        (a, ctx) -> {
          synchronized (notified) {
            notified.add(a.get("to").asString());
          }
          return "told " + a.get("to").asString();
        });
  }

  Agent.Builder agent(KimiClient kimi, AgentTool transfer) {
    return Agent.builder(kimi, "kimi-k3")
        .key(TestKeys.KEY)
        .store(RunStore.inMemory())
        .tool(transfer)
        .tool(notifyTool())
        .listener(Recorded.into(events));
  }

  static String lastToolContent(FakeKimiServer server) {
    String body = server.requests().get(server.requestCount() - 1).bodyText();
    return body;
  }

  @Test
  void aHookDeniesACallAndTheModelReadsWhy(FakeKimiServer server, KimiClient kimi) {
    Agent agent =
        agent(kimi, bank.tool())
            .hook(
                c ->
                    c.arguments().contains("acct-7")
                        ? Verdict.deny("acct-7 is frozen")
                        : Verdict.allow())
            .build();

    RunResult r = agent.run("r1", List.of(Message.user("transfer to=acct-7 amount=5")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero();
    assertThat(lastToolContent(server)).contains("denied: acct-7 is frozen");
    assertThat(events).anyMatch(e -> e instanceof RunEvent.Denied d && d.by().equals("hook"));
  }

  @Test
  void aHookRewritesTheArgumentsTheApprovalAndTheToolSee(FakeKimiServer server, KimiClient kimi) {
    Agent agent =
        agent(
                kimi,
                bank.tool()
                    .approval(
                        Approval.policy(
                            "small-v1",
                            a ->
                                a.get("amount").asLong() <= 50
                                    ? Verdict.allow()
                                    : Verdict.ask("large"))))
            .hook(c -> Verdict.rewrite(c.arguments().replace("\"amount\":500", "\"amount\":50")))
            .build();

    RunResult r = agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=500")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).singleElement().extracting(Bank.Transfer::amount).isEqualTo(50L);
  }

  @Test
  void aPolicyAllowsDeniesOrAsksByTheArguments(FakeKimiServer server, KimiClient kimi) {
    Approval limits =
        Approval.policy(
            "limits-v1",
            a -> {
              long n = a.get("amount").asLong();
              return n <= 100
                  ? Verdict.allow()
                  : n > 10_000 ? Verdict.deny("over the daily limit") : Verdict.ask("over 100");
            });
    Agent agent = agent(kimi, bank.tool().approval(limits)).build();

    assertThat(agent.run("small", List.of(Message.user("transfer to=a1 amount=20"))))
        .isInstanceOf(RunResult.Answered.class);
    assertThat(agent.run("huge", List.of(Message.user("transfer to=a1 amount=20000"))))
        .isInstanceOf(RunResult.Answered.class);
    RunResult mid = agent.run("mid", List.of(Message.user("transfer to=a1 amount=500")));

    assertThat(bank.transfers()).extracting(Bank.Transfer::amount).containsExactly(20L);
    assertThat(mid).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) mid).pending().get(0).reason()).isEqualTo("over 100");
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof RunEvent.Denied d
                    && d.by().equals("policy")
                    && d.reason().equals("over the daily limit"));
  }

  @Test
  void theTurnsOtherCallsRunWhileOneWaitsAndTheModelWaitsForAll(
      FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();

    RunResult r =
        agent.run("r1", List.of(Message.user("transfer to=acct-2 amount=9 and notify to=acct-2")));

    assertThat(r).isInstanceOf(RunResult.Paused.class);
    assertThat(notified).containsExactly("acct-2"); // ran
    assertThat(bank.requests()).isZero(); // waits
    assertThat(server.requestCount()).isEqualTo(1); // the model is not called with half a turn
    RunResult done =
        agent.resume(
            ((RunResult.Paused) r).state(),
            List.of(Decision.approve(((RunResult.Paused) r).pending().get(0))));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(notified).containsExactly("acct-2"); // not run again
    assertThat(bank.requests()).isEqualTo(1);
  }

  @Test
  void anAllowanceForAnotherToolThanTheCallsIsRefusedAndNothingRuns(
      FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    RunResult.Paused r =
        (RunResult.Paused) agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=1")));
    PendingCall call = r.pending().get(0);
    Decision other = Decision.approveAndAllow(call, Allowance.tool("notify"));

    // the state says so before the run is resumed, as a service taking decisions checks
    assertThat(r.state().refusal(other))
        .hasValue(
            "an approval allows the call's own tool (transfer) for the rest of the run, not"
                + " notify");
    assertThat(r.state().refusal(Decision.approveAndAllow(call, Allowance.tool("transfer"))))
        .isEmpty();
    assertThat(
            r.state()
                .refusal(Decision.approve(Decision.Target.of("r1:9:0", call.argumentsSha256()))))
        .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("no call r1:9:0 waits in run r1 (waiting: [" + call.id() + "])");
    // and resume refuses it the same way
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> agent.resume(r.state(), List.of(other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "an approval allows the call's own tool (transfer) for the rest of the run, not"
                + " notify; nothing ran");
    assertThat(bank.requests()).isZero();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anAllowanceCoversTheToolForTheRestOfTheRun(FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    RunResult r =
        agent.run(
            "r1",
            List.of(
                Message.user(
                    "transfer to=acct-1 amount=1 then transfer to=acct-1 amount=2 then transfer"
                        + " to=acct-9 amount=3")));
    PendingCall first = ((RunResult.Paused) r).pending().get(0);

    RunResult next =
        agent.resume(
            ((RunResult.Paused) r).state(),
            List.of(
                Decision.approveAndAllow(
                    first,
                    Allowance.matching("transfer", JsonObject.of("to", JsonString.of("acct-1"))))));

    // the second transfer to acct-1 ran without asking; the one to acct-9 asks
    assertThat(next).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) next).pending().get(0).arguments()).contains("acct-9");
    assertThat(bank.transfers()).extracting(Bank.Transfer::amount).containsExactly(1L, 2L);
    assertThat(events)
        .anyMatch(e -> e instanceof RunEvent.Approved a && a.how().equals("allowance"));
    // allowed saved with the run, bound to the policy
    assertThat(((RunResult.Paused) next).state().toJson())
        .contains("\"allowances\"")
        .contains("acct-1");
  }

  @Test
  void anApproverEditsTheArgumentsAndTheModelIsToldSo(FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    RunResult.Paused p =
        (RunResult.Paused) agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=900")));

    agent.resume(
        p.state(),
        List.of(Decision.approveEdited(p.pending().get(0), "{\"to\":\"acct-1\",\"amount\":90}")));

    assertThat(bank.transfers()).extracting(Bank.Transfer::amount).containsExactly(90L);
    assertThat(lastToolContent(server)).contains("a person changed the arguments of this call to");
  }

  @Test
  void aPersonMayGiveTheResultInsteadOfRunningTheCall(FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    RunResult.Paused p =
        (RunResult.Paused) agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=9")));

    RunResult r =
        agent.resume(p.state(), List.of(Decision.answer(p.pending().get(0), "done by hand")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero();
    assertThat(lastToolContent(server)).contains("done by hand");
  }

  @Test
  void aCallBegunButNotFinishedIsHandedBackInDoubtUnlessItsToolIsIdempotent(
      FakeKimiServer server, KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    // the result's write fails after the transfer ran: as a crash between the two would leave it
    Agent failing =
        agent(kimi, bank.tool())
            .key(TestKeys.KEY)
            .store(new FailingStore(store, "call/", 1))
            .build();
    RunResult crashed = failing.run("r1", List.of(Message.user("transfer to=acct-1 amount=7")));
    assertThat(crashed).isInstanceOf(RunResult.Failed.class);
    assertThat(bank.requests()).isEqualTo(1);

    Agent plain = agent(kimi, bank.tool()).key(TestKeys.KEY).store(store).build();
    RunResult doubt = plain.resume(plain.load("r1").orElseThrow(), List.of());
    assertThat(doubt).isInstanceOf(RunResult.Paused.class);
    PendingCall c = ((RunResult.Paused) doubt).pending().get(0);
    assertThat(c.kind()).isEqualTo(PendingCall.Kind.IN_DOUBT);
    assertThat(c.idempotencyKey()).isEqualTo(bank.transfers().get(0).key());
    assertThat(bank.requests()).isEqualTo(1); // never run again silently
    assertThat(events).anyMatch(e -> e instanceof RunEvent.InDoubt);

    // a person runs it again: with the same key, so the bank does it once
    RunResult done = plain.resume(((RunResult.Paused) doubt).state(), List.of(Decision.approve(c)));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isEqualTo(2);
    assertThat(bank.transfers()).hasSize(1);
  }

  @Test
  void anIdempotentToolFoundBegunRunsAgainWithTheSameKey(FakeKimiServer server, KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Agent failing =
        agent(kimi, bank.tool().asIdempotent())
            .key(TestKeys.KEY)
            .store(new FailingStore(store, "call/", 1))
            .build();
    failing.run("r1", List.of(Message.user("transfer to=acct-1 amount=7")));

    Agent agent = agent(kimi, bank.tool().asIdempotent()).key(TestKeys.KEY).store(store).build();
    RunResult r = agent.resume(agent.load("r1").orElseThrow(), List.of());

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isEqualTo(2);
    assertThat(bank.transfers()).hasSize(1);
    assertThat(events).anyMatch(e -> e instanceof RunEvent.ToolStarted s && s.rerun());
  }

  @Test
  void theStepLimitStopsARunAcrossResumes(FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool()).maxSteps(2).build();
    RunResult r =
        agent.run(
            "r1",
            List.of(
                Message.user(
                    "transfer to=a amount=1 then transfer to=b amount=2 then notify to=c")));

    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.STEPS);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(agent.resume(agent.load("r1").orElseThrow(), List.of()))
        .isInstanceOf(RunResult.Stopped.class);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void theSavedRunHoldsNoKey(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    String key = "sk-a-secret-key-0123456789";
    server.requireApiKey(key);
    KimiClient kimi = clients.builder().apiKey(key).build();
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    RunResult.Paused p =
        (RunResult.Paused) agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=9")));

    assertThat(p.state().toJson()).doesNotContain(key).doesNotContain("0123456789");
    assertThat(p.state().toString()).doesNotContain(key);
    for (RunEvent e : events) {
      assertThat(e.toString()).doesNotContain(key);
    }
  }

  @Test
  void aStartedRunIdIsRefusedSoItIsResumedInstead(FakeKimiServer server, KimiClient kimi) {
    Agent agent = agent(kimi, bank.tool().approval(Approval.always())).build();
    agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=9")));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> agent.run("r1", List.of(Message.user("again"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resume it");
    // and the claim was released: the run resumes at once
    assertThat(agent.resume(agent.load("r1").orElseThrow(), List.of()))
        .isInstanceOf(RunResult.Paused.class);
  }

  @Test
  void withoutAStoreARunLivesInMemoryAndWritesNoFile(FakeKimiServer server, KimiClient kimi)
      throws Exception {
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
    java.util.Set<java.nio.file.Path> before;
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(cwd)) {
      before = s.collect(java.util.stream.Collectors.toSet());
    }
    server.enqueue(FakeResponse.reply("hello"));
    Agent agent = Agent.builder(kimi, "kimi-k3").build();
    assertThat(agent.store()).isEmpty();
    RunResult r = agent.run(List.of(Message.user("hi")));
    assertThat(r.text()).isEqualTo("hello");
    assertThat(agent.load(r.runId())).isEmpty();
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(cwd)) {
      assertThat(s.collect(java.util.stream.Collectors.toSet())).isEqualTo(before);
    }
  }
}
