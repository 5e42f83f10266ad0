package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.tool.JsonSchema;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A variant of an agent for one run ({@link Agent#toBuilder()}, {@link Agent.Builder#changeTools}):
 * every setting of the agent is carried over (a setting of {@link AgentSettings} added and missed
 * by its copy fails this test by name), tools are changed or removed in their place, and {@link
 * RunHost#check} refuses what an engine cannot run.
 */
class AgentVariantsTest {
  static final KimiClient KIMI =
      KimiClient.builder().apiKey("sk-variants").baseUrl("http://127.0.0.1:9").build();

  static AgentTool tool(String name) {
    return AgentTool.of(name, "Does " + name, JsonSchema.object().build(), (a, ctx) -> name);
  }

  /** An agent with every setting unlike its default. */
  static Agent full() {
    return Agent.builder(KIMI, "kimi-k3")
        .name("payments", "7")
        .instructions("Pay invoices.")
        .description("pays")
        .tool(tool("transfer").approval(Approval.always().approvers(2)).asIdempotent())
        .tool(tool("notify"))
        .tool(Agent.builder(KIMI, "kimi-k3").name("helper", "1").build().asTool("ask", "Asks"))
        .hook(call -> Verdict.allow())
        .request(b -> b.maxCompletionTokens(900))
        .streaming(true)
        .store(RunStore.inMemory())
        .key(RunKey.fromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))
        .lease(Duration.ofSeconds(7))
        .claimWait(Duration.ofSeconds(3))
        .clock(Clock.fixed(Instant.parse("2026-11-28T09:00:00Z"), ZoneOffset.UTC))
        .owner("worker-7")
        .onNewVersion(VersionRule.REFUSE)
        .maxSteps(33)
        .maxTotalTokens(44_000)
        .maxSpend(new BigDecimal("0.5"), Currency.getInstance("USD"))
        .maxConcurrentCalls(3)
        .timeLimit(Duration.ofMinutes(5))
        .parallelism(6)
        .toolTimeout(Duration.ofSeconds(9))
        .compaction(Compaction.defaults().recentTurns(4))
        .listener(e -> {})
        .tracer(run -> AgentTracer.RunSpan.NONE)
        .build();
  }

  @Test
  void toBuilderCarriesEverySettingOfTheAgent() throws Exception {
    Agent a = full();
    Agent b = a.toBuilder().build();
    List<Field> fields = new ArrayList<>(List.of(AgentSettings.class.getDeclaredFields()));
    fields.addAll(List.of(Setup.class.getDeclaredFields()));
    for (Field f : fields) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      f.setAccessible(true);
      Object x = f.get(a.setup);
      Object y = f.get(b.setup);
      if (f.getName().equals("pool")) {
        assertThat(((java.util.concurrent.ThreadPoolExecutor) y).getCorePoolSize())
            .as("the parallelism")
            .isEqualTo(6);
        continue;
      }
      assertThat(y).as("the agent's %s, carried by toBuilder", f.getName()).isEqualTo(x);
    }
    assertThat(b.limits())
        .isEqualTo(
            new Agent.Limits(
                33,
                44_000,
                new BigDecimal("0.5"),
                Currency.getInstance("USD"),
                Duration.ofMinutes(5)));
    assertThat(b.compaction().recentTurns()).isEqualTo(4);
  }

  @Test
  void toBuilderCarriesAStoresOptOutOfTheKey() {
    Agent unsealed = Agent.builder(KIMI, "kimi-k3").store(RunStore.inMemory()).unsealed().build();
    Agent again = unsealed.toBuilder().build();
    assertThat(again.store()).isPresent();
    assertThatThrownBy(() -> again.toBuilder().key(RunKey.generate()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unsealed()");
  }

  @Test
  void theLoopsLogsStayUnderTheAgentsName() {
    assertThat(Texts.LOG.getName()).isEqualTo(Agent.class.getName());
  }

  @Test
  void changeToolsReplacesAndRemovesEachToolInItsPlace() {
    Agent a = full();
    Agent narrowed =
        a.toBuilder()
            .store(RunStore.inMemory())
            .changeTools(
                t ->
                    t.name().equals("notify")
                        ? null
                        : t.name().equals("transfer") ? t.approval(Approval.never()) : t)
            .build();

    assertThat(narrowed.setup.tools.keySet()).containsExactly("transfer", "ask");
    assertThat(narrowed.setup.tools.get("transfer").approval()).isEqualTo(Approval.never());
    assertThat(a.setup.tools.keySet()).containsExactly("transfer", "notify", "ask"); // unchanged
    // the declarations in their order: the variant's definition is its own
    assertThat(narrowed.tools()).extracting(t -> t.name()).containsExactly("transfer", "ask");
    assertThat(narrowed.digest()).isNotEqualTo(a.digest());
    assertThat(a.toBuilder().changeTools(t -> t).build().digest()).isEqualTo(a.digest());
    assertThatThrownBy(() -> a.toBuilder().changeTools(t -> tool("other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keeps each tool's name");
  }

  @Test
  void anEngineRefusesAnAgentWithAStoreOrItsOwnLimitOnCallsInFlightAndSaysWhy() {
    Agent plain = Agent.builder(KIMI, "kimi-k3").name("plain", "1").tool(tool("notify")).build();
    RunHost.check(plain);

    Agent stored = plain.toBuilder().store(RunStore.inMemory()).unsealed().build();
    assertThatThrownBy(() -> RunHost.check(stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the agent plain has a store")
        .hasMessageContaining("without Agent.Builder.store");

    Agent gated = plain.toBuilder().maxConcurrentCalls(2).build();
    assertThatThrownBy(() -> RunHost.check(gated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentCalls");

    Agent parent =
        Agent.builder(KIMI, "kimi-k3").name("lead", "1").tool(gated.asTool("ask", "Asks")).build();
    assertThatThrownBy(() -> RunHost.check(parent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the agent plain sets maxConcurrentCalls");
    assertThat(RunHost.subagent(parent, "ask")).isSameAs(gated);
    assertThat(RunHost.subagent(parent, "notify")).isNull();
  }
}
