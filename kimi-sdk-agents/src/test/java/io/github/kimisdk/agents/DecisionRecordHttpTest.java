package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision record that outlives the call, against the fake on loopback: every decision (each of
 * two approvers, an expiry, an escalation) kept in the run with who, when, what and the comment
 * after the call ran; told as an event; chained under the key so that a record edited, removed or
 * reordered in the store is found when the run is loaded, naming it; a token that lost the race
 * told apart from a forged one; and a decision recorded by a process that does not drive the run,
 * carried out by another.
 */
@ExtendWith(FakeKimiExtension.class)
class DecisionRecordHttpTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  static final String TASK = "transfer to=acct-7 amount=120";

  @TempDir Path dir;
  final Bank bank = new Bank();
  final List<RunEvent> events = new ArrayList<>();

  Agent.Builder builder(KimiClient kimi, RunStore store, Approval approval) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().approval(approval).asIdempotent())
        .key(TestKeys.KEY)
        .store(store)
        .listener(Recorded.into(events));
  }

  Agent agent(KimiClient kimi, RunStore store, Approval approval) {
    return builder(kimi, store, approval).build();
  }

  PendingCall paused(Agent agent, String runId) {
    RunResult r = agent.run(runId, List.of(Message.user(TASK)));
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    return ((RunResult.Paused) r).pending().get(0);
  }

  List<RunEvent.Decided> decided() {
    synchronized (events) {
      List<RunEvent.Decided> out = new ArrayList<>();
      events.forEach(e -> out.add(e instanceof RunEvent.Decided d ? d : null));
      out.removeIf(e -> e == null);
      return out;
    }
  }

  @Test
  void afterTwoApprovalsAndTheTransferTheRunHoldsEveryDecisionWithWhoWhenWhatAndTheComment(
      KimiClient kimi) {
    Approval two = Approval.always().approvers(2);
    Agent agent = agent(kimi, FileRunStore.of(dir), two);
    PendingCall call = paused(agent, "r1");

    Decision alice = Decision.approve(call).by("alice@example.com", "invoice checked");
    assertThat(agent.resume("r1", List.of(alice))).isInstanceOf(RunResult.Paused.class);
    // the first of two approvals is told, with who, when and why
    assertThat(decided())
        .singleElement()
        .satisfies(d -> assertThat(d.record().by()).isEqualTo("alice@example.com"));
    String token = agent.token(agent.load("r1").orElseThrow().pending().get(0));
    Decision bob = Decision.approve(Decision.Target.fromToken(token)).by("bob@example.com", "ok");
    RunResult done = agent(kimi, FileRunStore.of(dir), two).resume("r1", List.of(bob));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);

    // another process, after the call ran: the record is still there
    RunState saved = agent(kimi, FileRunStore.of(dir), two).load("r1").orElseThrow();
    assertThat(saved.status()).isEqualTo(RunState.Status.ANSWERED);
    List<DecisionRecord> records = saved.decisionRecords();
    assertThat(records).hasSize(2);
    DecisionRecord first = records.get(0);
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.callId()).isEqualTo("r1:1:0").isEqualTo(call.id());
    assertThat(first.runId()).isEqualTo("r1");
    assertThat(first.tool()).isEqualTo("transfer");
    assertThat(first.argumentsSha256()).isEqualTo(call.argumentsSha256());
    assertThat(first.action()).isEqualTo(DecisionRecord.Action.APPROVE);
    assertThat(first.by()).isEqualTo("alice@example.com");
    assertThat(first.at()).isEqualTo(alice.approver().at());
    assertThat(first.comment()).isEqualTo("invoice checked");
    assertThat(first.policy()).isEqualTo("always");
    assertThat(first.approvers()).isEqualTo(2);
    assertThat(first.token()).isNull();
    assertThat(first.mac()).isNotBlank();
    DecisionRecord second = records.get(1);
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(second.by()).isEqualTo("bob@example.com");
    assertThat(second.at()).isEqualTo(bob.approver().at());
    assertThat(second.comment()).isEqualTo("ok");
    assertThat(second.token()).isNotBlank();
    assertThat(second.mac()).isNotEqualTo(first.mac());
    // the same decisions came as events, as they were kept
    assertThat(decided()).extracting(RunEvent.Decided::record).containsExactlyElementsOf(records);
    // and the run's other facts an audit reads
    assertThat(saved.agentVersion()).isEqualTo("1");
    assertThat(saved.agentDigest()).isEqualTo(agent.digest()).hasSize(64);
    assertThat(saved.toJson()).contains("\"decision_record\"").contains("\"version\": 4");
  }

  @Test
  void anEditedApprovalAndARejectionAndAnAnswerAreKeptWithWhatTheyDecided(KimiClient kimi) {
    Agent agent = agent(kimi, RunStore.inMemory(), Approval.always());
    PendingCall call = paused(agent, "edited");
    agent.resume(
        "edited",
        List.of(
            Decision.approveEdited(call, "{\"to\":\"acct-7\",\"amount\":90}")
                .by("carol", "only 90 is due")));
    PendingCall rejected = paused(agent, "rejected");
    agent.resume("rejected", List.of(Decision.reject(rejected, "disputed").by("dan", null)));
    PendingCall answered = paused(agent, "answered");
    agent.resume("answered", List.of(Decision.answer(answered, "paid by hand")));

    DecisionRecord e = agent.load("edited").orElseThrow().decisionRecords().get(0);
    assertThat(e.action()).isEqualTo(DecisionRecord.Action.APPROVE_EDITED);
    assertThat(e.argumentsSha256()).isEqualTo(call.argumentsSha256());
    assertThat(e.editedArgumentsSha256())
        .isEqualTo(Ids.sha256("{\"to\":\"acct-7\",\"amount\":90}"));
    assertThat(bank.transfers())
        .singleElement()
        .satisfies(t -> assertThat(t.amount()).isEqualTo(90));
    DecisionRecord r = agent.load("rejected").orElseThrow().decisionRecords().get(0);
    assertThat(r.action()).isEqualTo(DecisionRecord.Action.REJECT);
    assertThat(r.by()).isEqualTo("dan");
    assertThat(r.comment()).isNull();
    assertThat(r.message()).isEqualTo("disputed");
    DecisionRecord a = agent.load("answered").orElseThrow().decisionRecords().get(0);
    assertThat(a.action()).isEqualTo(DecisionRecord.Action.ANSWER);
    assertThat(a.by()).isNull(); // nobody named: kept as decided, at the time the run recorded it
    assertThat(a.message()).isEqualTo("paid by hand");
  }

  @Test
  void anExpiryIsKeptWithItsTimeAndAnEscalationOnce(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Instant later = T0.plus(Duration.ofHours(25));
    Approval daily = Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT);
    builder(kimi, store, daily)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .build()
        .run("x1", List.of(Message.user(TASK)));
    RunResult r =
        builder(kimi, store, daily)
            .clock(Clock.fixed(later, ZoneOffset.UTC))
            .build()
            .resume("x1", List.of());
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    DecisionRecord expired = ((RunResult.Answered) r).state().decisionRecords().get(0);
    assertThat(expired.action()).isEqualTo(DecisionRecord.Action.EXPIRED);
    assertThat(expired.at()).isEqualTo(later);
    assertThat(expired.by()).isNull(); // the policy decided
    assertThat(expired.policy()).isEqualTo("always");
    assertThat(expired.message()).contains("nobody approved the call within PT24H");
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof RunEvent.Expired x
                    && x.at().equals(later)
                    && x.then() == Approval.Expiry.REJECT);

    Approval escalating =
        Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.ESCALATE);
    builder(kimi, store, escalating)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .build()
        .run("x2", List.of(Message.user(TASK)));
    for (int hour = 25; hour <= 27; hour++) { // a sweeper drives it again and again
      builder(kimi, store, escalating)
          .clock(Clock.fixed(T0.plus(Duration.ofHours(hour)), ZoneOffset.UTC))
          .build()
          .resume("x2", List.of());
    }
    Agent agent = agent(kimi, store, escalating);
    List<DecisionRecord> kept = agent.load("x2").orElseThrow().decisionRecords();
    assertThat(kept)
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.action()).isEqualTo(DecisionRecord.Action.ESCALATED);
              assertThat(k.at()).isEqualTo(later);
            });
    assertThat(events)
        .filteredOn(e -> e instanceof RunEvent.Expired x && x.runId().equals("x2"))
        .hasSize(3);
  }

  /** The saved state of run {@code r3}, whose record holds three approvals. */
  Path threeApprovals(KimiClient kimi) {
    Approval three = Approval.always().approvers(3);
    Agent agent = agent(kimi, FileRunStore.of(dir), three);
    PendingCall call = paused(agent, "r3");
    for (String who : List.of("alice", "bob", "carol")) {
      agent.resume("r3", List.of(Decision.approve(call).by(who, who + "'s look")));
    }
    assertThat(bank.transfers()).hasSize(1);
    return dir.resolve("r3").resolve("state.rec");
  }

  /** The state file with its record's entries changed by {@code edit}. */
  static void editRecord(Path state, UnaryOperator<List<JsonValue>> edit, Integer count)
      throws Exception {
    JsonObject o = (JsonObject) Json.parse(Files.readString(state, StandardCharsets.UTF_8));
    JsonObject record = (JsonObject) o.get(DecisionChain.MEMBER);
    List<JsonValue> entries =
        edit.apply(new ArrayList<>(((JsonArray) record.get("entries")).values()));
    JsonArray.Builder a = JsonArray.builder();
    entries.forEach(a::add);
    Map<String, JsonValue> r = new LinkedHashMap<>(record.members());
    r.put("entries", a.build());
    if (count != null) {
      r.put("count", io.github.kimisdk.json.JsonNumber.of(count));
    }
    Map<String, JsonValue> m = new LinkedHashMap<>(o.members());
    m.put(DecisionChain.MEMBER, JsonObject.of(r));
    Files.writeString(state, Json.writePretty(JsonObject.of(m)), StandardCharsets.UTF_8);
  }

  @Test
  void aRecordEditedRemovedOrReorderedInTheStoreIsFoundAtLoadNamingTheRunAndTheRecord(
      KimiClient kimi) throws Exception {
    Path state = threeApprovals(kimi);
    String original = Files.readString(state, StandardCharsets.UTF_8);
    Agent reader = agent(kimi, FileRunStore.of(dir), Approval.always().approvers(3));
    assertThat(reader.load("r3").orElseThrow().decisionRecords()).hasSize(3);

    // bob's comment edited
    editRecord(
        state,
        es -> {
          Map<String, JsonValue> m = new LinkedHashMap<>(es.get(1).asObject().members());
          m.put("comment", io.github.kimisdk.json.JsonString.of("looked twice"));
          es.set(1, JsonObject.of(m));
          return es;
        },
        null);
    assertThatThrownBy(() -> reader.load("r3"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("run r3")
        .hasMessageContaining("decision record #2 (r3:1:0 approve by bob) does not match its MAC");

    Files.writeString(state, original, StandardCharsets.UTF_8);
    editRecord(
        state,
        es -> {
          es.remove(1);
          return es;
        },
        2);
    assertThatThrownBy(() -> reader.load("r3"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("run r3")
        .hasMessageContaining("holds #3 where #2 belongs");

    Files.writeString(state, original, StandardCharsets.UTF_8);
    editRecord(state, es -> List.of(es.get(1), es.get(0), es.get(2)), null);
    assertThatThrownBy(() -> reader.load("r3"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("holds #2 where #1 belongs");

    Files.writeString(state, original, StandardCharsets.UTF_8);
    editRecord(state, es -> es.subList(0, 2), null);
    assertThatThrownBy(() -> reader.load("r3"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("holds 2 records where its state counts 3")
        .hasMessageContaining("record #3 on was removed");

    Files.writeString(state, original, StandardCharsets.UTF_8);
    editRecord(state, es -> es.subList(0, 2), 2); // the count made to agree: the state's own MAC
    assertThatThrownBy(() -> reader.load("r3"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("the saved state of run r3 does not match its MAC");

    Files.writeString(state, original, StandardCharsets.UTF_8);
    assertThat(reader.load("r3").orElseThrow().decisionRecords()).hasSize(3);
    assertThat(bank.requests()).isEqualTo(1);
  }

  @Test
  void withoutAKeyTheRecordIsKeptUnsealed(KimiClient kimi) {
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(bank.tool().approval(Approval.always()))
            .unsealed()
            .store(RunStore.inMemory())
            .build();
    PendingCall call = paused(agent, "u1");
    agent.resume("u1", List.of(Decision.approve(call).by("alice", null)));
    assertThat(agent.load("u1").orElseThrow().decisionRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.mac()).isNull());
  }

  /** A store that holds its next state write until let go, and says when it holds one. */
  static final class Holding extends ForwardingRunStore {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);

    Holding(RunStore store) {
      super(store);
    }

    @Override
    public void put(Claim.Held claim, String key, byte[] value) {
      if (key.equals("state") && armed.compareAndSet(true, false)) {
        holding.countDown();
        try {
          assertThat(go.await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.put(claim, key, value);
    }
  }

  /** A store that counts the reads of runs' states. */
  static final class Reads extends ForwardingRunStore {
    final java.util.concurrent.atomic.AtomicInteger states =
        new java.util.concurrent.atomic.AtomicInteger();

    Reads(RunStore store) {
      super(store);
    }

    @Override
    public byte[] get(String runId, String key) {
      if (key.equals(Ids.STATE)) {
        states.incrementAndGet();
      }
      return super.get(runId, key);
    }
  }

  @Test
  void aResumeWithASignedDecisionReadsTheRunOnceBeforeItsClaimAndOnceUnderIt(KimiClient kimi) {
    Agent plain = agent(kimi, FileRunStore.of(dir), Approval.always());
    PendingCall call = paused(plain, "reads");
    String token = plain.token(call);
    Reads reads = new Reads(FileRunStore.of(dir));
    Agent counted = agent(kimi, reads, Approval.always());

    RunResult r =
        counted.resume(
            "reads",
            List.of(Decision.approve(Decision.Target.fromToken(token)).by("alice", "checked")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    // before the claim: the token checked against the run, and the trace to link to, from one
    // read; under the claim: the state the drive goes on from
    assertThat(reads.states).hasValue(2);
  }

  /** A store that says when a claim was answered taken. */
  static final class Watching extends ForwardingRunStore {
    final CompletableFuture<Void> found = new CompletableFuture<>();

    Watching(RunStore store) {
      super(store);
    }

    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      Claim c = super.claim(runId, owner, now, until);
      if (c instanceof Claim.Taken) {
        found.complete(null);
      }
      return c;
    }
  }

  @Test
  void twoResumesRacingWithTheSameTokenRunItOnceAndTheLoserIsToldNotRefused(KimiClient kimi)
      throws Exception {
    Agent plain = agent(kimi, FileRunStore.of(dir), Approval.always());
    PendingCall call = paused(plain, "race");
    String token = plain.token(call);

    // the first tab's worker records alice's approval, and is held before it saves it
    Holding holding = new Holding(FileRunStore.of(dir));
    holding.armed.set(true);
    // a lease no scheduler's delay can let lapse while the first tab is held: the second tab must
    // find the run taken, however busy the machine
    Agent first = builder(kimi, holding, Approval.always()).lease(Duration.ofMinutes(10)).build();
    // each tab on a thread of its own: neither waits for a pool's free worker
    ExecutorService tabs = Executors.newCachedThreadPool();
    CompletableFuture<RunResult> a =
        CompletableFuture.supplyAsync(
            () ->
                first.resume(
                    "race",
                    List.of(
                        Decision.approve(Decision.Target.fromToken(token)).by("alice", "tab 1"))),
            tabs);
    assertThat(holding.holding.await(60, TimeUnit.SECONDS)).isTrue();

    // the second tab, same link: its token verifies, the call still waits, the run is held
    Watching watching = new Watching(FileRunStore.of(dir));
    Agent second =
        builder(kimi, watching, Approval.always()).claimWait(Duration.ofSeconds(60)).build();
    CompletableFuture<RunResult> b =
        CompletableFuture.supplyAsync(
            () ->
                second.resume(
                    "race",
                    List.of(Decision.approve(Decision.Target.fromToken(token)).by("bob", "tab 2"))),
            tabs);
    CompletableFuture.anyOf(watching.found, b).get(60, TimeUnit.SECONDS);
    assertThat(b).as("the second tab waits for the claim; it may not end first").isNotDone();
    Agent impatient = agent(kimi, FileRunStore.of(dir), Approval.always());
    assertThat(
            impatient.resume("race", List.of(Decision.approve(Decision.Target.fromToken(token)))))
        .isInstanceOf(RunResult.Taken.class);
    holding.go.countDown();

    assertThat(a.get(60, TimeUnit.SECONDS)).isInstanceOf(RunResult.Answered.class);
    RunResult lost = b.get(60, TimeUnit.SECONDS);
    assertThat(lost).isInstanceOf(RunResult.AlreadyDecided.class);
    RunResult.AlreadyDecided ad = (RunResult.AlreadyDecided) lost;
    assertThat(ad.callId()).isEqualTo(call.id());
    assertThat(ad.sameToken()).isTrue();
    assertThat(ad.decision().by()).isEqualTo("alice");
    assertThat(ad.decision().comment()).isEqualTo("tab 1");
    assertThat(bank.transfers()).hasSize(1);
    assertThat(bank.requests()).isEqualTo(1);
    tabs.shutdown();

    // a decision from a page by id and digest, after the fact: told the same, by another token
    RunResult late =
        impatient.resume(
            "race",
            List.of(
                Decision.approve(Decision.Target.of(call.id(), call.argumentsSha256()))
                    .by("carol", null)));
    assertThat(late)
        .isInstanceOfSatisfying(
            RunResult.AlreadyDecided.class, l -> assertThat(l.sameToken()).isFalse());
    // while a forged token is still refused as invalid
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
    assertThatThrownBy(
            () ->
                impatient.resume(
                    "race", List.of(Decision.approve(Decision.Target.fromToken(forged)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not signed by this agent's key");
    assertThat(impatient.load("race").orElseThrow().decisionRecords()).hasSize(1);
  }

  @Test
  void aDecisionRecordedByAnApprovalServiceIsCarriedOutByAWorker(
      FakeKimiServer server, KimiClient kimi) {
    RunStore store = FileRunStore.of(dir);
    Agent worker = agent(kimi, store, Approval.always());
    PendingCall call = paused(worker, "svc");
    int modelCalls = server.requestCount();

    // the approval service: another agent on the store, which never drives the run
    Agent approvals = agent(kimi, FileRunStore.of(dir), Approval.always());
    RunResult r =
        approvals.decide(
            "svc",
            List.of(
                Decision.approve(Decision.Target.fromToken(approvals.token(call)))
                    .by("alice", "checked")));
    assertThat(r).isInstanceOf(RunResult.Decided.class);
    RunResult.Decided d = (RunResult.Decided) r;
    assertThat(d.recorded()).singleElement().satisfies(x -> assertThat(x.by()).isEqualTo("alice"));
    assertThat(d.state().status()).isEqualTo(RunState.Status.RUNNING);
    assertThat(d.state().pending()).isEmpty();
    assertThat(bank.requests()).isZero();
    assertThat(server.requestCount()).isEqualTo(modelCalls);
    // decided again: told, nothing recorded
    assertThat(approvals.decide("svc", List.of(Decision.approve(call).by("bob", null))))
        .isInstanceOfSatisfying(
            RunResult.AlreadyDecided.class, l -> assertThat(l.decision().by()).isEqualTo("alice"));

    // the worker's next step carries it out
    RunResult done = worker.runOrResume("svc", List.of(Message.user(TASK)));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    RunState saved = worker.load("svc").orElseThrow();
    assertThat(saved.decisionRecords()).hasSize(1);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof RunEvent.Approved a
                    && a.approvals().get(0).name().equals("alice")
                    && a.waited() != null);
  }

  @Test
  void twoApprovalsRecordedElsewhereAreCarriedOutByTheSweeper(KimiClient kimi) {
    RunStore store = FileRunStore.of(dir);
    Approval two = Approval.always().approvers(2);
    Agent worker = agent(kimi, store, two);
    PendingCall call = paused(worker, "sw");
    Agent approvals = agent(kimi, FileRunStore.of(dir), two);

    RunResult.Decided one =
        (RunResult.Decided)
            approvals.decide("sw", List.of(Decision.approve(call).by("alice", null)));
    assertThat(one.state().status()).isEqualTo(RunState.Status.PAUSED);
    assertThat(one.state().pending())
        .singleElement()
        .satisfies(p -> assertThat(p.approvedBy()).containsExactly("alice"));
    assertThatThrownBy(
            () -> approvals.decide("sw", List.of(Decision.approve(call).by("alice", null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice has already approved");
    RunResult.Decided both =
        (RunResult.Decided) approvals.decide("sw", List.of(Decision.approve(call).by("bob", null)));
    assertThat(both.state().status()).isEqualTo(RunState.Status.RUNNING);
    assertThat(bank.requests()).isZero();

    Sweeper.Report report = Sweeper.of(worker).sweep();
    assertThat(report.resumed()).containsExactly("sw");
    assertThat(bank.transfers()).hasSize(1);
    assertThat(worker.load("sw").orElseThrow().decisionRecords())
        .extracting(DecisionRecord::by)
        .containsExactly("alice", "bob");
  }

  @Test
  void aDecisionIsNotRecordedOnARunAWorkerHoldsNorOnACallThatDoesNotWait(KimiClient kimi) {
    RunStore store = FileRunStore.of(dir);
    Agent worker = agent(kimi, store, Approval.always());
    PendingCall call = paused(worker, "held");
    Claim.Held held =
        (Claim.Held)
            store.claim("held", "another-worker", Instant.now(), Instant.now().plusSeconds(60));
    assertThat(worker.decide("held", List.of(Decision.approve(call))))
        .isInstanceOf(RunResult.Taken.class);
    store.release(held);

    assertThatThrownBy(
            () ->
                worker.decide(
                    "held",
                    List.of(
                        Decision.approve(Decision.Target.of("held:7:0", call.argumentsSha256())))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not wait in run held");
    assertThat(worker.load("held").orElseThrow().decisionRecords()).isEmpty();
    assertThatThrownBy(
            () ->
                Agent.builder(kimi, "kimi-k3").tool(bank.tool()).build().decide("held", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("decide needs a store");
  }

  @Test
  void aSubagentsDecisionIsKeptInItsParentsRecordAndMayBeRecordedWithoutDriving(KimiClient kimi) {
    Agent payer =
        Agent.builder(kimi, "kimi-k3")
            .name("payer", "1")
            .tool(bank.tool().approval(Approval.always()).asIdempotent())
            .build();
    RunStore store = FileRunStore.of(dir);
    Agent lead =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .tool(payer.asTool("pay", "Pays"))
            .key(TestKeys.KEY)
            .store(store)
            .build();
    RunResult r = lead.run("lead-run", List.of(Message.user("pay task=\"" + TASK + "\"")));
    assertThat(r).isInstanceOf(RunResult.Paused.class);
    PendingCall call = ((RunResult.Paused) r).pending().get(0);
    assertThat(call.runId()).isEqualTo("lead-run.1.0");

    RunResult d = lead.decide("lead-run", List.of(Decision.approve(call).by("alice", "sub")));
    assertThat(d).isInstanceOf(RunResult.Decided.class);
    assertThat(((RunResult.Decided) d).state().status()).isEqualTo(RunState.Status.RUNNING);
    assertThat(bank.requests()).isZero();

    RunResult done = lead.runOrResume("lead-run", List.of(Message.user("unused")));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1);
    assertThat(lead.load("lead-run").orElseThrow().decisionRecords())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.callId()).isEqualTo("lead-run.1.0:1:0");
              assertThat(x.runId()).isEqualTo("lead-run.1.0");
              assertThat(x.by()).isEqualTo("alice");
              assertThat(x.mac()).isNotNull();
            });
  }
}
