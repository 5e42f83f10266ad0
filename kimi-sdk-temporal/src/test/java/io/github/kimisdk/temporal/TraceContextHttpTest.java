package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.opentelemetry.AgentSpans;
import io.github.kimisdk.opentelemetry.KimiTelemetry;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent's spans joined across Temporal: the caller's span, the run's {@code invoke_agent} made
 * in the workflow, its {@code execute_tool} spans, and the {@code chat} spans the client made in
 * the model calls' activities, one trace, each under the span that was current where its work was
 * scheduled.
 */
@ExtendWith(FakeKimiExtension.class)
class TraceContextHttpTest {
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");

  InMemorySpanExporter spans;
  OpenTelemetrySdk otel;
  KimiClient kimi;

  /** The test's spans, its OpenTelemetry, and a client of the fake with its telemetry installed. */
  @BeforeEach
  void start(FakeKimiExtension.Clients clients) {
    spans = InMemorySpanExporter.create();
    otel = tracing(spans);
    kimi = clients.build(b -> KimiTelemetry.create(otel).install(b));
  }

  /** OpenTelemetry that exports every span to {@code spans} and propagates W3C trace context. */
  static OpenTelemetrySdk tracing(InMemorySpanExporter spans) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** A test environment whose client and workers carry the trace context through {@code otel}. */
  static TestEnvironmentOptions traced(OpenTelemetrySdk otel) {
    return TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(
            WorkflowClientOptions.newBuilder()
                .setInterceptors(TraceContext.clientInterceptor(otel))
                .build())
        .setWorkerFactoryOptions(
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(TraceContext.workerInterceptor(otel))
                .build())
        .build();
  }

  /**
   * An agent of K3 named {@code name}, version 1, whose runs and tool calls are spans of {@code
   * otel}.
   */
  static Agent.Builder tracedAgent(KimiClient kimi, OpenTelemetrySdk otel, String name) {
    return Agent.builder(kimi, "kimi-k3").name(name, "1").tracer(AgentSpans.create(otel));
  }

  @Test
  void theRunsSpansJoinTheCallersTraceAcrossTheWorkflowAndItsActivities(FakeKimiServer server)
      throws Exception {
    Agent agent =
        tracedAgent(kimi, otel, "payments")
            .tool(new Bank().tool().approval(Approval.never()).asIdempotent())
            .tool(BankTools.notifier())
            .build();
    InProcessTemporal t =
        new InProcessTemporal(KimiAgents.builder().agent("payments", agent).build(), traced(otel));
    try {
      Span request = otel.getTracer("test").spanBuilder("POST /invoices/42/pay").startSpan();
      Scope scope = request.makeCurrent();
      try {
        t.start(
            AgentRun.of(
                "payments", "traced-1", List.of(Message.user(KimiAgentWorkflowHttpTest.TASK))));
      } finally {
        scope.close();
        request.end();
      }
      assertThat(t.result("traced-1").status()).isEqualTo("answered");

      List<SpanData> all = spans.getFinishedSpanItems();
      SpanData run = only(all, "invoke_agent");
      assertThat(run.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(run.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      List<SpanData> chats = of(all, "chat");
      assertThat(chats).hasSize(server.requestCount());
      assertThat(chats)
          .allSatisfy(
              c -> {
                assertThat(c.getTraceId()).isEqualTo(run.getTraceId());
                assertThat(c.getParentSpanId()).isEqualTo(run.getSpanId());
              });
      List<SpanData> tools = of(all, "execute_tool");
      assertThat(tools).hasSize(2);
      assertThat(tools).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(run.getSpanId()));
    } finally {
      t.close();
    }
  }

  @Test
  void aSubagentsChildWorkflowGoesOnInTheTraceUnderItsCallsSpan(FakeKimiServer server)
      throws Exception {
    Agent researcher =
        tracedAgent(kimi, otel, "researcher").tool(ChildWorkflowsHttpTest.ping()).build();
    Agent lead =
        tracedAgent(kimi, otel, "lead").tool(researcher.asTool("ask_a", "Researcher A")).build();
    InProcessTemporal t =
        new InProcessTemporal(
            KimiAgents.builder()
                .agent("lead", lead, AgentOptions.defaults().childWorkflows(true))
                .build(),
            traced(otel));
    try {
      t.start(AgentRun.of("lead", "traced-2", List.of(Message.user("ask_a task=ping"))));
      t.track("traced-2.1.0");
      assertThat(t.result("traced-2").status()).isEqualTo("answered");

      List<SpanData> all = spans.getFinishedSpanItems();
      List<SpanData> runs = of(all, "invoke_agent");
      assertThat(runs).hasSize(2);
      SpanData parent =
          only(
              of(all, "execute_tool").stream().filter(s -> s.getName().contains("ask_a")).toList(),
              "execute_tool");
      SpanData child =
          runs.stream().filter(r -> r.getName().contains("researcher")).findFirst().orElseThrow();
      assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
      assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
      assertThat(of(all, "chat"))
          .hasSize(server.requestCount())
          .allSatisfy(c -> assertThat(c.getTraceId()).isEqualTo(parent.getTraceId()));
    } finally {
      t.close();
    }
  }

  static List<SpanData> of(List<SpanData> all, String operation) {
    return all.stream().filter(s -> operation.equals(s.getAttributes().get(OPERATION))).toList();
  }

  static SpanData only(List<SpanData> all, String operation) {
    List<SpanData> found = of(all, operation);
    assertThat(found).as("%s spans", operation).hasSize(1);
    return found.get(0);
  }
}
