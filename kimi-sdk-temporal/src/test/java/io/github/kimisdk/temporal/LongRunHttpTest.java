package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.KimisRules;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs that never outgrow their history: a run of many steps on a 6,000-token window compacts as
 * the one loop does and continues as new before the step that could take an execution's history
 * past its bound, carrying its saved state; every execution of the chain stays within the bound, in
 * events and in bytes, and every one replays: 600 steps at 1,000 events, 12 at 100, and 40 at 256
 * KiB.
 */
@ExtendWith(FakeKimiExtension.class)
class LongRunHttpTest {
  static final int WINDOW = 6_000;
  static final ModelInfo SMALL_K3 =
      ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(WINDOW);

  @Test
  void aRunOfSixHundredStepsOnASixThousandTokenWindowFinishesWithinItsBound(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    longRun(server, clients, 600, 1_000, 4L << 20, AgentOptions.DEFAULT_MAX_TOOL_RESULT_BYTES)
        .close();
  }

  @Test
  void aShortRunContinuesAsNewAtTheSmallestBoundFromItsSavedState(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    InProcessTemporal t =
        longRun(server, clients, 12, 100, 4L << 20, AgentOptions.DEFAULT_MAX_TOOL_RESULT_BYTES);
    // the second execution started from the first's saved state: its history must replay forever
    t.save("long-12", 1, KimiAgentWorkflowHttpTest.GOLDEN.resolve("bound-before-step-v1.json"));
    t.close();
  }

  @Test
  void aRunWhoseBytesBoundIsTheTighterNeverPassesItInAnyExecution(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    // the step's bounded size: its request (up to the window's, about 26 KB here), the largest
    // reply of 800 tokens, a summary call of the same, and a tool result of at most 4 KiB
    longRun(server, clients, 40, 5_000, 256L << 10, 4 << 10).close();
  }

  /** A client of the small-window model on {@code server}. */
  static KimiClient smallWindow(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.addModel(SMALL_K3);
    return clients.build(b -> b.catalog(ModelCatalog.defaults().with(SMALL_K3)));
  }

  /** The agent of the long runs, on {@code kimi}. */
  static Agent pinger(KimiClient kimi, int turns) {
    AgentTool ping =
        AgentTool.of(
            "ping",
            "Pings the service once",
            JsonSchema.object().build(),
            (a, ctx) ->
                "pong " + ctx.step() + " " + "the service answered in good health. ".repeat(8));
    return Agent.builder(kimi, "kimi-k3")
        .name("pinger", "1")
        .tool(ping.asReadOnly())
        .maxSteps(turns + 100)
        .request(b -> b.maxCompletionTokens(800))
        .build();
  }

  /**
   * Scripts the model: it calls ping on every step until it made {@code turns} calls, then answers;
   * a summary the compaction asks for (tool choice none) is the fake model's own. Returns the count
   * of the model's steps.
   */
  static AtomicInteger script(FakeKimiServer server, int turns) {
    AtomicInteger pings = new AtomicInteger();
    server.respondWith(
        r ->
            r.bodyText().contains("\"tool_choice\":\"none\"")
                ? null
                : pings.incrementAndGet() <= turns
                    ? FakeResponse.toolCalls(ToolCall.function(null, "ping", "{}"))
                    : FakeResponse.reply("pinged " + turns + " times"));
    return pings;
  }

  /**
   * Runs {@code turns} steps at a history bound of {@code events} events and {@code bytes} bytes,
   * tool results cut to {@code resultBytes}; the caller closes it.
   */
  static InProcessTemporal longRun(
      FakeKimiServer server,
      FakeKimiExtension.Clients clients,
      int turns,
      int events,
      long bytes,
      int resultBytes)
      throws Exception {
    Agent agent = pinger(smallWindow(server, clients), turns);
    AtomicInteger pings = script(server, turns);
    String task = "ping the service " + turns + " times, once a step";
    InProcessTemporal t =
        new InProcessTemporal(
            KimiAgents.builder()
                .agent(
                    "pinger",
                    agent,
                    AgentOptions.defaults()
                        .continueAsNewAfter(events, bytes)
                        .maxToolResultBytes(resultBytes))
                .build());
    t.start(AgentRun.of("pinger", "long-" + turns, List.of(Message.user(task))));
    RunOutcome o = t.result("long-" + turns);

    assertThat(o.status()).isEqualTo("answered");
    RunState end = o.runState();
    assertThat(end.steps()).isEqualTo(turns + 1);
    List<WorkflowExecutionHistory> chain = t.chain("long-" + turns);
    assertThat(chain).hasSize(o.execution()).hasSizeGreaterThan(1);
    System.out.println(
        "LONG-RUN "
            + turns
            + " steps: "
            + chain.stream().map(h -> h.getEvents().size()).toList()
            + " events and "
            + chain.stream().map(h -> h.getHistory().getSerializedSize()).toList()
            + " bytes per execution; largest request body "
            + server.requests().stream().mapToInt(r -> r.bodyText().length()).max().orElse(0));
    for (WorkflowExecutionHistory h : chain) {
      assertThat(h.getEvents()).as("an execution's events").hasSizeLessThanOrEqualTo(events);
      assertThat((long) h.getHistory().getSerializedSize())
          .as("an execution's bytes")
          .isLessThanOrEqualTo(bytes);
    }
    for (int i = 0; i < chain.size() - 1; i++) {
      assertThat(chain.get(i).getLastEvent().getEventType())
          .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    }
    int largest = 0;
    for (RecordedRequest r : server.requests()) {
      KimisRules.check(r);
      largest = Math.max(largest, r.bodyText().length());
    }
    // a continue-as-new carried the run on, it did not make a step again: one call a step
    assertThat(pings.get()).isEqualTo(turns + 1);
    if (turns > 100) {
      long summaries =
          server.requests().stream()
              .filter(r -> r.bodyText().contains("\"tool_choice\":\"none\""))
              .count();
      assertThat(summaries).as("compactions on the way").isGreaterThan(1);
      assertThat(largest).as("the largest request body, in bytes").isLessThan(WINDOW * 8);
    }
    return t;
  }
}
