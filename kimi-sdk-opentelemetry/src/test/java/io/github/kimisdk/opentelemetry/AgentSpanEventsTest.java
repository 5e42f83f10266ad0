package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.Verdict;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSpanEventsTest {

  @Test
  void theRunsMomentsAreEventsOfTheSpanAroundItWithoutArgumentsOrKeys() {
    InMemoryTelemetry otel = new InMemoryTelemetry();
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      AgentTool transfer =
          AgentTool.of(
                  "transfer",
                  "Moves money",
                  JsonSchema.object()
                      .required("to", JsonSchema.string())
                      .required("amount", JsonSchema.integer())
                      .build(),
                  (args, ctx) -> "transferred under " + ctx.idempotencyKey())
              .approval(Approval.always());
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
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
    SpanData payments =
        otel.spans.getFinishedSpanItems().stream()
            .filter(d -> d.getName().equals("payments"))
            .findFirst()
            .orElseThrow();
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
}
