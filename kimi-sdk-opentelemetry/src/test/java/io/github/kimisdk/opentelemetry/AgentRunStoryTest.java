package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.VersionRule;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One run, one story: a run started and paused on one machine and approved by two people and
 * resumed on another a day later (each machine its own OpenTelemetry, as two processes have), whose
 * drives' spans link to the first, each with what it cost, and whose decisions (who, when, why, how
 * long the call waited), an expiry and a change of the agent's version are events of the run's
 * spans.
 */
class AgentRunStoryTest {
  static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

  FakeKimiServer server;
  final List<KimiClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    clients.forEach(KimiClient::close);
    server.close();
  }

  /** A machine: its own OpenTelemetry, and a client with the telemetry installed. */
  final class Machine {
    final InMemoryTelemetry otel = new InMemoryTelemetry();
    final KimiClient kimi;
    final AgentMetrics metrics = AgentMetrics.create(otel.sdk);
    final AgentSpanEvents events = AgentSpanEvents.create();

    Machine() {
      kimi =
          KimiTelemetry.create(otel.sdk)
              .install(KimiClient.builder().apiKey("sk-story").baseUrl(server.baseUrl()))
              .build();
      clients.add(kimi);
    }

    Agent.Builder payments(RunStore store, Instant now, Approval approval) {
      AgentListener both =
          e -> {
            events.onEvent(e);
            metrics.onEvent(e);
          };
      return Agent.builder(kimi, "kimi-k3")
          .name("payments", "1")
          .key(io.github.kimisdk.agents.TestKeys.KEY)
          .store(store)
          .tool(transfer(approval))
          .clock(Clock.fixed(now, ZoneOffset.UTC))
          .tracer(AgentSpans.create(otel.sdk))
          .listener(both);
    }

    List<SpanData> runs() {
      return otel.spans.getFinishedSpanItems().stream()
          .filter(s -> s.getName().equals("invoke_agent payments"))
          .toList();
    }
  }

  static AgentTool transfer(Approval approval) {
    return BankTools.transfer(
            "Moves money", (args, ctx) -> "transferred " + args.get("amount").asLong())
        .approval(approval);
  }

  static EventData event(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " in " + span.getEvents()));
  }

  @Test
  void theDrivesOfOneRunOnTwoMachinesADayApartLinkToItsFirstEachWithItsCost() {
    RunStore store = RunStore.inMemory();
    Machine first = new Machine();
    Machine second = new Machine();
    Approval twoPeople = Approval.always().approvers(2);

    RunResult.Paused paused =
        (RunResult.Paused)
            first
                .payments(store, T0, twoPeople)
                .build()
                .run("invoice-42", List.of(Message.user("transfer to=acct-7 amount=5000")));
    PendingCall call = paused.pending().get(0);
    Agent dayLater = second.payments(store, T0.plus(Duration.ofDays(1)), twoPeople).build();
    Instant decided = Instant.now(); // a person decides on the clock of the place they decide
    RunResult one =
        dayLater.resume("invoice-42", List.of(Decision.approve(call).by("alice", "first look")));
    assertThat(one).isInstanceOf(RunResult.Paused.class);
    RunResult two = dayLater.resume("invoice-42", List.of(Decision.approve(call).by("bob", null)));
    assertThat(two).isInstanceOf(RunResult.Answered.class);

    SpanData start = first.runs().get(0);
    assertThat(first.runs()).hasSize(1);
    assertThat(start.getLinks()).isEmpty();
    assertThat(start.getAttributes().get(AgentSpans.RUN_STATUS)).isEqualTo("paused");
    List<SpanData> later = second.runs();
    assertThat(later).hasSize(2);
    for (SpanData drive : later) {
      // another trace, another machine: linked to the run's first drive
      assertThat(drive.getTraceId()).isNotEqualTo(start.getTraceId());
      assertThat(drive.getLinks())
          .extracting(LinkData::getSpanContext)
          .anySatisfy(
              c -> {
                assertThat(c.getTraceId()).isEqualTo(start.getTraceId());
                assertThat(c.getSpanId()).isEqualTo(start.getSpanId());
              });
      assertThat(drive.getAttributes().get(AgentSpans.CONVERSATION_ID)).isEqualTo("invoice-42");
    }
    assertThat(later.get(0).getAttributes().get(AgentSpans.RUN_STATUS)).isEqualTo("paused");
    SpanData end = later.get(1);
    assertThat(end.getAttributes().get(AgentSpans.RUN_STATUS)).isEqualTo("answered");

    // each drive that called the model carries what it cost, and its chat spans are beneath it
    for (SpanData drive : List.of(start, end)) {
      assertThat(drive.getAttributes().get(GenAi.COST)).isPositive();
      assertThat(drive.getAttributes().get(GenAi.COST_CURRENCY)).isEqualTo("USD");
      assertThat(drive.getAttributes().get(GenAi.INPUT_TOKENS)).isPositive();
    }
    assertThat(later.get(0).getAttributes().get(GenAi.COST)).isNull(); // no model call in it
    for (Machine m : List.of(first, second)) {
      for (SpanData chat :
          m.otel.spans.getFinishedSpanItems().stream()
              .filter(s -> s.getName().startsWith("chat "))
              .toList()) {
        assertThat(m.runs()).anyMatch(r -> r.getSpanId().equals(chat.getParentSpanId()));
      }
    }

    // the decisions: who, when, why, and how long the call waited
    Attributes approved = event(end, AgentSpanEvents.APPROVED).getAttributes();
    assertThat(approved.get(AgentSpanEvents.APPROVED_BY)).containsExactly("alice", "bob");
    assertThat(approved.get(AgentSpanEvents.APPROVED_AT))
        .hasSize(2)
        .allSatisfy(at -> assertThat(Instant.parse(at)).isBetween(decided, Instant.now()));
    assertThat(approved.get(AgentSpanEvents.APPROVED_COMMENTS)).containsExactly("first look", "");
    assertThat(approved.get(AgentSpanEvents.WAITED)).isEqualTo(86_400.0);
    assertThat(approved.get(AgentSpanEvents.RUN)).isEqualTo("invoice-42");

    // and the wait as a metric of the machine that ran the call
    MetricData wait =
        second.otel.metrics.collectAllMetrics().stream()
            .filter(md -> md.getName().equals(AgentMetrics.APPROVAL_WAIT))
            .findFirst()
            .orElseThrow();
    HistogramPointData p = wait.getHistogramData().getPoints().iterator().next();
    assertThat(p.getCount()).isEqualTo(1);
    assertThat(p.getSum()).isEqualTo(86_400.0);
    assertThat(p.getAttributes().get(AgentSpanEvents.TOOL)).isEqualTo("transfer");
    assertThat(wait.getUnit()).isEqualTo("s");
  }

  @Test
  void aRejectionAnExpiryAndANewVersionAreEventsOfTheRunsSpan() {
    RunStore store = RunStore.inMemory();
    Machine m = new Machine();
    Approval daily = Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT);

    // a person rejects: named, with a time and a comment
    RunResult.Paused p =
        (RunResult.Paused)
            m.payments(store, T0, Approval.always())
                .build()
                .run("rejected", List.of(Message.user("transfer to=acct-1 amount=9")));
    Instant rejected = Instant.now();
    m.payments(store, T0.plusSeconds(60), Approval.always())
        .build()
        .resume(
            "rejected",
            List.of(
                Decision.reject(p.pending().get(0), "not this vendor")
                    .by("carol", "vendor on hold")));
    Attributes denied = event(m.runs().get(1), AgentSpanEvents.DENIED).getAttributes();
    assertThat(denied.get(AgentSpanEvents.BY)).isEqualTo("person");
    assertThat(denied.get(AgentSpanEvents.DENIED_APPROVER)).isEqualTo("carol");
    assertThat(Instant.parse(denied.get(AgentSpanEvents.DENIED_AT)))
        .isBetween(rejected, Instant.now());
    assertThat(denied.get(AgentSpanEvents.DENIED_COMMENT)).isEqualTo("vendor on hold");

    // nobody approved within a day: rejected as configured
    m.payments(store, T0, daily)
        .build()
        .run("expired", List.of(Message.user("transfer to=acct-2 amount=9")));
    RunResult late =
        m.payments(store, T0.plus(Duration.ofHours(25)), daily)
            .build()
            .resume("expired", List.of());
    assertThat(late).isInstanceOf(RunResult.Answered.class);
    SpanData lateSpan = m.runs().get(m.runs().size() - 1);
    Attributes expired = event(lateSpan, AgentSpanEvents.EXPIRED).getAttributes();
    assertThat(expired.get(AgentSpanEvents.TOOL)).isEqualTo("transfer");
    assertThat(expired.get(AgentSpanEvents.EXPIRED_THEN)).isEqualTo("reject");
    assertThat(expired.get(AgentSpanEvents.EXPIRED_AFTER)).isEqualTo(86_400.0);

    // paused under version 1, resumed under version 2 without the tool the run waits on
    m.payments(store, T0, Approval.always())
        .build()
        .run("versions", List.of(Message.user("transfer to=acct-3 amount=9")));
    AgentListener both =
        e -> {
          m.events.onEvent(e);
          m.metrics.onEvent(e);
        };
    Agent v2 =
        Agent.builder(m.kimi, "kimi-k3")
            .name("payments", "2")
            .key(io.github.kimisdk.agents.TestKeys.KEY)
            .store(store)
            .tool(
                AgentTool.of(
                    "lookup",
                    "Looks an account up",
                    JsonSchema.object().required("to", JsonSchema.string()).build(),
                    (args, ctx) -> "found"))
            .onNewVersion(VersionRule.CONTINUE)
            .clock(Clock.fixed(T0.plusSeconds(120), ZoneOffset.UTC))
            .tracer(AgentSpans.create(m.otel.sdk))
            .listener(both)
            .build();
    v2.resume("versions", List.of());
    Attributes changed =
        event(m.runs().get(m.runs().size() - 1), AgentSpanEvents.AGENT_CHANGED).getAttributes();
    assertThat(changed.get(AgentSpanEvents.SAVED_BY)).isEqualTo("payments@1");
    assertThat(changed.get(AgentSpanEvents.RESUMED_BY)).isEqualTo("payments@2");
    assertThat(changed.get(AgentSpanEvents.ADDED)).containsExactly("lookup");
    assertThat(changed.get(AgentSpanEvents.REMOVED)).containsExactly("transfer");
    assertThat(changed.get(AgentSpanEvents.RULE)).isEqualTo("continue");
    assertThat(changed.get(AgentSpanEvents.CONTINUED)).isTrue();
  }
}
