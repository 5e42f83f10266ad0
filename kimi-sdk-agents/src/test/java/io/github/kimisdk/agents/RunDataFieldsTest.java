package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.ToolCall;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A run's fields are declared once, in {@link RunData}: every field it declares is set here to a
 * value unlike its default, and {@link RunData#copy()} and the saved form ({@link RunFormat}) must
 * keep each one. A field added to {@code RunData} and missed by either fails this test by name.
 */
class RunDataFieldsTest {

  /** A run with every field set to something other than its default. */
  static RunData full() {
    RunData d = new RunData();
    d.id = "run-1";
    d.instance = "0123456789abcdef0123456789abcdef";
    d.revision = 7;
    d.status = RunState.Status.PAUSED;
    d.agentName = "payments";
    d.agentVersion = "3";
    d.tools = new LinkedHashMap<>(Map.of("transfer", "ab".repeat(32)));
    d.agentDigest = "cd".repeat(32);
    d.model = "kimi-k3";
    d.steps = 4;
    d.childSteps = 2;
    d.maxSteps = 30;
    d.maxTotalTokens = 50_000;
    d.maxSpend = new BigDecimal("1.25");
    d.currency = Currency.getInstance("USD");
    d.messages = new ArrayList<>();
    d.messages.add(Message.user("pay"));
    ToolCall call = ToolCall.function("call-1", "transfer", "{\"to\":\"a\",\"amount\":1}");
    d.messages.add(new AssistantMessage("", "r", List.of(call), null, false));
    d.newMessageIndex = 1;
    d.usage = new LinkedHashMap<>(Map.of("kimi-k3", new Usage(10, 5, 15, 0, 1)));
    d.turn = new RunData.OpenTurn(4);
    d.turn.decide(
        0,
        new RunData.Recorded(
            "approve",
            PendingCall.Kind.APPROVAL,
            "transfer",
            Ids.sha256("{\"to\":\"a\",\"amount\":1}"),
            "always",
            null,
            null,
            List.of(new Decision.Approver("alice", Instant.parse("2026-11-28T10:00:00Z"), "ok")),
            "0123456789abcdef",
            Instant.parse("2026-11-28T09:00:00Z")));
    d.allowances =
        new ArrayList<>(List.of(new RunData.Grant(Allowance.tool("transfer"), "always")));
    d.pending =
        new ArrayList<>(
            List.of(
                new PendingCall(
                    PendingCall.Kind.APPROVAL,
                    "run-1",
                    4,
                    0,
                    "call-1",
                    "transfer",
                    "{\"to\":\"a\",\"amount\":1}",
                    "needs approval",
                    "always",
                    Ids.sha256("{\"to\":\"a\",\"amount\":1}"),
                    Ids.idempotencyKey(d.instance, "run-1", 4, 0),
                    Instant.parse("2026-11-28T09:00:00Z"),
                    List.of("alice"))));
    d.note = "waiting";
    d.labels = new TreeMap<>(Map.of("customer", "c-42"));
    d.createdAt = Instant.parse("2026-11-28T08:00:00Z");
    d.updatedAt = Instant.parse("2026-11-28T09:30:00Z");
    d.trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    d.decisionRecords =
        new ArrayList<>(
            List.of(
                new DecisionRecord(
                    1,
                    "run-1:4:0",
                    "transfer",
                    Ids.sha256("{\"to\":\"a\",\"amount\":1}"),
                    DecisionRecord.Action.APPROVE_EDITED,
                    Ids.sha256("{\"to\":\"b\",\"amount\":1}"),
                    "alice",
                    Instant.parse("2026-11-28T10:00:00Z"),
                    "ok",
                    "a message",
                    "always",
                    2,
                    "0123456789abcdef",
                    "bWFj")));
    return d;
  }

  @Test
  void everyFieldIsSetByTheFullRunSoTheChecksBelowCoverIt() throws Exception {
    RunData empty = new RunData();
    RunData full = full();
    for (Field f : fields()) {
      assertThat(f.get(full)).as(f.getName()).isNotEqualTo(f.get(empty));
    }
  }

  @Test
  void aCopyKeepsEveryField() throws Exception {
    RunData full = full();
    RunData copy = full.copy();
    for (Field f : fields()) {
      assertThat(String.valueOf(f.get(copy)))
          .as(f.getName())
          .isEqualTo(String.valueOf(f.get(full)));
    }
  }

  @Test
  void theSavedFormKeepsEveryField() throws Exception {
    RunData full = full();
    RunData read = RunFormat.read(RunFormat.write(full));
    for (Field f : fields()) {
      assertThat(String.valueOf(f.get(read)))
          .as(f.getName())
          .isEqualTo(String.valueOf(f.get(full)));
    }
    assertThat(RunFormat.write(read)).isEqualTo(RunFormat.write(full));
  }

  @Test
  void aPendingCallsDigestAndKeyAreMadeAgainNeverReadBack() {
    RunData full = full();
    JsonObject saved = RunFormat.write(full);
    String edited =
        io.github.kimisdk.json.Json.write(saved)
            .replace(Ids.sha256("{\"to\":\"a\",\"amount\":1}"), "00".repeat(32));
    RunData read = RunFormat.read((JsonObject) io.github.kimisdk.json.Json.parse(edited));
    assertThat(read.pending.get(0).argumentsSha256())
        .isEqualTo(Ids.sha256(read.pending.get(0).arguments()));
    assertThat(read.pending.get(0).idempotencyKey())
        .isEqualTo(Ids.idempotencyKey(full.instance, "run-1", 4, 0));
  }

  /**
   * A turn makes its own changes: every field it can change is private to it, and what it hands out
   * is a view the rooms that drive the turn cannot write through.
   */
  @Test
  void aTurnsChangeableFieldsArePrivateAndItsViewsRefuseWrites() {
    for (Field f : RunData.OpenTurn.class.getDeclaredFields()) {
      boolean fixed = Modifier.isFinal(f.getModifiers()) && f.getType().isPrimitive();
      assertThat(fixed || Modifier.isPrivate(f.getModifiers()))
          .as("OpenTurn.%s is written outside the turn", f.getName())
          .isTrue();
    }
    RunData.OpenTurn t = full().turn;
    RunData.Result r = new RunData.Result("ok", false);
    assertThatThrownBy(() -> t.results().put(1, r))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.decisions().remove(0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.children().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    t.answer(1, r);
    assertThat(t.results()).containsEntry(1, r);
    t.withdraw(0);
    assertThat(t.decisions()).isEmpty();
  }

  private static List<Field> fields() {
    List<Field> out = new ArrayList<>();
    for (Field f : RunData.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        out.add(f);
      }
    }
    assertThat(out).hasSizeGreaterThan(20);
    return out;
  }
}
