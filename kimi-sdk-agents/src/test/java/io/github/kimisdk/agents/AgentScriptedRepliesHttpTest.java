package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An agent's run tested with the fake's scripted replies ({@link FakeResponse#toolCalls} then
 * {@link FakeResponse#reply}), streamed or not, over chat completions and Anthropic Messages
 * (ported from kimi-sdk-testing's FakeResponseTypedRepliesHttpTest).
 */
@ExtendWith(FakeKimiExtension.class)
class AgentScriptedRepliesHttpTest {

  static Stream<Arguments> streamedAndProtocols() {
    Function<FakeKimiServer, String> chat = FakeKimiServer::baseUrl;
    Function<FakeKimiServer, String> messages = FakeKimiServer::anthropicBaseUrl;
    return Stream.of(
        Arguments.of("not streamed", false, chat),
        Arguments.of("streamed", true, chat),
        Arguments.of("not streamed, Messages", false, messages),
        Arguments.of("streamed, Messages", true, messages));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamedAndProtocols")
  void aRunTestedWithScriptedCallsAndAReplyRunsTheToolAndEndsWithTheReply(
      String name,
      boolean streamed,
      Function<FakeKimiServer, String> baseUrl,
      FakeKimiServer server,
      FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.baseUrl(baseUrl.apply(server)));
    // the test: the model asks for the weather, then answers
    server.enqueue(
        FakeResponse.toolCalls(ToolCall.function(null, "get_weather", "{\"city\":\"Paris\"}")));
    server.enqueue(FakeResponse.reply("Take an umbrella."));
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .tool(
                AgentTool.of(
                    "get_weather",
                    "The weather in a city",
                    JsonSchema.object().required("city", JsonSchema.string()).build(),
                    (args, ctx) -> "rain in " + args.get("city").asString()))
            .streaming(streamed)
            .build();

    RunResult result = agent.run(List.of(Message.user("Umbrella in Paris?")));

    assertThat(result).isInstanceOf(RunResult.Answered.class);
    assertThat(result.text()).isEqualTo("Take an umbrella.");
    assertThat(((RunResult.Answered) result).state().steps()).isEqualTo(2);
    server.takeRequest();
    String second = server.takeRequest().bodyText();
    assertThat(second).contains("rain in Paris");
    assertThat(second.contains("\"stream\":true")).isEqualTo(streamed);
  }
}
