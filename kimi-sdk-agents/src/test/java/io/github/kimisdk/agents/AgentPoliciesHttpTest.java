package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How an agent's tools are declared and held, against the fake on loopback: a read-only tool runs
 * again after a crash without a person; a small spend limit lets a run make the calls that fit; a
 * run resumed under another version follows its rule and says so; two approvers; an approval that
 * expires; labels; a run's report with its subagents' steps and spend.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentPoliciesHttpTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  Agent.Builder builder(KimiClient kimi, RunStore store) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .key(TestKeys.KEY)
        .store(store)
        .listener(Recorded.into(events));
  }

  @Test
  void aReadOnlyToolFoundBegunAfterACrashRunsAgainWithoutAPerson(KimiClient kimi) {
    AtomicInteger lookups = new AtomicInteger();
    AgentTool lookup =
        BankTools.transfer( // the fake's model calls "transfer" for this task
                "Looks an account up",
                (a, ctx) ->
                    "balance of " + a.get("to").asString() + ": " + lookups.incrementAndGet())
            .asReadOnly();
    RunStore store = RunStore.inMemory();
    Agent failing = builder(kimi, new FailingStore(store, "call/", 1)).tool(lookup).build();
    assertThat(failing.run("r1", List.of(Message.user("transfer to=acct-1 amount=7"))))
        .isInstanceOf(RunResult.Failed.class);
    assertThat(lookups).hasValue(1);

    RunResult r = builder(kimi, store).tool(lookup).build().resume("r1", List.of());

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(lookups).hasValue(2);
    assertThat(events).noneMatch(e -> e instanceof RunEvent.InDoubt);
    assertThat(events).anyMatch(e -> e instanceof RunEvent.ToolStarted s && s.rerun());
  }

  /** A run of K3 saying hello under a spend limit of {@code usd} US dollars. */
  static RunResult sayHelloWithin(KimiClient kimi, String usd) {
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .maxSpend(new BigDecimal(usd), Currency.getInstance("USD"))
            .build();
    return agent.run(List.of(Message.user("Say hello")));
  }

  @Test
  void aSmallSpendLimitLetsTheRunMakeTheCallsThatFitWithACapThatFits(
      FakeKimiServer server, KimiClient kimi) {
    // K3's default output (131,072 tokens at USD 15 a million) would be USD 1.97 on its own
    RunResult r = sayHelloWithin(kimi, "0.05");

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    RecordedRequest sent = server.requests().get(0);
    long cap = Json.parse(sent.bodyText()).get("max_completion_tokens").asLong();
    assertThat(cap).isBetween((long) Budget.MIN_OUTPUT, 3_333L); // 0.05 / 15e-6, less the prompt
  }

  @Test
  void aLimitTooSmallForTheLeastOutputStopsTheRunBeforeItsFirstCall(
      FakeKimiServer server, KimiClient kimi) {
    RunResult r = sayHelloWithin(kimi, "0.01");

    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.SPEND);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aTokenLimitSetsTheCapTooAndARequestsOwnSmallerCapIsKept(
      FakeKimiServer server, KimiClient kimi) {
    Agent capped =
        Agent.builder(kimi, "kimi-k3")
            .maxTotalTokens(20_000)
            .request(b -> b.maxCompletionTokens(500))
            .build();
    assertThat(capped.run(List.of(Message.user("Say hello"))))
        .isInstanceOf(RunResult.Answered.class);
    assertThat(
            Json.parse(server.requests().get(0).bodyText()).get("max_completion_tokens").asLong())
        .isEqualTo(500);

    Agent open = Agent.builder(kimi, "kimi-k3").maxTotalTokens(20_000).build();
    assertThat(open.run(List.of(Message.user("Say hello")))).isInstanceOf(RunResult.Answered.class);
    long cap =
        Json.parse(server.requests().get(1).bodyText()).get("max_completion_tokens").asLong();
    assertThat(cap).isLessThan(20_000).isGreaterThanOrEqualTo(Budget.MIN_OUTPUT);
  }

  RunResult.Paused pausedUnderVersionOne(KimiClient kimi, RunStore store) {
    Agent v1 =
        builder(kimi, store)
            .tool(bank.tool().approval(Approval.always()))
            .tool(BankTools.notifier())
            .build();
    return (RunResult.Paused)
        v1.run("r1", List.of(Message.user("transfer to=acct-2 amount=9 and notify to=acct-2")));
  }

  @Test
  void aRunPausedUnderVersionOneFollowsTheRuleItsNewVersionChoseAndSaysSo(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    PendingCall transfer = pausedUnderVersionOne(kimi, store).pending().get(0);

    // version 2 lost the transfer tool
    Agent.Builder v2 = builder(kimi, store).name("payments", "2").tool(BankTools.notifier());
    assertThatThrownBy(() -> v2.build().resume("r1", List.of(Decision.approve(transfer))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tools removed: [transfer]");
    assertThatThrownBy(
            () ->
                v2.onNewVersion(VersionRule.REFUSE)
                    .build()
                    .resume("r1", List.of(Decision.approve(transfer))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REFUSE");
    assertThat(events)
        .filteredOn(e -> e instanceof RunEvent.AgentChanged)
        .allMatch(e -> !((RunEvent.AgentChanged) e).continued())
        .hasSize(2);

    RunResult r =
        v2.onNewVersion(VersionRule.CONTINUE)
            .build()
            .resume("r1", List.of(Decision.approve(transfer)));
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero(); // the call is answered: there is no such tool now
    RunEvent.AgentChanged told =
        (RunEvent.AgentChanged)
            events.stream()
                .filter(e -> e instanceof RunEvent.AgentChanged)
                .reduce((a, b) -> b)
                .get();
    assertThat(told.continued()).isTrue();
    assertThat(told.savedBy()).isEqualTo("payments@1");
    assertThat(told.resumedBy()).isEqualTo("payments@2");
    assertThat(told.removed()).containsExactly("transfer");
  }

  @Test
  void underANewVersionWithTheSameToolsARunGoesOn(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    PendingCall transfer = pausedUnderVersionOne(kimi, store).pending().get(0);
    Agent v2 =
        builder(kimi, store)
            .name("payments", "2")
            .tool(bank.tool().approval(Approval.always()))
            .tool(BankTools.notifier())
            .build();

    RunResult r = v2.resume("r1", List.of(Decision.approve(transfer)));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    assertThat(((RunResult.Answered) r).state().agent()).isEqualTo("payments@2");
  }

  @Test
  void aTransferUnderATwoApproverPolicyRunsOnceOnTwoDifferentApprovers(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Agent agent =
        builder(kimi, store).tool(bank.tool().approval(Approval.always().approvers(2))).build();
    RunResult.Paused p =
        (RunResult.Paused) agent.run("r1", List.of(Message.user("transfer to=acct-1 amount=9")));
    PendingCall call = p.pending().get(0);

    RunResult one = agent.resume("r1", List.of(Decision.approve(call).by("alice", "first look")));
    assertThat(one).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) one).pending().get(0).approvedBy()).containsExactly("alice");
    assertThat(bank.requests()).isZero();

    assertThatThrownBy(
            () -> agent.resume("r1", List.of(Decision.approve(call).by("alice", "again"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice has already approved");
    assertThatThrownBy(() -> agent.resume("r1", List.of(Decision.approve(call))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Decision.by");
    assertThat(bank.requests()).isZero();

    RunResult two = agent.resume("r1", List.of(Decision.approve(call).by("bob", "second")));
    assertThat(two).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    RunEvent.Approved approved =
        (RunEvent.Approved)
            events.stream().filter(e -> e instanceof RunEvent.Approved).findFirst().get();
    assertThat(approved.approvals())
        .extracting(Decision.Approver::name)
        .containsExactly("alice", "bob");
  }

  /**
   * Run {@code runId} paused at T0 on a transfer under {@code approval}, resumed 25 hours later
   * with no decision.
   */
  private RunResult unansweredFor25Hours(
      KimiClient kimi, RunStore store, Approval approval, String runId) {
    builder(kimi, store)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .tool(bank.tool().approval(approval))
        .build()
        .run(runId, List.of(Message.user("transfer to=acct-1 amount=9")));
    return builder(kimi, store)
        .clock(Clock.fixed(T0.plus(Duration.ofHours(25)), ZoneOffset.UTC))
        .tool(bank.tool().approval(approval))
        .build()
        .resume(runId, List.of());
  }

  @Test
  void anApprovalNobodyGaveInTimeIsRejectedOrEscalatedAsConfigured(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Approval daily = Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT);
    RunResult r = unansweredFor25Hours(kimi, store, daily, "r1");

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.requests()).isZero();
    assertThat(events)
        .anyMatch(e -> e instanceof RunEvent.Expired x && x.then() == Approval.Expiry.REJECT);
    assertThat(((RunResult.Answered) r).state().messages().toString())
        .contains("nobody approved the call within");

    Approval escalating =
        Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.ESCALATE);
    RunResult waits = unansweredFor25Hours(kimi, store, escalating, "r2");
    assertThat(waits).isInstanceOf(RunResult.Paused.class);
    assertThat(((RunResult.Paused) waits).pending().get(0).since()).isEqualTo(T0);
    assertThat(events)
        .anyMatch(e -> e instanceof RunEvent.Expired x && x.then() == Approval.Expiry.ESCALATE);
  }

  @Test
  void aRunKeepsItsLabelsAndRefusesMalformedOnes(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Agent agent = builder(kimi, store).build();
    agent.run(
        "r1", List.of(Message.user("Say hello")), Map.of("customer", "c-42", "ticket", "t-7"));
    assertThat(agent.load("r1").orElseThrow().labels())
        .containsEntry("customer", "c-42")
        .containsEntry("ticket", "t-7");
    assertThatThrownBy(() -> agent.run("r2", List.of(Message.user("hi")), Map.of("Bad Name", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a label's name");
  }

  @Test
  void aRunsReportCountsItsSubagentsStepsAndSpend(FakeKimiServer server, KimiClient kimi) {
    Agent researcher =
        Agent.builder(kimi, "kimi-k3").name("researcher", "1").tool(BankTools.notifier()).build();
    Agent lead =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .tool(researcher.asTool("research_north", "Researches"))
            .build();

    RunResult r = lead.run(List.of(Message.user("Use research_north with task=notify to=acct-1")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    RunState s = ((RunResult.Answered) r).state();
    assertThat(s.steps()).isEqualTo(2);
    assertThat(s.subagentSteps()).isEqualTo(server.requestCount() - 2).isPositive();
    Spend spend = s.spend(kimi.prices());
    assertThat(spend.totalTokens()).isPositive();
    assertThat(spend.cost(Currency.getInstance("USD"))).isPresent();
  }

  /** A tool source whose list a test changes, as an MCP server's changes between deploys. */
  static final class Listing implements io.github.kimisdk.tool.ToolSource {
    final java.util.List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Bank bank;

    Listing(Bank bank, String... names) {
      this.bank = bank;
      this.names.addAll(java.util.List.of(names));
    }

    @Override
    public String name() {
      return "bank-server";
    }

    @Override
    public java.util.List<io.github.kimisdk.tool.FunctionTool> tools() {
      java.util.List<io.github.kimisdk.tool.FunctionTool> out = new ArrayList<>();
      for (String n : names) {
        out.add(
            (io.github.kimisdk.tool.FunctionTool)
                (n.equals("transfer") ? bank.tool().tool() : BankTools.notifier().tool()));
      }
      return out;
    }

    @Override
    public Result call(String name, io.github.kimisdk.json.JsonValue args, String key) {
      return new Result(
          name.equals("transfer")
              ? bank.transfer(args.get("to").asString(), args.get("amount").asLong(), key)
              : "told",
          false);
    }
  }

  @Test
  void aToolSourceThatListsOtherToolsOnResumeIsToldAndRefusedWhenAWaitingCallsToolIsGone(
      KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Listing server = new Listing(bank, "transfer", "notify");
    java.util.function.UnaryOperator<AgentTool> approvals =
        t -> t.name().equals("transfer") ? t.approval(Approval.always()) : t;
    Agent agent = builder(kimi, store).tools(server, approvals).build();
    RunResult.Paused p =
        (RunResult.Paused)
            agent.run(
                "r1", List.of(Message.user("transfer to=acct-2 amount=9 and notify to=acct-2")));

    server.names.remove("notify"); // the server's list changed since the run paused
    RunResult r = agent.resume("r1", List.of());
    assertThat(r).isInstanceOf(RunResult.Paused.class); // the waiting call's tool is still there
    RunEvent.AgentChanged told =
        (RunEvent.AgentChanged)
            events.stream().filter(e -> e instanceof RunEvent.AgentChanged).findFirst().get();
    assertThat(told.removed()).containsExactly("notify");
    assertThat(told.continued()).isTrue();

    server.names.remove("transfer");
    assertThatThrownBy(() -> agent.resume("r1", List.of(Decision.approve(p.pending().get(0)))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tools removed: [transfer]");
    assertThat(bank.requests()).isZero();
  }
}
