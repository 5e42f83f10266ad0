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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed by default on a real PostgreSQL server: with the key made as the docs make it, a saved run
 * whose amount and every digest were edited in the database makes no transfer; a decision record
 * edited or cut short there is found at load, naming the record; and a decision recorded by an
 * approval service is carried out by a worker on the same tables.
 */
@Tag("multiprocess") // a PostgreSQL server it starts: mvn -B -P slow verify
@ExtendWith(FakeKimiExtension.class)
class DecisionRecordPostgresTest {
  @RegisterExtension static final PostgresServer.PerClass PG = new PostgresServer.PerClass();
  private static final AtomicInteger TABLES = new AtomicInteger();
  static final String TASK = "transfer to=acct-7 amount=100";

  @TempDir Path dir;
  final Bank bank = new Bank();
  String prefix;
  RunKey key;

  JdbcRunStore store() {
    return JdbcRunStore.of(PG.server().dataSource(), prefix).createTables();
  }

  Agent agent(KimiClient kimi, Approval approval) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().approval(approval).asIdempotent())
        .store(store())
        .key(key)
        .build();
  }

  /** A new set of tables, and the key as docs/agents.md makes it: once, in a file. */
  void fresh() {
    prefix = "d" + TABLES.incrementAndGet();
    Path file = dir.resolve("agent.key");
    key = file.toFile().exists() ? RunKey.fromFile(file) : RunKey.createFile(file);
  }

  String body(String runId) throws Exception {
    try (Connection c = PG.server().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT body FROM "
                    + prefix
                    + "_records WHERE run_id = ? AND record_key = 'state'")) {
      s.setString(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  void write(String runId, String body) throws Exception {
    try (Connection c = PG.server().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + prefix
                    + "_records SET body = ? WHERE run_id = ? AND record_key = 'state'")) {
      s.setString(1, body);
      s.setString(2, runId);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void anAmountAndEveryDigestEditedInTheDatabaseMakeNoTransfer(KimiClient kimi) throws Exception {
    fresh();
    Agent agent = agent(kimi, Approval.always());
    RunResult r = agent.run("inv-1", List.of(Message.user(TASK)));
    PendingCall call = ((RunResult.Paused) r).pending().get(0);
    String before = "{\"to\":\"acct-7\",\"amount\":100}";
    String after = "{\"to\":\"acct-7\",\"amount\":8989}";
    String json = body("inv-1");
    String edited =
        json.replace("\\\"amount\\\":100", "\\\"amount\\\":8989")
            .replace(Ids.sha256(before), Ids.sha256(after));
    assertThat(edited).isNotEqualTo(json);
    write("inv-1", edited);

    Agent worker = agent(kimi, Approval.always());
    assertThatThrownBy(() -> worker.load("inv-1")).isInstanceOf(RunTamperedException.class);
    assertThatThrownBy(() -> worker.resume("inv-1", List.of(Decision.approve(call))))
        .isInstanceOf(RunTamperedException.class);
    assertThatThrownBy(() -> worker.runOrResume("inv-1", List.of(Message.user(TASK))))
        .isInstanceOf(RunTamperedException.class);
    assertThat(bank.requests()).isZero();
  }

  @Test
  void aDecisionRecordEditedOrCutShortInTheDatabaseIsFoundNamingTheRecord(KimiClient kimi)
      throws Exception {
    fresh();
    Agent agent = agent(kimi, Approval.always().approvers(2));
    PendingCall call =
        ((RunResult.Paused) agent.run("inv-2", List.of(Message.user(TASK)))).pending().get(0);
    agent.resume("inv-2", List.of(Decision.approve(call).by("alice", "checked")));
    agent.resume("inv-2", List.of(Decision.approve(call).by("bob", "checked too")));
    assertThat(bank.transfers()).hasSize(1);
    String original = body("inv-2");

    write("inv-2", original.replace("\"by\": \"alice\"", "\"by\": \"mallory\""));
    assertThatThrownBy(() -> agent.load("inv-2"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("run inv-2")
        .hasMessageContaining("decision record #1 (inv-2:1:0 approve by mallory)");

    JsonObject o = (JsonObject) Json.parse(original);
    JsonObject record = (JsonObject) o.get(DecisionChain.MEMBER);
    List<JsonValue> entries = new ArrayList<>(((JsonArray) record.get("entries")).values());
    entries.remove(1);
    JsonArray.Builder a = JsonArray.builder();
    entries.forEach(a::add);
    Map<String, JsonValue> r = new LinkedHashMap<>(record.members());
    r.put("entries", a.build());
    Map<String, JsonValue> m = new LinkedHashMap<>(o.members());
    m.put(DecisionChain.MEMBER, JsonObject.of(r));
    write("inv-2", Json.writePretty(JsonObject.of(m)));
    assertThatThrownBy(() -> agent.load("inv-2"))
        .isInstanceOf(RunTamperedException.class)
        .hasMessageContaining("holds 1 records where its state counts 2");

    write("inv-2", original);
    assertThat(agent.load("inv-2").orElseThrow().decisionRecords())
        .extracting(DecisionRecord::by)
        .containsExactly("alice", "bob");
  }

  @Test
  void aDecisionRecordedByAnApprovalServiceIsCarriedOutByAWorker(KimiClient kimi) {
    fresh();
    Agent worker = agent(kimi, Approval.always().approvers(2));
    PendingCall call =
        ((RunResult.Paused) worker.run("inv-3", List.of(Message.user(TASK)))).pending().get(0);

    Agent service = agent(kimi, Approval.always().approvers(2));
    String token = service.token(call);
    assertThat(
            service.decide(
                "inv-3",
                List.of(Decision.approve(Decision.Target.fromToken(token)).by("alice", null))))
        .isInstanceOfSatisfying(
            RunResult.Decided.class,
            d -> assertThat(d.state().status()).isEqualTo(RunState.Status.PAUSED));
    assertThat(
            service.decide(
                "inv-3",
                List.of(Decision.approve(Decision.Target.fromToken(token)).by("bob", null))))
        .isInstanceOfSatisfying(
            RunResult.Decided.class,
            d -> assertThat(d.state().status()).isEqualTo(RunState.Status.RUNNING));
    assertThat(store().list(RunQuery.in(RunQuery.State.ORPHANED).agent("payments")).runs())
        .extracting(RunSummary::runId)
        .contains("inv-3");
    assertThat(bank.requests()).isZero();

    assertThat(Sweeper.of(worker).sweep().resumed()).containsExactly("inv-3");
    assertThat(bank.transfers()).hasSize(1);
    assertThat(worker.load("inv-3").orElseThrow().decisionRecords())
        .extracting(DecisionRecord::by)
        .containsExactly("alice", "bob");
  }
}
