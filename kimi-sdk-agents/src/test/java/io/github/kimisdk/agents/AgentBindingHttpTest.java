package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What binds a decision to what it decides, against the fake on loopback: a store sealed under the
 * application's key refuses any edit (the amount and every digest beside it), a decision travels as
 * a token signed with that key and takes effect once, and the keys a run hands its tools are its
 * own run instance's.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentBindingHttpTest {
  static final String TASK = "Please transfer to=acct-7 amount=100";
  static final RunKey KEY =
      RunKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @TempDir Path dir;
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  Agent agent(KimiClient kimi, RunStore store, RunKey key) {
    Agent.Builder b =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(bank.tool().approval(Approval.always()).asIdempotent())
            .store(store)
            .listener(Recorded.into(events));
    return (key == null ? b.unsealed() : b.key(key)).build();
  }

  RunResult.Paused paused(Agent agent, String runId) {
    RunResult r = agent.run(runId, List.of(Message.user(TASK)));
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    return (RunResult.Paused) r;
  }

  /** Edits a saved run's amount and every digest of it, as someone with the store's files could. */
  static void editAmountAndDigests(Path state) throws Exception {
    String json = Files.readString(state, StandardCharsets.UTF_8);
    String before = "{\"to\":\"acct-7\",\"amount\":100}";
    String after = "{\"to\":\"acct-7\",\"amount\":5000}";
    String edited =
        json.replace("\\\"amount\\\":100", "\\\"amount\\\":5000")
            .replace(Ids.sha256(before), Ids.sha256(after));
    assertThat(edited).isNotEqualTo(json);
    Files.writeString(state, edited, StandardCharsets.UTF_8);
  }

  /**
   * Pauses run-1 in the directory's store under {@code key}, edits its amount and digests, and
   * returns a second agent on the same store and key.
   */
  Agent pausedAndEdited(KimiClient kimi, RunKey key) throws Exception {
    paused(agent(kimi, FileRunStore.of(dir), key), "run-1");
    editAmountAndDigests(dir.resolve("run-1").resolve("state.rec"));
    return agent(kimi, FileRunStore.of(dir), key);
  }

  @Test
  void withTheKeyAnEditOfTheAmountAndItsDigestIsFoundAndNothingIsPaid(KimiClient kimi)
      throws Exception {
    Agent second = pausedAndEdited(kimi, KEY);
    assertThatThrownBy(() -> second.load("run-1"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("the store was edited");
    assertThatThrownBy(() -> second.resume("run-1", List.of()))
        .isInstanceOf(RunTamperedException.class);
    assertThat(bank.requests()).isZero();
  }

  @Test
  void withoutTheKeyTheSameEditIsTakenForTheRunAsItIsWhichTheDocsSay(KimiClient kimi)
      throws Exception {
    Agent second = pausedAndEdited(kimi, null);
    RunState saved = second.load("run-1").orElseThrow();
    // a person shown this state sees the amount as edited: approving it approves what they saw
    assertThat(saved.pending().get(0).arguments()).contains("5000");
    assertThat(saved.pending().get(0).argumentsSha256())
        .isEqualTo(Ids.sha256(saved.pending().get(0).arguments()));
  }

  @Test
  void aStateRemovedOfItsMacOrSavedUnderAnotherKeyIsRefused(KimiClient kimi) throws Exception {
    paused(agent(kimi, FileRunStore.of(dir), KEY), "run-1");
    Path state = dir.resolve("run-1").resolve("state.rec");
    String json = Files.readString(state, StandardCharsets.UTF_8);
    Files.writeString(state, json.replaceAll(",\\s*\"mac\"\\s*:\\s*\"[^\"]*\"", ""));
    assertThatThrownBy(() -> agent(kimi, FileRunStore.of(dir), KEY).load("run-1"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("carries no MAC");

    RunKey other = RunKey.of(new byte[32]);
    paused(agent(kimi, FileRunStore.of(dir.resolve("other")), KEY), "run-2");
    assertThatThrownBy(
            () -> agent(kimi, FileRunStore.of(dir.resolve("other")), other).load("run-2"))
        .isInstanceOf(RunTamperedException.class);
    // the old key still accepted while the new one signs: a rotation
    assertThat(
            agent(kimi, FileRunStore.of(dir.resolve("other")), RunKey.rotating(other, KEY))
                .load("run-2"))
        .isPresent();
  }

  @Test
  void anEditedCallRecordIsRefusedRatherThanRunWithOtherArguments(KimiClient kimi)
      throws Exception {
    RunStore store = FileRunStore.of(dir);
    RunResult.Paused p = paused(agent(kimi, store, KEY), "run-1");
    agent(kimi, store, KEY).resume(p.state(), List.of(Decision.approve(p.pending().get(0))));
    Path record = dir.resolve("run-1").resolve("call_000001_0000.rec");
    String json = Files.readString(record, StandardCharsets.UTF_8);
    Files.writeString(record, json.replace("\"phase\":\"done\"", "\"phase\":\"begun\""));

    // a record edited to look begun would run the transfer again: refused instead
    RunStore raw = FileRunStore.of(dir);
    String what = "the record call/000001/0000 of run run-1";
    assertThatThrownBy(
            () ->
                Seal.open(
                    KEY,
                    Seal.recordScope("run-1", "call/000001/0000"),
                    Seal.parse(raw.get("run-1", "call/000001/0000"), what),
                    what))
        .isInstanceOf(RunTamperedException.class);
    assertThat(bank.requests()).isEqualTo(1);
  }

  @Test
  void aRunInMemoryWithAKeyRefusesItsStateEditedOnItsWayBack(KimiClient kimi) {
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(bank.tool().approval(Approval.always()))
            .key(KEY)
            .build();
    RunResult.Paused p = (RunResult.Paused) agent.run(List.of(Message.user(TASK)));
    String json = p.state().toJson();
    assertThat(json).contains("\"mac\"");
    RunState edited = RunState.fromJson(json.replace("\\\"amount\\\":100", "\\\"amount\\\":5000"));

    assertThatThrownBy(
            () -> agent.resume(edited, List.of(Decision.approve(edited.pending().get(0)))))
        .isInstanceOf(RunTamperedException.class);
    assertThat(bank.requests()).isZero();
    // as it was sent, it goes on
    RunState back = RunState.fromJson(json);
    RunResult done = agent.resume(back, List.of(Decision.approve(back.pending().get(0))));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers())
        .singleElement()
        .satisfies(t -> assertThat(t.amount()).isEqualTo(100));
  }

  @Test
  void aSignedTokenApprovesItsCallOnceAndIsRefusedTheSecondTime(KimiClient kimi) {
    Agent agent = agent(kimi, FileRunStore.of(dir), KEY);
    PendingCall call = paused(agent, "run-1").pending().get(0);
    String token = agent.token(call);
    assertThat(token).doesNotContain("acct-7"); // nothing of the call in clear beyond its binding

    // another process: only the token travels
    Agent approver = agent(kimi, FileRunStore.of(dir), KEY);
    RunResult r =
        approver.resume(
            "run-1",
            List.of(Decision.approve(Decision.Target.fromToken(token)).by("alice", "checked")));
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof RunEvent.Approved a
                    && a.approvals().size() == 1
                    && a.approvals().get(0).name().equals("alice")
                    && "checked".equals(a.approvals().get(0).comment()));

    // the same link opened again: told it was decided, and by whom; nothing runs
    RunResult again =
        approver.resume("run-1", List.of(Decision.approve(Decision.Target.fromToken(token))));
    assertThat(again).isInstanceOf(RunResult.AlreadyDecided.class);
    RunResult.AlreadyDecided lost = (RunResult.AlreadyDecided) again;
    assertThat(lost.sameToken()).isTrue();
    assertThat(lost.callId()).isEqualTo(call.id());
    assertThat(lost.decision().by()).isEqualTo("alice");
    assertThat(lost.decision().action()).isEqualTo(DecisionRecord.Action.APPROVE);
    assertThat(bank.requests()).isEqualTo(1);
  }

  @Test
  void aForgedTokenOrOneForAnotherRunIsRefusedBeforeAnythingIsClaimed(KimiClient kimi) {
    Agent agent = agent(kimi, FileRunStore.of(dir), KEY);
    PendingCall call = paused(agent, "run-1").pending().get(0);
    String token = agent.token(call);
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace(call.argumentsSha256(), Ids.sha256("{\"to\":\"acct-9\",\"amount\":100000}"));
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    assertThatThrownBy(
            () ->
                agent.resume("run-1", List.of(Decision.approve(Decision.Target.fromToken(forged)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not signed by this agent's key");
    Agent otherKey = agent(kimi, FileRunStore.of(dir), RunKey.of(new byte[32]));
    assertThatThrownBy(
            () ->
                otherKey.resume(
                    "run-1", List.of(Decision.approve(Decision.Target.fromToken(token)))))
        .isInstanceOf(IllegalArgumentException.class);
    paused(agent, "run-2");
    assertThatThrownBy(
            () ->
                agent.resume("run-2", List.of(Decision.approve(Decision.Target.fromToken(token)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not wait");
    assertThatThrownBy(() -> Decision.Target.fromToken("kdt1.e30.x".repeat(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("kdt1.e30");
    assertThat(bank.requests()).isZero();
    // nothing was claimed: the run resumes at once
    assertThat(agent.resume("run-1", List.of())).isInstanceOf(RunResult.Paused.class);
  }

  @Test
  void aTokenOfARunStartedAgainUnderTheSameIdIsRefused(KimiClient kimi) throws Exception {
    Path first = dir.resolve("first");
    Agent agent = agent(kimi, FileRunStore.of(first), KEY);
    String token = agent.token(paused(agent, "run-1").pending().get(0));
    // the run deleted, and started again under the same id
    try (var files = Files.walk(first.resolve("run-1"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    paused(agent, "run-1");

    assertThatThrownBy(
            () ->
                agent.resume("run-1", List.of(Decision.approve(Decision.Target.fromToken(token)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("earlier run under the same id");
    assertThat(bank.requests()).isZero();
  }

  @Test
  void twoRunsUnderOneIdHandTheirToolsDifferentKeysAndBothTransfersAreMade(
      FakeKimiServer server, KimiClient kimi) {
    Agent one = agent(kimi, FileRunStore.of(dir.resolve("a")), null);
    Agent two = agent(kimi, FileRunStore.of(dir.resolve("b")), null);
    PendingCall a = paused(one, "invoice-42").pending().get(0);
    PendingCall b = paused(two, "invoice-42").pending().get(0);

    assertThat(a.idempotencyKey()).isNotEqualTo(b.idempotencyKey());
    one.resume("invoice-42", List.of(Decision.approve(a)));
    two.resume("invoice-42", List.of(Decision.approve(b)));
    // both made, each under the key its run's paused call showed: keys never change across resumes
    assertThat(bank.transfers())
        .extracting(Bank.Transfer::key)
        .containsExactly(a.idempotencyKey(), b.idempotencyKey());
  }

  @Test
  void aDecisionByIdAndDigestAsAPageCarriesItBackApprovesTheCallItNames(KimiClient kimi) {
    Agent agent = agent(kimi, FileRunStore.of(dir), null);
    PendingCall call = paused(agent, "run-1").pending().get(0);
    assertThat(call.id()).isEqualTo("run-1:1:0");

    // a wrong digest is set aside and the call asks again
    RunResult r =
        agent.resume(
            "run-1", List.of(Decision.approve(Decision.Target.of(call.id(), Ids.sha256("{}")))));
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    assertThat(events).anyMatch(e -> e instanceof RunEvent.AskedAgain);
    assertThat(bank.requests()).isZero();

    RunResult done =
        agent.resume(
            "run-1",
            List.of(
                Decision.approve(Decision.Target.of(call.id(), call.argumentsSha256()))
                    .by("bob", null)));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
  }
}
