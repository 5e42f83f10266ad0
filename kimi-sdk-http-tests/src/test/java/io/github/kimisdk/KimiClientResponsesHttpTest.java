package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.internal.wire.responses.RenamingStreams;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of {@link KimiClientHttpTest} over {@link WireProtocol#RESPONSES} against the
 * fake's Responses surface, with the same expectations; and replays, over loopback, streams whose
 * servers name one output item by several ids ({@code src/test/resources/responses}).
 */
class KimiClientResponsesHttpTest extends KimiClientHttpTest {

  @Override
  WireProtocol protocol() {
    return WireProtocol.RESPONSES;
  }

  @ParameterizedTest
  @MethodSource("io.github.kimisdk.internal.wire.responses.RenamingStreams#names")
  void aStreamWhoseServerRenamesItsItemsFoldsIntoOneTextReasoningAndCall(String name) {
    server.enqueue(
        FakeResponse.rawSse(new String(RenamingStreams.body(name), StandardCharsets.UTF_8)));

    ChatCompletion c = kimi.stream(HELLO).toCompletion();

    AssistantMessage m = c.choices().get(0).message();
    assertThat(m.content()).isEqualTo("Let me look that up for you.");
    assertThat(m.reasoningContent())
        .isEqualTo("The user asks for the weather in Oslo. I should call get_weather.");
    assertThat(m.toolCalls())
        .extracting(ToolCall::name, ToolCall::arguments)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "get_weather", "{\"city\":\"Oslo\",\"unit\":\"celsius\"}"));
    assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @org.junit.jupiter.api.Test
  void aToolResultNamesTheCallIdOfItsCallsEndEvent() {
    String body = new String(RenamingStreams.body("renamed-call-id.sse"), StandardCharsets.UTF_8);
    server.enqueue(FakeResponse.rawSse(body)); // announced as call_8f2a, ended as toolu_01Xy
    server.enqueue(FakeResponse.reply("It is 4 degrees in Oslo."));

    ChatCompletion first = kimi.stream(HELLO).toCompletion();
    AssistantMessage m = first.choices().get(0).message();
    assertThat(m.toolCalls()).extracting(ToolCall::id).containsExactly("toolu_01Xy");
    ChatCompletion second =
        kimi.chat(
            HELLO.toBuilder()
                .addMessage(m)
                .addMessage(Message.tool(m.toolCalls().get(0), "{\"celsius\":4}"))
                .build());

    assertThat(second.text()).isEqualTo("It is 4 degrees in Oslo.");
    server.takeRequest();
    JsonArray input = server.takeRequest().json().get("input").asArray();
    assertThat(input.values())
        .filteredOn(v -> v.get("call_id") != null)
        .extracting(v -> v.get("type").asString(), v -> v.get("call_id").asString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("function_call", "toolu_01Xy"),
            org.assertj.core.groups.Tuple.tuple("function_call_output", "toolu_01Xy"));
  }
}
