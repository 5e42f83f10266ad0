package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool-call ids as kimi-k3 sends them: per turn ({@code get_weather:0} again in every turn), and in
 * a stream possibly blank or missing. Results pair with the calls of their own turn, and a blank id
 * gets one that the reply and its answers share, over three turns, streamed and not: a run of the
 * one agent loop (ported from the core's ToolCallIdsHttpTest).
 */
class AgentToolCallIdsHttpTest {

  private static final String THREE_TURNS =
      "get_weather city=Paris and get_time then get_weather city=Rome and get_time"
          + " then get_weather city=Oslo and get_time";

  private FakeKimiServer server;
  private KimiClient kimi;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN).start();
    kimi = KimiClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  private Agent.Builder agent(boolean streaming) {
    return Agent.builder(kimi, "kimi-k3")
        .tool(
            AgentTool.of(
                "get_weather",
                "Weather in a city",
                JsonSchema.object().required("city", JsonSchema.string()).build(),
                (a, ctx) -> "sunny in " + a.get("city").asString()))
        .tool(AgentTool.of("get_time", "The time", JsonSchema.object().build(), (a, ctx) -> "noon"))
        .streaming(streaming);
  }

  private RunState run(boolean streaming) {
    return answered(agent(streaming).build().run(List.of(Message.user(THREE_TURNS))));
  }

  private static RunState answered(RunResult r) {
    assertThat(r)
        .as("%s", r instanceof RunResult.Failed f ? f.error() : r)
        .isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  /** The calls of each assistant message, and the tool messages that follow it, turn by turn. */
  private static void assertEveryTurnPairs(List<Message> transcript, int turns) {
    int seen = 0;
    for (int i = 0; i < transcript.size(); i++) {
      if (!(transcript.get(i) instanceof AssistantMessage a) || !a.hasToolCalls()) {
        continue;
      }
      seen++;
      List<String> ids = new ArrayList<>();
      for (ToolCall c : a.toolCalls()) {
        assertThat(c.id()).as("turn %d", seen).isNotBlank().hasSizeLessThanOrEqualTo(64);
        ids.add(c.id());
      }
      assertThat(new HashSet<>(ids)).as("ids unique within turn %d", seen).hasSize(ids.size());
      List<String> answered = new ArrayList<>();
      for (int j = i + 1;
          j < transcript.size() && transcript.get(j) instanceof ToolMessage t;
          j++) {
        answered.add(t.toolCallId());
      }
      assertThat(answered).as("turn %d answers its own calls, in order", seen).isEqualTo(ids);
    }
    assertThat(seen).isEqualTo(turns);
  }

  @ParameterizedTest(name = "streaming {0}")
  @ValueSource(booleans = {false, true})
  void idsThatRecurInEveryTurnPairWithTheirOwnTurn(boolean streaming) {
    RunState r = run(streaming);
    assertEveryTurnPairs(r.messages(), 3);
    List<String> firstIds = new ArrayList<>();
    for (Message m : r.messages()) {
      if (m instanceof AssistantMessage a && a.hasToolCalls()) {
        firstIds.add(a.toolCalls().get(0).id());
      }
    }
    assertThat(firstIds)
        .as("K3 repeats its ids")
        .containsExactly("get_weather:0", "get_weather:0", "get_weather:0");
    assertThat(r.text()).contains("sunny in Paris", "sunny in Rome", "sunny in Oslo");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"BLANK", "OMITTED"})
  void streamedCallsWithoutAnIdGetOneThatTheReplyAndItsAnswersShare(String ids) {
    server.streamedToolCallIds(FakeKimiServer.StreamedToolCallIds.valueOf(ids));
    RunState r = run(true);
    assertEveryTurnPairs(r.messages(), 3);
    // what was sent back is what the SDK filled in: the server paired every result
    assertThat(server.takeRequest().bodyText()).doesNotContain("\"tool_call_id\"");
    String second = server.takeRequest().bodyText();
    assertThat(second).contains("\"tool_call_id\":\"get_weather:0\"", "\"id\":\"get_weather:0\"");
    assertThat(second).doesNotContain("\"tool_call_id\":\"\"");
  }

  @ParameterizedTest(name = "streaming {0}")
  @ValueSource(booleans = {false, true})
  void aConversationTakesARunsRecurringIdsTurnAfterTurn(boolean streaming) {
    RunState r = run(streaming);
    Conversation c = Conversation.create().addAll(r.messages());
    assertThat(c.pendingToolCalls()).isEmpty();
    Conversation reloaded = Conversation.fromJson(c.toJson());
    assertEveryTurnPairs(reloaded.messages(), 3);
    reloaded.addUser("thanks");
    assertThat(kimi.chat(reloaded.request("kimi-k3").build()).text()).isNotEmpty();
  }

  /** A durable run keys its records by step and place, so ids that recur never collide there. */
  @ParameterizedTest(name = "streaming {0}")
  @ValueSource(booleans = {false, true})
  void aDurableRunPairsRecurringIdsAndResumesAnsweredAsItWas(boolean streaming) {
    Agent agent = agent(streaming).key(TestKeys.KEY).store(RunStore.inMemory()).build();
    RunState r = answered(agent.run("ids-1", List.of(Message.user(THREE_TURNS))));
    assertEveryTurnPairs(r.messages(), 3);
    int sent = server.requestCount();
    RunState again = answered(agent.resume("ids-1", List.of()));
    assertThat(again.messages()).hasSameSizeAs(r.messages());
    assertEveryTurnPairs(again.messages(), 3);
    assertThat(again.text()).isEqualTo(r.text());
    assertThat(server.requestCount()).isEqualTo(sent);
  }
}
