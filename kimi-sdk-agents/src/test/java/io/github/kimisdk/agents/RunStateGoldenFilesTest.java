package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs saved by earlier builds load, and go on: the golden files of {@code formats/}. */
@ExtendWith(FakeKimiExtension.class)
class RunStateGoldenFilesTest {

  /** The agent that saved the version 1 payments runs: transfers approved, a notifier. */
  static Agent paymentsOne(KimiClient kimi, Bank bank) {
    return Agent.builder(kimi, "kimi-k3")
        .key(TestKeys.KEY)
        .store(RunStore.inMemory())
        .name("payments", "1")
        .tool(bank.tool().approval(Approval.always()))
        .tool(BankTools.notifier())
        .build();
  }

  /** An agent of K3 named {@code name}, version 1, under the test key on a store in memory. */
  static Agent.Builder sealed(KimiClient kimi, String name) {
    return Agent.builder(kimi, "kimi-k3")
        .name(name, "1")
        .key(TestKeys.KEY)
        .store(RunStore.inMemory());
  }

  /** A tool of one required string argument, {@code argument}, that answers {@code answer}. */
  static AgentTool answering(String name, String description, String argument, String answer) {
    return AgentTool.of(
        name,
        description,
        io.github.kimisdk.tool.JsonSchema.object()
            .required(argument, io.github.kimisdk.tool.JsonSchema.string())
            .build(),
        (a, c) -> answer);
  }

  /**
   * Asserts that {@code r} answered and {@code bank} made one transfer, under {@code p}'s key;
   * returns the answered state.
   */
  static RunState answeredWithOneTransfer(RunResult r, Bank bank, PendingCall p) {
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers())
        .singleElement()
        .satisfies(t -> assertThat(t.key()).isEqualTo(p.idempotencyKey()));
    return ((RunResult.Answered) r).state();
  }

  static String golden(String name) throws IOException {
    try (InputStream in = RunStateGoldenFilesTest.class.getResourceAsStream("/formats/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPausedRunLoadsWithItsMessagesTurnAndPendingCall() throws IOException {
    RunState s = RunState.fromJson(golden("agent-run-v1-paused.json"));

    assertThat(s.id()).isEqualTo("golden-1");
    assertThat(s.status()).isEqualTo(RunState.Status.PAUSED);
    assertThat(s.agent()).isEqualTo("payments@1");
    assertThat(s.tools()).containsExactly("transfer", "notify");
    assertThat(s.model()).isEqualTo("kimi-k3");
    assertThat(s.steps()).isEqualTo(1);
    assertThat(s.newMessageIndex()).isEqualTo(2);
    List<Message> m = s.messages();
    assertThat(m).hasSize(3);
    AssistantMessage reply = (AssistantMessage) m.get(2);
    assertThat(reply.reasoningContent()).isEqualTo("I will call transfer and notify.");
    assertThat(reply.toolCalls()).hasSize(2);
    assertThat(s.pending())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(PendingCall.Kind.APPROVAL);
              assertThat(p.tool()).isEqualTo("transfer");
              assertThat(p.arguments()).isEqualTo("{\"to\":\"acct-1\",\"amount\":100}");
              assertThat(p.policy()).isEqualTo("always");
              assertThat(p.argumentsSha256()).isEqualTo(Ids.sha256(p.arguments()));
              assertThat(p.idempotencyKey()).isEqualTo(Ids.idempotencyKey(null, "golden-1", 1, 0));
            });
    assertThat(s.usageByModel()).containsKey("kimi-k3");
    // what it reads, it writes back the same
    assertThat(RunState.fromJson(s.toJson()).toJson()).isEqualTo(s.toJson());
  }

  @Test
  void everyGoldenFileReadsBackAsItWasWritten() throws IOException {
    for (String name :
        List.of(
            "agent-run-v1-paused.json",
            "agent-run-v1-allowance.json",
            "agent-run-v1-decided.json",
            "agent-run-v1-answered.json",
            "agent-run-v1-compacted.json",
            "agent-run-v2-child-paused.json",
            "agent-run-v2-children-answered.json")) {
      String json = golden(name);
      assertThat(RunState.fromJson(json).toJson()).as(name).isEqualTo(json.strip());
    }
  }

  @Test
  void aSavedPausedRunGoesOnInThisBuild(FakeKimiServer server, KimiClient kimi) throws Exception {
    Bank bank = new Bank();
    Agent agent = paymentsOne(kimi, bank);
    RunState s = RunState.fromJson(golden("agent-run-v1-allowance.json"));

    RunResult r = agent.resume(s, List.of(Decision.reject(s.pending().get(0), "not today")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero();
  }

  @Test
  void aRecordedEditedApprovalLoadsAndRunsTheEditedCall(FakeKimiServer server, KimiClient kimi)
      throws Exception {
    Bank bank = new Bank();
    Agent agent = paymentsOne(kimi, bank);

    RunResult r = agent.resume(RunState.fromJson(golden("agent-run-v1-decided.json")), List.of());

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).extracting(Bank.Transfer::amount).containsExactly(2L);
  }

  @Test
  void aCompactedRunLoadsWithItsSummaryAndGoesOn(FakeKimiServer server, KimiClient kimi)
      throws Exception {
    RunState s = RunState.fromJson(golden("agent-run-v1-compacted.json"));

    List<Message> m = s.messages();
    assertThat(m.get(0)).isInstanceOf(io.github.kimisdk.chat.SystemMessage.class);
    assertThat(((io.github.kimisdk.chat.UserMessage) m.get(1)).text()).startsWith("read_file");
    assertThat(((io.github.kimisdk.chat.UserMessage) m.get(2)).text())
        .startsWith(Compactor.HEADER)
        .contains(Compactor.LEDGER);
    assertThat(s.pending()).singleElement().extracting(PendingCall::tool).isEqualTo("transfer");
    Bank bank = new Bank();
    Agent reader =
        sealed(kimi, "reader")
            .tool(answering("read_file", "Reads a file", "path", "contents"))
            .tool(bank.tool().approval(Approval.always()))
            .build();

    RunResult r = reader.resume(s, List.of(Decision.approve(s.pending().get(0))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).extracting(Bank.Transfer::amount).containsExactly(5L);
  }

  @Test
  void aRunPausedOnASubagentsCallLoadsAndGoesOnInsideTheSubagent(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    RunState s = RunState.fromJson(golden("agent-run-v2-child-paused.json"));
    assertThat(s.status()).isEqualTo(RunState.Status.PAUSED);
    PendingCall p = s.pending().get(0);
    assertThat(p.runId()).isEqualTo("golden-2.1.0");
    assertThat(p.idempotencyKey()).isEqualTo(Ids.idempotencyKey(null, "golden-2.1.0", 1, 0));
    Bank bank = new Bank();
    Agent payer =
        sealed(kimi, "payer")
            .request(b -> b.maxCompletionTokens(2_000))
            .tool(bank.tool().approval(Approval.always()))
            .build();
    Agent notifier =
        sealed(kimi, "notifier")
            .request(b -> b.maxCompletionTokens(2_000))
            .tool(answering("lookup", "Looks up", "query", "noted"))
            .build();
    Agent lead =
        sealed(kimi, "lead")
            .request(b -> b.maxCompletionTokens(2_000))
            .tool(payer.asTool("pay", "Pays an invoice"))
            .tool(notifier.asTool("note", "Notes a payment"))
            .build();

    RunResult r = lead.resume(s, List.of(Decision.approve(p)));

    assertThat(answeredWithOneTransfer(r, bank, p).toJson()).contains("\"child_steps\": 4");
  }

  @Test
  void aRunOfVersionTwoThatHoldsNothingNewIsWrittenAsVersionOne() throws IOException {
    RunState answered = RunState.fromJson(golden("agent-run-v1-answered.json"));

    assertThat(answered.toJson()).contains("\"version\": 1,");
    assertThat(RunState.fromJson(golden("agent-run-v2-children-answered.json")).toJson())
        .contains("\"version\": 2,");
  }

  @Test
  void aNewerVersionIsRefusedNamingBoth() throws IOException {
    String newer = golden("agent-run-v1-paused.json").replace("\"version\": 1,", "\"version\": 5,");

    assertThatThrownBy(() -> RunState.fromJson(newer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 5, newer than this SDK reads (4)");
  }

  @Test
  void whatIsNotASavedRunIsRefusedSayingWhat() {
    assertThatThrownBy(() -> RunState.fromJson("{\"format\":\"kimi-sdk.conversation\"}"))
        .hasMessageContaining("not a saved agent run");
    assertThatThrownBy(() -> RunState.fromJson("[1"))
        .hasMessageContaining("a saved agent run must be JSON");
    assertThatThrownBy(
            () ->
                RunState.fromJson("{\"format\":\"kimi-sdk.agent-run\",\"version\":1,\"id\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"revision\" must be a number");
  }

  @Test
  void aVersionFourRunsDecisionRecordLoadsVerifiedUnderItsKeyAndGrowsOnTheSecondApproval(
      KimiClient kimi) throws IOException {
    String json = golden("agent-run-v4-decision-record.json");
    RunState s = RunState.fromJson(json);
    assertThat(s.decisionRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.sequence()).isEqualTo(1);
              assertThat(r.callId()).isEqualTo("golden-4:1:0");
              assertThat(r.action()).isEqualTo(DecisionRecord.Action.APPROVE);
              assertThat(r.by()).isEqualTo("alice");
              assertThat(r.at()).isEqualTo(java.time.Instant.parse("2026-11-28T12:30:00Z"));
              assertThat(r.comment()).isEqualTo("invoice checked");
              assertThat(r.approvers()).isEqualTo(2);
              assertThat(r.mac()).isNotNull();
            });
    assertThat(s.agentVersion()).isEqualTo("4");
    assertThat(s.agentDigest()).startsWith("83d5c907");
    assertThat(RunState.fromJson(s.toJson()).toJson()).isEqualTo(s.toJson());
    Bank bank = new Bank();
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "4")
            .tool(bank.tool().approval(Approval.always().approvers(2)).asIdempotent())
            .key(TestKeys.KEY)
            .build();
    // its record edited: refused under the key that chained it
    RunState edited = RunState.fromJson(json.replace("\"invoice checked\"", "\"not checked\""));
    assertThatThrownBy(() -> agent.resume(edited, List.of()))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("decision record #1 (golden-4:1:0 approve by alice)");

    RunResult r = agent.resume(s, List.of(Decision.approve(s.pending().get(0)).by("bob", null)));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    assertThat(((RunResult.Answered) r).state().decisionRecords())
        .extracting(DecisionRecord::by)
        .containsExactly("alice", "bob");
  }

  @Test
  void aVersionThreeRunWithOneOfTwoApprovalsLoadsAndRunsOnTheSecond(
      FakeKimiServer server, KimiClient kimi) throws IOException {
    RunState s = RunState.fromJson(golden("agent-run-v3-two-approvers.json"));
    assertThat(s.labels()).containsEntry("customer", "c-42");
    assertThat(s.createdAt()).isEqualTo(java.time.Instant.parse("2026-11-28T11:00:00Z"));
    PendingCall p = s.pending().get(0);
    assertThat(p.approvedBy()).containsExactly("alice");
    assertThat(p.since()).isEqualTo(java.time.Instant.parse("2026-11-28T11:00:00Z"));
    assertThat(p.idempotencyKey())
        .isEqualTo(Ids.idempotencyKey("599f2857200607f3eaf200730cd7d7f3", "golden-3", 1, 0));
    assertThat(RunState.fromJson(s.toJson()).toJson()).isEqualTo(s.toJson());
    Bank bank = new Bank();
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "3")
            .tool(bank.tool().approval(Approval.always().approvers(2)).asIdempotent())
            .tool(BankTools.notifier())
            .build();

    RunResult r = agent.resume(s, List.of(Decision.approve(p).by("bob", "second")));

    answeredWithOneTransfer(r, bank, p);
  }

  @Test
  void aVersionThreeRunPausedOnASubagentGoesOnInsideIt(FakeKimiServer server, KimiClient kimi)
      throws IOException {
    RunState s = RunState.fromJson(golden("agent-run-v3-child-paused.json"));
    assertThat(s.status()).isEqualTo(RunState.Status.PAUSED);
    PendingCall p = s.pending().get(0);
    assertThat(p.runId()).isEqualTo("golden-4.1.0");
    Bank bank = new Bank();
    Agent payer =
        Agent.builder(kimi, "kimi-k3")
            .name("payer", "1")
            .tool(bank.tool().approval(Approval.always()))
            .build();
    Agent lead =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "2")
            .tool(payer.asTool("pay", "Pays an invoice"))
            .tool(BankTools.notifier())
            .build();

    RunResult r = lead.resume(s, List.of(Decision.approve(p)));

    assertThat(answeredWithOneTransfer(r, bank, p).subagentSteps()).isPositive();
  }
}
