package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The caller's context reaches every callback of an agent run: its tool handlers on the agent's
 * pool, its hooks, its listener's events and its tracer's spans on whichever thread tells them, and
 * a subagent's, in memory and on a store, as an MDC or an OpenTelemetry context would.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentContextHttpTest {
  static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

  /** A propagator of {@link #REQUEST}, as an MDC's is. */
  static final ContextPropagator PROPAGATOR =
      () -> {
        String captured = REQUEST.get();
        return () -> {
          String before = REQUEST.get();
          REQUEST.set(captured);
          return () -> REQUEST.set(before);
        };
      };

  final Map<String, String> seen = new ConcurrentHashMap<>();

  void note(String where) {
    seen.put(where + "@" + Thread.currentThread().getName(), String.valueOf(REQUEST.get()));
  }

  Agent.Builder agent(KimiClient kimi) {
    AgentTool notify =
        BankTools.notifier(
            (a, ctx) -> {
              note("tool");
              return "told";
            });
    AgentTool transfer =
        new Bank()
            .tool()
            .approval(
                Approval.policy(
                    "checked",
                    args -> {
                      note("approval");
                      return Verdict.allow();
                    }));
    return Agent.builder(kimi, "kimi-k3")
        .tool(notify)
        .tool(transfer)
        .hook(
            call -> {
              note("hook");
              return Verdict.allow();
            })
        .listener(e -> note("listener"))
        .tracer(
            run ->
                new AgentTracer.RunSpan() {
                  @Override
                  public AgentTracer.ToolSpan startTool(AgentTracer.ToolStart call) {
                    note("tracer");
                    return (content, error, failure) -> note("tracer");
                  }

                  @Override
                  public void end(
                      RunResult result,
                      io.github.kimisdk.chat.Usage usage,
                      io.github.kimisdk.model.Spend spend) {
                    note("tracer");
                  }
                });
  }

  KimiClient withPropagator(FakeKimiServer server) {
    return KimiClient.builder()
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .contextPropagator(PROPAGATOR)
        .build();
  }

  @Test
  void everyCallbackOfAnInMemoryAndADurableRunSeesTheCallersContext(FakeKimiServer server)
      throws Exception {
    try (KimiClient kimi = withPropagator(server)) {
      for (Agent agent :
          List.of(
              agent(kimi).build(),
              agent(kimi).key(TestKeys.KEY).store(RunStore.inMemory()).build())) {
        REQUEST.set("request-42");
        try {
          RunResult r =
              agent.run(List.of(Message.user("transfer to=acct-1 amount=5 and notify to=acct-1")));
          assertThat(r).isInstanceOf(RunResult.Answered.class);
        } finally {
          REQUEST.remove();
        }
      }
    }
    assertThat(seen.keySet())
        .anyMatch(k -> k.startsWith("tool@kimi-agent-"))
        .anyMatch(k -> k.startsWith("listener@kimi-agent-")) // told on the pool's threads too
        .anyMatch(k -> k.startsWith("tracer@kimi-agent-"))
        .anyMatch(k -> k.startsWith("hook@"))
        .anyMatch(k -> k.startsWith("approval@"));
    assertThat(seen.values()).containsOnly("request-42");
  }

  @Test
  void aSubagentsToolsAndARunDrivenOnAnotherThreadSeeTheContextOfTheirDrive(FakeKimiServer server)
      throws Exception {
    var pool = Executors.newSingleThreadExecutor();
    try (KimiClient kimi = withPropagator(server)) {
      Agent child = agent(kimi).name("child", "1").build();
      Agent lead =
          Agent.builder(kimi, "kimi-k3")
              .tool(child.asTool("research_north", "Researches"))
              .listener(e -> note("lead-listener"))
              .build();
      RunResult r =
          pool.submit(
                  () -> {
                    REQUEST.set("request-7");
                    try {
                      return lead.run(
                          List.of(Message.user("Use research_north with task=notify to=acct-1")));
                    } finally {
                      REQUEST.remove();
                    }
                  })
              .get(60, TimeUnit.SECONDS);
      assertThat(r).isInstanceOf(RunResult.Answered.class);
    } finally {
      pool.shutdown();
    }
    assertThat(seen.keySet()).anyMatch(k -> k.startsWith("tool@kimi-agent-"));
    assertThat(seen.values()).containsOnly("request-7");
  }
}
