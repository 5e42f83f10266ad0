package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.tool.ToolCall;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FakeResponse#reply(String)} and {@link FakeResponse#toolCalls(ToolCall...)}: the scripted
 * words of the model, written out by the fake for the request they answer, streamed or not, over
 * either wire protocol (an agent's tool loop tested with them: kimi-sdk-agents'
 * AgentScriptedRepliesHttpTest).
 */
@ExtendWith(FakeKimiExtension.class)
class FakeResponseTypedRepliesHttpTest {

  /** A way to send a chat: streamed or not, over Chat Completions or Messages. */
  record Way(String name, boolean streamed, Function<FakeKimiServer, String> baseUrl) {
    /** Sends {@code request} to {@code server} this way, through a client of {@code clients}. */
    ChatCompletion send(
        FakeKimiServer server, FakeKimiExtension.Clients clients, ChatRequest request) {
      KimiClient kimi = clients.build(b -> b.baseUrl(baseUrl.apply(server)));
      if (!streamed) {
        return kimi.chat(request);
      }
      try (ChatStream s = kimi.stream(request)) {
        return s.toCompletion();
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Way> streamedAndProtocols() {
    Function<FakeKimiServer, String> chat = FakeKimiServer::baseUrl;
    Function<FakeKimiServer, String> messages = FakeKimiServer::anthropicBaseUrl;
    return Stream.of(
        new Way("not streamed", false, chat),
        new Way("streamed", true, chat),
        new Way("not streamed, Messages", false, messages),
        new Way("streamed, Messages", true, messages));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamedAndProtocols")
  void aReplyIsTheCompletionTheModelWouldSendWithItsUsage(
      Way way, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(FakeResponse.reply("Paris, on the Seine.").withHeader("X-Test", "1"));

    ChatCompletion c = way.send(server, clients, ChatRequest.of("kimi-k2.6", "Which city?"));

    assertThat(c.text()).isEqualTo("Paris, on the Seine.");
    assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(c.usage().completionTokens()).isPositive();
    assertThat(c.choices().get(0).message().reasoningContent()).isNotBlank(); // k2.6 thinks
    assertThat(c.metadata().header("X-Test")).contains("1");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamedAndProtocols")
  void toolCallsKeepTheirIdsOrGetTheModelsAndAreSentInParallel(
      Way way, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(
        FakeResponse.toolCalls(
            ToolCall.function("call_7", "get_weather", "{\"city\":\"Oslo\"}"),
            ToolCall.function(null, "get_time", "")));

    ChatCompletion c = way.send(server, clients, ChatRequest.of("kimi-k3", "Weather and time?"));

    assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    AssistantMessage m = c.choices().get(0).message();
    assertThat(m.toolCalls())
        .extracting(ToolCall::id, ToolCall::name, ToolCall::arguments)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("call_7", "get_weather", "{\"city\":\"Oslo\"}"),
            org.assertj.core.groups.Tuple.tuple("functions.get_time:1", "get_time", "{}"));
  }

  @Test
  void perTurnIdsNumberTheScriptedCallsOfEachTurnFromZero(FakeKimiServer server, KimiClient kimi) {
    server.toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN);
    server.enqueue(FakeResponse.toolCalls(ToolCall.function(null, "get_time", "{}")));
    ChatCompletion c = kimi.chat(ChatRequest.of("kimi-k3", "Time?"));
    assertThat(c.choices().get(0).message().toolCalls())
        .extracting(ToolCall::id)
        .containsExactly("get_time:0");
  }

  @Test
  void maxTokensCutsAReplyShortAsKimiDoes(FakeKimiServer server, KimiClient kimi) {
    server.enqueue(FakeResponse.reply("one two three four five six seven eight nine ten"));
    ChatRequest asked =
        ChatRequest.builder("kimi-k3")
            .addUser("Count")
            .thinking(io.github.kimisdk.chat.Thinking.disabled())
            .maxTokens(3)
            .build();
    ChatCompletion c = kimi.chat(asked);
    assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(c.text())
        .isNotEmpty()
        .isNotEqualTo("one two three four five six seven eight nine ten");
  }

  @Test
  void aRequestKimiWouldRefuseGetsKimisErrorInsteadOfTheReply(
      FakeKimiServer server, KimiClient kimi) {
    server.enqueue(FakeResponse.reply("never sent"));
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("no-such-model", "hi")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-such-model");
    assertThat(kimi.chat(ChatRequest.of("kimi-k3", "hi")).text()).isEqualTo("You said: hi");
  }

  @Test
  void theResultsSentBackAreCheckedAsKimiChecksThem(FakeKimiServer server, KimiClient kimi) {
    server.enqueue(FakeResponse.toolCalls(ToolCall.function(null, "get_time", "{}")));
    ChatRequest first = ChatRequest.of("kimi-k3", "Time?");
    ChatCompletion calls = kimi.chat(first);
    server.enqueue(FakeResponse.reply("noon"));
    // the call is left unanswered: Kimi refuses the history
    ChatRequest unanswered =
        first.toBuilder()
            .addMessage(calls.choices().get(0).message())
            .addMessage(Message.user("and?"))
            .build();
    assertThatThrownBy(() -> kimi.chat(unanswered))
        .hasMessageContaining(
            "an assistant message with 'tool_calls' must be followed by tool messages responding"
                + " to each 'tool_call_id'")
        .hasMessageContaining(calls.choices().get(0).message().toolCalls().get(0).id());
    // and so is a history that ends on the call, its result never sent
    server.enqueue(FakeResponse.reply("noon"));
    ChatRequest endsOnTheCall =
        first.toBuilder().addMessage(calls.choices().get(0).message()).build();
    assertThatThrownBy(() -> kimi.chat(endsOnTheCall))
        .hasMessageContaining(
            "an assistant message with 'tool_calls' must be followed by tool messages responding"
                + " to each 'tool_call_id'");
  }

  @Test
  void aResponderMayAnswerWithATypedReplyToo(FakeKimiServer server, KimiClient kimi) {
    server.respondWith(r -> FakeResponse.reply("from the responder"));
    assertThat(kimi.chat(ChatRequest.of("kimi-k3", "hi")).text()).isEqualTo("from the responder");
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
      assertThat(s.toCompletion().text()).isEqualTo("from the responder");
    }
  }

  @Test
  void typedRepliesNeedTheirPartsAndPrintWithoutTheirText() {
    assertThatThrownBy(() -> FakeResponse.reply(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(FakeResponse::toolCalls)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("toolCalls needs at least one call");
    assertThatThrownBy(() -> FakeResponse.toolCalls(ToolCall.function("c", null, "{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("every tool call needs a name");
    assertThat(FakeResponse.reply("secret words")).hasToString("FakeResponse[reply, 12 chars]");
    assertThat(
            FakeResponse.toolCalls(
                    ToolCall.function(null, "a", "{}"), ToolCall.function(null, "b", "{}"))
                .withStatus(201))
        .hasToString("FakeResponse[tool calls a, b, status=201]");
  }
}
