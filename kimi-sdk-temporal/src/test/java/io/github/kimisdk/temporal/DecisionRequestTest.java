package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.agents.Allowance;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The workflow update's payload: the agents' decision in Temporal's JSON, in both directions. */
class DecisionRequestTest {
  static final String SHA = "4553ac23c277e7c1255497bae3ef54434b79a73307bb4a95596d50ea74ec5fb7";
  static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");
  static final Decision.Target TARGET = Decision.Target.of("pay-2:1:0", SHA);
  static final Decision.Approver ALICE = new Decision.Approver("alice", AT, "checked");

  @Test
  void eachFactoryCarriesTheAgentsDecisionItNames() {
    assertThat(DecisionRequest.approve("pay-2:1:0", SHA).by("alice", "checked").decision(AT))
        .isEqualTo(new Decision.Approve(TARGET, null, null, ALICE));
    assertThat(
            DecisionRequest.approveEdited("pay-2:1:0", SHA, "{\"to\":\"acct-2\"}")
                .by("alice", "checked")
                .decision(AT))
        .isEqualTo(new Decision.Approve(TARGET, "{\"to\":\"acct-2\"}", null, ALICE));
    Allowance acct1 = Allowance.matching("transfer", JsonObject.of("to", JsonString.of("acct-1")));
    assertThat(
            DecisionRequest.approveAndAllow("pay-2:1:0", SHA, acct1)
                .by("alice", "checked")
                .decision(AT))
        .isEqualTo(new Decision.Approve(TARGET, null, acct1, ALICE));
    assertThat(DecisionRequest.reject("pay-2:1:0", SHA, "no").by("alice", "checked").decision(AT))
        .isEqualTo(new Decision.Reject(TARGET, "no", ALICE));
    assertThat(DecisionRequest.answer("pay-2:1:0", SHA, "42").decision(AT))
        .isEqualTo(new Decision.Answer(TARGET, "42", null));
    assertThat(DecisionRequest.approve("pay-2:1:0", SHA).underPolicy("always").decision(AT))
        .isEqualTo(
            Decision.approve(new Decision.Target("pay-2:1:0", SHA, null, "always", null, null)));
  }

  @Test
  void anyDecisionByIdAndDigestIsCarriedByOf() {
    Decision.Target bound = new Decision.Target("pay-2:1:0", SHA, null, "always", null, null);
    List<Decision> all =
        List.of(
            Decision.approve(bound).by("alice", "checked"),
            new Decision.Approve(bound, "{\"n\":1}", Allowance.tool("transfer"), null),
            Decision.reject(bound, "not this month"),
            new Decision.Answer(TARGET, "{\"done\":true}", ALICE));
    for (Decision d : all) {
      Decision carried = DecisionRequest.of(d).decision(AT);
      Decision expected =
          d.approver() == null ? d : d.by(d.approver().name(), d.approver().comment());
      assertThat(carried.toJson().replaceAll("\"at\":\"[^\"]*\"", ""))
          .isEqualTo(expected.toJson().replaceAll("\"at\":\"[^\"]*\"", ""));
    }
  }

  @Test
  void aDecisionOnASignedTokenIsNotCarriedIntoTheHistory() {
    Decision.Target signed = new Decision.Target("pay-2:1:0", SHA, null, null, null, "kimi-dt1.x");
    assertThatThrownBy(() -> DecisionRequest.of(Decision.approve(signed)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credential");
  }

  @Test
  void theRulesAreTheAgentsForm() {
    assertThatThrownBy(
            () ->
                new DecisionRequest(
                    "pay-2:1:0", SHA, "maybe", null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a verdict is approve, reject or answer: \"maybe\"");
    assertThatThrownBy(
            () ->
                new DecisionRequest(
                    "pay-2:1:0", SHA, "reject", "{}", null, null, "no", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only an approval edits arguments or allows a tool");
    assertThatThrownBy(
            () ->
                new DecisionRequest(
                    "pay-2:1:0", SHA, "answer", null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an answer needs its message");
    assertThatThrownBy(
            () ->
                new DecisionRequest(
                    "pay-2:1:0", SHA, "approve", null, null, "{}", null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowArguments goes with allowTool");
    assertThatThrownBy(() -> DecisionRequest.approve("pay-2:1:0", SHA).by(" ", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 200 characters");
    assertThatThrownBy(() -> DecisionRequest.approve("pay-2", SHA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RUN_ID:STEP:POSITION");
  }

  /** The payloads the golden histories hold, written by an earlier build, read as they were. */
  @Test
  void theUpdatesAnEarlierBuildWroteReadAsTheSameDecisions() {
    DecisionRequest approved =
        read(
            "{\"callId\":\"pay-2:1:0\",\"argumentsSha256\":\""
                + SHA
                + "\",\"verdict\":\"approve\",\"arguments\":null,\"allowTool\":null,"
                + "\"allowArguments\":null,\"message\":null,\"policy\":\"always\","
                + "\"by\":\"alice@example.com\",\"comment\":\"invoice checked\"}");
    assertThat(approved.decision(AT))
        .isEqualTo(
            new Decision.Approve(
                new Decision.Target("pay-2:1:0", SHA, null, "always", null, null),
                null,
                null,
                new Decision.Approver("alice@example.com", AT, "invoice checked")));
    DecisionRequest rejected =
        read(
            "{\"callId\":\"pay-4:1:0\",\"argumentsSha256\":\""
                + SHA
                + "\",\"verdict\":\"reject\",\"arguments\":null,\"allowTool\":null,"
                + "\"allowArguments\":null,\"message\":\"not this month\",\"policy\":null,"
                + "\"by\":\"bob\",\"comment\":\"budget\"}");
    assertThat(rejected.decision(AT))
        .isEqualTo(
            new Decision.Reject(
                Decision.Target.of("pay-4:1:0", SHA),
                "not this month",
                new Decision.Approver("bob", AT, "budget")));
    // and this build writes the same members
    Optional<Payload> written = DefaultDataConverter.newDefaultInstance().toPayload(approved);
    assertThat(written.orElseThrow().getData().toStringUtf8())
        .contains("\"verdict\":\"approve\"")
        .contains("\"policy\":\"always\"")
        .contains("\"by\":\"alice@example.com\"");
  }

  private static DecisionRequest read(String json) {
    Payload p =
        Payload.newBuilder()
            .putMetadata(
                "encoding",
                com.google.protobuf.ByteString.copyFrom("json/plain", StandardCharsets.UTF_8))
            .setData(com.google.protobuf.ByteString.copyFrom(json, StandardCharsets.UTF_8))
            .build();
    return DefaultDataConverter.newDefaultInstance()
        .fromPayload(p, DecisionRequest.class, DecisionRequest.class);
  }
}
