package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prompt cache time to live an agent's run asks for, as the fake recorded the bytes, and the
 * worst case a spend limit counts at it (ported from the core's PromptCacheTtlHttpTest, whose other
 * cases stay there).
 */
@ExtendWith(FakeKimiExtension.class)
class AgentPromptCacheTtlHttpTest {

  static final String ONE_HOUR = "\"prompt_cache_options\":{\"mode\":\"implicit\",\"ttl\":\"1h\"}";
  static final String FIVE_MINUTES =
      "\"prompt_cache_options\":{\"mode\":\"implicit\",\"ttl\":\"5m\"}";

  static final AgentTool PING =
      AgentTool.of("ping", "Answers pong", JsonSchema.object().build(), (args, ctx) -> "pong");

  /**
   * Changed on purpose: the agent's request settings are the one place a run asks for it (there is
   * no request of the run's own to win over them); they win over the client's default.
   */
  @Test
  void theAgentAsksForItOnEveryStep(FakeKimiServer server, KimiClient kimi) {
    server.enqueue(FakeResponse.toolCalls(ToolCall.function(null, "ping", "{}")));
    server.enqueue(FakeResponse.reply("pong received"));
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(PING)
            .request(b -> b.promptCacheTtl(CacheTtl.ONE_HOUR))
            .build();
    RunResult r = agent.run(List.of(Message.user("Ping, please")));
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(((RunResult.Answered) r).state().steps()).isEqualTo(2);
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
  }

  @Test
  void theClientsDefaultAppliesWhereTheAgentAsksNothing(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.promptCacheTtl(CacheTtl.ONE_HOUR));
    server.enqueue(FakeResponse.reply("ok"));
    Agent.builder(kimi, "kimi-k3").tool(PING).build().run(List.of(Message.user("hi")));
    assertThat(server.takeRequest().bodyText()).contains(ONE_HOUR);
    // the agent's own setting wins over the client's
    server.enqueue(FakeResponse.reply("ok"));
    Agent.builder(kimi, "kimi-k3")
        .tool(PING)
        .request(b -> b.promptCacheTtl(CacheTtl.FIVE_MINUTES))
        .build()
        .run(List.of(Message.user("hi")));
    assertThat(server.takeRequest().bodyText()).contains(FIVE_MINUTES);
  }

  /**
   * A run's spend limit takes a step's worst case: every prompt token a miss or, when writing costs
   * more (an hour on K3: 6.00 against 3.00), written. A limit between the two worst cases stops the
   * one-hour run before its first step and lets the five-minute run go.
   */
  @Test
  void aSpendLimitCountsTheWorstCaseAtTheStepsTimeToLive(KimiClient kimi) {
    List<ChatRequest> asked = new ArrayList<>();
    Agent probe =
        Agent.builder(kimi, "kimi-k3")
            .request(b -> b.maxCompletionTokens(100))
            .listener(
                e -> {
                  if (e instanceof RunEvent.ModelCalled c) {
                    asked.add(c.request());
                  }
                })
            .build();
    probe.run(List.of(Message.user("hi")));
    long prompt = new Sizes(RequestTokens.estimated()).weigh(asked.get(0)).tokens();
    // one unit under the one-hour worst case: prompt * 6.00 + 100 * 15.00 per 1M, less 1 per 1M
    BigDecimal limit = BigDecimal.valueOf(prompt * 6 + 1_500 - 1).movePointLeft(6);
    for (CacheTtl ttl : CacheTtl.values()) {
      RunResult r =
          Agent.builder(kimi, "kimi-k3")
              .maxSpend(limit, Currency.getInstance("USD"))
              .request(b -> b.maxCompletionTokens(100).promptCacheTtl(ttl))
              .build()
              .run(List.of(Message.user("hi")));
      if (ttl == CacheTtl.ONE_HOUR) {
        assertThat(r).as("%s", ttl).isInstanceOf(RunResult.Stopped.class);
        assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.SPEND);
      } else {
        assertThat(r).as("%s", ttl).isInstanceOf(RunResult.Answered.class);
      }
    }
  }
}
