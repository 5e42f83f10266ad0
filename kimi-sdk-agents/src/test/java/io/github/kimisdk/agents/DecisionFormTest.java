package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decisions' one vocabulary: their transport form and the rules a waiting call holds them to.
 */
class DecisionFormTest {

  static final String SHA = "a".repeat(64);
  static final String OTHER_SHA = "b".repeat(64);
  static final Instant AT = Instant.parse("2026-11-30T10:15:30.123Z");

  static PendingCall call(String tool, String policy, String sha, List<String> approvedBy) {
    return new PendingCall(
        PendingCall.Kind.APPROVAL,
        "pay-1",
        3,
        0,
        "call_1",
        tool,
        "{\"to\":\"acct-1\"}",
        "needs a person",
        policy,
        sha,
        "key-1",
        AT,
        approvedBy);
  }

  static final PendingCall TRANSFER = call("transfer", "always", SHA, List.of());

  @Test
  void everyKindOfDecisionGoesThroughItsFormAndBackUnchanged() {
    Decision.Target byId = Decision.Target.of("pay-1:3:0", SHA);
    Decision.Approver alice = new Decision.Approver("alice@example.com", AT, "checked");
    List<Decision> all =
        List.of(
            Decision.approve(byId),
            Decision.approve(TRANSFER),
            new Decision.Approve(byId, "{\"to\":\"acct-2\"}", null, alice),
            Decision.approveAndAllow(TRANSFER, Allowance.tool("transfer")),
            Decision.approveAndAllow(
                TRANSFER,
                Allowance.matching("transfer", JsonObject.of("to", JsonString.of("acct-1")))),
            new Decision.Reject(byId, "not this month", alice),
            new Decision.Reject(byId, "no", null),
            new Decision.Answer(byId, "{\"done\":true}", alice),
            Decision.answer(TRANSFER, "done"));
    for (Decision d : all) {
      assertThat(Decision.fromJson(d.toJson())).as(d.toJson()).isEqualTo(d);
    }
  }

  @Test
  void theFormNamesTheVerdictTheBindingAndWhoDecided() {
    Decision d =
        Decision.approveAndAllow(TRANSFER, Allowance.tool("transfer"))
            .by("alice@example.com", "ok");
    JsonObject o = io.github.kimisdk.json.Json.parse(d.toJson()).asObject();
    assertThat(o.get("verdict")).isEqualTo(JsonString.of("approve"));
    assertThat(o.get("callId")).isEqualTo(JsonString.of("pay-1:3:0"));
    assertThat(o.get("policy")).isEqualTo(JsonString.of("always"));
    assertThat(o.get("tool")).isEqualTo(JsonString.of("transfer"));
    assertThat(o.get("kind")).isEqualTo(JsonString.of("approval"));
    assertThat(o.get("by")).isEqualTo(JsonString.of("alice@example.com"));
    assertThat(o.get("allow").asObject().get("tool")).isEqualTo(JsonString.of("transfer"));
    assertThat(o.get("message")).isNull();
  }

  @Test
  void aDecisionOnASignedTokenIsNotWrittenOut() {
    Decision.Target signed =
        new Decision.Target("pay-1:3:0", SHA, null, null, null, "kimi-dt1.secret-part");
    assertThatThrownBy(() -> Decision.approve(signed).toJson())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credential")
        .hasMessageNotContaining("secret-part");
  }

  @Test
  void aNamedDecisionWithoutItsTimeWasMadeNow() {
    Instant before = Instant.now();
    Decision d =
        Decision.fromJson(
            "{\"callId\":\"pay-1:3:0\",\"argumentsSha256\":\""
                + SHA
                + "\","
                + "\"verdict\":\"approve\",\"by\":\"bob\"}");
    assertThat(d.approver().name()).isEqualTo("bob");
    assertThat(d.approver().at()).isBetween(before, Instant.now());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not an object | [1] | a decision is a JSON object",
        "not JSON | {\"callId\" | a decision is a JSON object",
        "no verdict | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`} | names its verdict",
        "unknown verdict | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`maybe`}"
            + " | a verdict is approve, reject or answer: \"maybe\"",
        "a verdict that is no string | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:1}"
            + " | verdict is a string",
        "a malformed id | {`callId`:`pay-1`,`argumentsSha256`:`SHA`,`verdict`:`approve`} | RUN_ID",
        "a malformed digest | {`callId`:`pay-1:3:0`,`argumentsSha256`:`abc`,`verdict`:`approve`}"
            + " | 64 digits",
        "a rejection without its message"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`reject`}"
            + " | a reject needs its message",
        "an answer without its message"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`answer`}"
            + " | an answer needs its message",
        "a rejection that edits"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`reject`,`message`:`no`,"
            + "`arguments`:`{}`} | only an approval edits arguments or allows a tool",
        "an answer that allows"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`answer`,`message`:`x`,"
            + "`allow`:{`tool`:`transfer`}} | only an approval edits arguments or allows a tool",
        "an approval with a message"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,`message`:`x`}"
            + " | an approval carries no message",
        "edited arguments that are no object"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,"
            + "`arguments`:`[1]`} | the edited arguments must be a JSON object",
        "an allowance without its tool"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,`allow`:{}}"
            + " | names its tool",
        "allowed arguments that are no object"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,"
            + "`allow`:{`tool`:`t`,`arguments`:`x`}} | the allowed arguments must be a JSON object",
        "an unknown kind"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,`kind`:`x`}"
            + " | kind is approval or in_doubt",
        "a time without who decided"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,"
            + "`at`:`2026-11-30T10:00:00Z`} | go with who made it",
        "a time that is no instant"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,`by`:`a`,"
            + "`at`:`yesterday`} | an ISO-8601 instant",
        "a blank name"
            + " | {`callId`:`pay-1:3:0`,`argumentsSha256`:`SHA`,`verdict`:`approve`,`by`:` `}"
            + " | 1 to 200 characters",
      })
  void aMalformedFormIsRefusedSayingWhy(String rule, String json, String message) {
    String text = json.replace('`', '"').replace("SHA", SHA);
    assertThatThrownBy(() -> Decision.fromJson(text))
        .as(rule)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aHostileVerdictIsQuotedAndCutInTheMessage() {
    String hostile = "x\n\u001b[31m" + "y".repeat(500);
    String json =
        io.github.kimisdk.json.Json.write(
            JsonObject.builder()
                .put("callId", "pay-1:3:0")
                .put("argumentsSha256", SHA)
                .put("verdict", hostile)
                .build());
    assertThatThrownBy(() -> Decision.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u001b");
              assertThat(e.getMessage().length()).isLessThan(200);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "other arguments | approve | | | | OTHER | the arguments changed since the decision was made",
        "another policy | approve | | sometimes | | SHA | the approval policy changed from sometimes",
        "another tool | approve | refund | | | SHA | the decision was for the tool refund",
        "an allowance for another tool | allow | | | notify | SHA"
            + " | allows the call's own tool (transfer) for the rest of the run, not notify",
        "a second approval by one person | again | | | | SHA | alice has already approved the call",
        "as it waits | approve | | | | SHA | ",
        "bound to all it holds | bound | | | | SHA | ",
        "an allowance for its own tool | own | | | | SHA | ",
        "a rejection by one who approved | reject | | | | SHA | ",
      })
  void aDecisionAnswersTheCallOnlyAsItWaits(
      String rule,
      String how,
      String tool,
      String policy,
      String allowed,
      String sha,
      String refusal) {
    PendingCall waiting = call("transfer", "always", SHA, List.of("alice"));
    Decision.Target t =
        new Decision.Target(
            "pay-1:3:0", sha.equals("SHA") ? SHA : OTHER_SHA, tool, policy, null, null);
    Decision d =
        switch (how) {
          case "allow" -> Decision.approveAndAllow(waiting, Allowance.tool(allowed));
          case "own" -> Decision.approveAndAllow(waiting, Allowance.tool("transfer"));
          case "again" -> Decision.approve(t).by("alice", null);
          case "bound" -> Decision.approve(waiting).by("bob", null);
          case "reject" -> Decision.reject(t, "no").by("alice", null);
          default -> Decision.approve(t);
        };
    String why = DecisionForm.refusal(d, waiting, waiting.approvedBy());
    if (refusal == null) {
      assertThat(why).as(rule).isNull();
    } else {
      assertThat(why).as(rule).contains(refusal);
    }
  }

  @Test
  void formsOfSeededDecisionsReadBackAsThemselves() {
    Random r = new Random(20261130L);
    List<Decision> made = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Decision.Target t =
          new Decision.Target(
              "run-" + r.nextInt(1000) + ":" + (1 + r.nextInt(50)) + ":" + r.nextInt(8),
              r.nextBoolean() ? SHA : OTHER_SHA,
              r.nextBoolean() ? null : "tool" + r.nextInt(3),
              r.nextBoolean() ? null : "policy-" + text(r),
              r.nextBoolean() ? null : PendingCall.Kind.values()[r.nextInt(2)],
              null);
      Decision d =
          switch (r.nextInt(4)) {
            case 0 -> Decision.approve(t);
            case 1 ->
                new Decision.Approve(
                    t,
                    r.nextBoolean() ? null : "{\"n\":" + r.nextInt() + "}",
                    r.nextBoolean()
                        ? null
                        : Allowance.matching("t", JsonObject.of("k", JsonString.of(text(r)))),
                    null);
            case 2 -> Decision.reject(t, text(r));
            default -> new Decision.Answer(t, text(r), null);
          };
      if (r.nextBoolean()) {
        d =
            DecisionForm.withApprover(
                d,
                new Decision.Approver(
                    "p" + text(r), Instant.ofEpochMilli(r.nextLong() >>> 24), text(r)));
      }
      made.add(d);
    }
    for (Decision d : made) {
      assertThat(Decision.fromJson(d.toJson())).isEqualTo(d);
    }
  }

  /** Text with quotes, escapes, controls and characters outside the BMP. */
  private static String text(Random r) {
    String alphabet = "ab \"\\\n\t\u0000\u00e9\u4e2d\ud83d\ude00/";
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(alphabet.length());
      char ch = alphabet.charAt(c);
      if (Character.isHighSurrogate(ch)) {
        b.append(ch).append(alphabet.charAt(c + 1));
      } else if (!Character.isLowSurrogate(ch)) {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
