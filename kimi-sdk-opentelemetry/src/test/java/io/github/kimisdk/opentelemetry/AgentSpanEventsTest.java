package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.Verdict;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSpanEventsTest {

  /** The finished span of the "payments" agent's run. */
  static SpanData paymentsSpan(InMemoryTelemetry otel) {
    return otel.spans.getFinishedSpanItems().stream()
        .filter(d -> d.getName().equals("payments"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theRunsMomentsAreEventsOfTheSpanAroundItWithoutArgumentsOrKeys() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      AgentTool transfer =
          BankTools.transfer(
                  "Moves money", (args, ctx) -> "transferred under " + ctx.idempotencyKey())
              .approval(Approval.always());
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .key(io.github.kimisdk.agents.TestKeys.KEY)
              .store(io.github.kimisdk.agents.RunStore.inMemory())
              .tool(transfer)
              .hook(
                  c -> c.arguments().contains("acct-0") ? Verdict.deny("closed") : Verdict.allow())
              .listener(AgentSpanEvents.create())
              .build();
      Span span = otel.sdk.getTracer("test").spanBuilder("payments").startSpan();
      try (Scope s = span.makeCurrent()) {
        assertThat(Span.current()).isSameAs(span).as("scope %s", s);
        RunResult.Paused p =
            (RunResult.Paused)
                agent.run("run-9", List.of(Message.user("transfer to=acct-7 amount=5")));
        agent.resume(p.state(), List.of(Decision.approve(p.pending().get(0))));
      } finally {
        span.end();
      }
    }
    SpanData payments = paymentsSpan(otel);
    List<String> names = payments.getEvents().stream().map(EventData::getName).toList();
    assertThat(names)
        .containsSubsequence(
            AgentSpanEvents.CLAIMED,
            AgentSpanEvents.PAUSED,
            AgentSpanEvents.CLAIMED,
            AgentSpanEvents.RESUMED,
            AgentSpanEvents.APPROVED);
    EventData approved =
        payments.getEvents().stream()
            .filter(e -> e.getName().equals(AgentSpanEvents.APPROVED))
            .findFirst()
            .orElseThrow();
    assertThat(approved.getAttributes().get(AgentSpanEvents.RUN)).isEqualTo("run-9");
    assertThat(approved.getAttributes().get(AgentSpanEvents.TOOL)).isEqualTo("transfer");
    assertThat(approved.getAttributes().get(AgentSpanEvents.HOW)).isEqualTo("decision");
    for (EventData e : payments.getEvents()) {
      assertThat(e.getAttributes().toString()).doesNotContain("kimi-").doesNotContain("acct-7");
    }
    // the model's calls are chat spans of their own, under the run's span where telemetry is
    // installed; here only the events are asked for
  }

  @Test
  void everyDecisionIsAnEventWithWhoWhenAndWhyTheFirstOfTwoAndAnExpiryIncluded() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    java.time.Instant t0 = java.time.Instant.parse("2026-11-28T09:00:00Z");
    java.time.Instant later = t0.plus(java.time.Duration.ofHours(25));
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      io.github.kimisdk.agents.RunStore store = io.github.kimisdk.agents.RunStore.inMemory();
      java.util.function.BiFunction<Approval, java.time.Instant, Agent> agent =
          (approval, now) ->
              Agent.builder(kimi, "kimi-k3")
                  .key(io.github.kimisdk.agents.TestKeys.KEY)
                  .store(store)
                  .clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
                  .tool(BankTools.transfer("Moves money", (args, ctx) -> "done").approval(approval))
                  .listener(AgentSpanEvents.create())
                  .build();
      Approval two = Approval.always().approvers(2);
      Approval daily =
          Approval.always().expiresAfter(java.time.Duration.ofHours(24), Approval.Expiry.REJECT);
      Span span = otel.sdk.getTracer("test").spanBuilder("payments").startSpan();
      try (Scope s = span.makeCurrent()) {
        assertThat(Span.current()).isSameAs(span).as("scope %s", s);
        RunResult.Paused p =
            (RunResult.Paused)
                agent
                    .apply(two, t0)
                    .run("run-2", List.of(Message.user("transfer to=acct-7 amount=5")));
        Decision alice = Decision.approve(p.pending().get(0)).by("alice", "first look");
        agent.apply(two, t0).resume("run-2", List.of(alice));
        agent
            .apply(two, t0)
            .resume("run-2", List.of(Decision.approve(p.pending().get(0)).by("bob", null)));
        agent.apply(daily, t0).run("run-3", List.of(Message.user("transfer to=acct-7 amount=5")));
        agent.apply(daily, later).resume("run-3", List.of());
      } finally {
        span.end();
      }
    }
    SpanData payments = paymentsSpan(otel);
    List<EventData> decided =
        payments.getEvents().stream()
            .filter(e -> e.getName().equals(AgentSpanEvents.DECIDED))
            .toList();
    assertThat(decided).hasSize(3);
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_BY)).isEqualTo("alice");
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_COMMENT))
        .isEqualTo("first look");
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_ACTION))
        .isEqualTo("approve");
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_SEQ)).isEqualTo(1L);
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_APPROVERS))
        .isEqualTo(2L);
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_CALL))
        .isEqualTo("run-2:1:0");
    assertThat(decided.get(0).getAttributes().get(AgentSpanEvents.DECISION_AT)).isNotBlank();
    assertThat(decided.get(1).getAttributes().get(AgentSpanEvents.DECISION_BY)).isEqualTo("bob");
    assertThat(decided.get(1).getAttributes().get(AgentSpanEvents.DECISION_SEQ)).isEqualTo(2L);
    assertThat(decided.get(2).getAttributes().get(AgentSpanEvents.DECISION_ACTION))
        .isEqualTo("expired");
    assertThat(decided.get(2).getAttributes().get(AgentSpanEvents.DECISION_AT))
        .isEqualTo(later.toString());
    assertThat(decided.get(2).getAttributes().get(AgentSpanEvents.DECISION_BY)).isNull();
    EventData expired =
        payments.getEvents().stream()
            .filter(e -> e.getName().equals(AgentSpanEvents.EXPIRED))
            .findFirst()
            .orElseThrow();
    assertThat(expired.getAttributes().get(AgentSpanEvents.EXPIRED_AT)).isEqualTo(later.toString());
    for (EventData e : payments.getEvents()) {
      assertThat(e.getAttributes().toString()).doesNotContain("acct-7").doesNotContain("kimi-");
    }
  }
}
