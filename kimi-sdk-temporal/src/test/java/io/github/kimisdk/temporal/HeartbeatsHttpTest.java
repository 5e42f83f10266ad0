package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model call's and a tool call's activity heartbeat while they run: a call that runs many times
 * longer than its heartbeat timeout is not taken for lost (it runs once, its key the same), and the
 * defaults give both a heartbeat timeout; a tool result over the bound is cut in its activity. That
 * a killed worker's call is tried again elsewhere within the timeout is {@code MultiProcessTest}'s,
 * with real processes.
 */
@ExtendWith(FakeKimiExtension.class)
class HeartbeatsHttpTest {

  @Test
  void aToolCallLongerThanItsHeartbeatTimeoutRunsOnceWhileItHeartbeats(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    List<String> keys = new ArrayList<>();
    AgentTool slow =
        AgentTool.of(
                "settle",
                "Settles the day's payments",
                JsonSchema.object().build(),
                (a, ctx) -> {
                  synchronized (keys) {
                    keys.add(ctx.idempotencyKey());
                  }
                  // the call's own work, four times its heartbeat timeout
                  TimeUnit.SECONDS.sleep(4);
                  return "settled";
                })
            .asIdempotent();
    Agent agent = Agent.builder(kimi, "kimi-k3").name("ledger", "1").tool(slow).build();
    ActivityOptions beating =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setHeartbeatTimeout(Duration.ofSeconds(1))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(100))
                    .setMaximumAttempts(3) // without heartbeats: three attempts, then a failure
                    .build())
            .build();
    InProcessTemporal t =
        new InProcessTemporal(
            KimiAgents.builder()
                .agent("ledger", agent, AgentOptions.defaults().toolCalls(beating))
                .build());
    try {
      t.start(AgentRun.of("ledger", "settle-1", List.of(Message.user("settle the day"))));

      RunOutcome o = t.result("settle-1");

      assertThat(o.status()).isEqualTo("answered");
      assertThat(o.text()).contains("settled");
      assertThat(keys).as("attempts of the call").hasSize(1);
    } finally {
      t.close();
    }
  }

  @Test
  void theDefaultsGiveModelAndToolCallsAHeartbeatTimeout() {
    AgentOptions d = AgentOptions.defaults();
    assertThat(d.modelCalls.getHeartbeatTimeout())
        .isEqualTo(AgentOptions.DEFAULT_HEARTBEAT_TIMEOUT);
    assertThat(d.toolCalls.getHeartbeatTimeout()).isEqualTo(AgentOptions.DEFAULT_HEARTBEAT_TIMEOUT);
    assertThat(AgentOptions.DEFAULT_HEARTBEAT_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.modelCalls.getRetryOptions().getInitialInterval())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aToolResultOverTheBoundIsCutToItsStartAndEndNeverSplittingACharacter() {
    String head = "é".repeat(100_000); // two bytes each
    String tail = "末".repeat(50_000); // three bytes each
    String cut = Activities.cut(head + tail, 64 << 10);

    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64 << 10);
    assertThat(cut).startsWith("éééé").endsWith("末末末末").contains("350000 bytes");
    assertThat(cut.replaceAll("[é末]", "")).doesNotContain("\uFFFD");
    assertThat(Activities.cut("short", 1_024)).isEqualTo("short");
  }
}
