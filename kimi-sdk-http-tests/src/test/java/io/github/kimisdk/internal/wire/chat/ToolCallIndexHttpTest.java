package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over loopback, a stream whose tool-call fragment has an {@code index} that is not an integer
 * fails with {@link MalformedChunkException} carrying what arrived before it, instead of finishing
 * with a call whose arguments went elsewhere (the shape of vercel/ai's Kimi fixtures {@code
 * moonshotai-stream-malformed-tool-call} and {@code moonshotai-issue-19546-malformed}).
 */
@ExtendWith(FakeKimiExtension.class)
class ToolCallIndexHttpTest {

  static final ChatRequest ASK = ChatRequest.of("kimi-k2.5", "Weather in Paris?");

  private static String chunk(String delta, String finish) {
    return ClientInternals.chunk("chatcmpl-6a8de8a1", 1787685025, "kimi-k2.5", delta, finish);
  }

  private static String call(String index, String rest) {
    return chunk("{\"tool_calls\":[{\"index\":" + index + "," + rest + "}]}", null);
  }

  static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
  static final String TEXT = chunk("{\"content\":\"Checking.\"}", null);
  static final String FINISH = chunk("{}", "tool_calls");

  private static MalformedChunkException failure(KimiClient kimi) {
    Throwable t = catchThrowable(() -> kimi.stream(ASK).toCompletion());
    assertThat(t).isInstanceOf(MalformedChunkException.class);
    assertThat(t.getCause()).isInstanceOf(JsonException.class);
    assertThat(t).hasMessageContaining("index must be an integer");
    return (MalformedChunkException) t;
  }

  @Test
  void aWordForTheFirstCallsIndexFailsTheStreamKeepingTheTextBeforeIt(
      FakeKimiServer server, KimiClient kimi) {
    server.enqueue(
        FakeResponse.stream(
            List.of(
                ROLE,
                TEXT,
                call(
                    "\"zero\"",
                    "\"id\":\"weather_0\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                        + "\"arguments\":\"\"}"),
                call("0", "\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}"),
                FINISH)));
    MalformedChunkException e = failure(kimi);
    ChatCompletion partial = e.partial();
    assertThat(partial.text()).isEqualTo("Checking.");
    assertThat(partial.toolCalls()).isEmpty();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aLaterFragmentsIndexThatIsNotANumberFailsTheStreamKeepingTheCallSoFar(
      FakeKimiServer server, KimiClient kimi) {
    server.enqueue(
        FakeResponse.stream(
            List.of(
                ROLE,
                call(
                    "0",
                    "\"id\":\"weather_0\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                        + "\"arguments\":\"{\\\"city\\\":\"}"),
                call("\"not-a-number\"", "\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}"),
                FINISH)));
    MalformedChunkException e = failure(kimi);
    assertThat(e.partial().toolCalls())
        .containsExactly(ToolCall.function("weather_0", "weather", "{\"city\":"));
    assertThat(e.partial().finishReason()).isNull();
  }

  @Test
  void fragmentsWithoutAnIndexStillJoinByPosition(FakeKimiServer server, KimiClient kimi) {
    server.enqueue(
        FakeResponse.stream(
            List.of(
                ROLE,
                chunk(
                    "{\"tool_calls\":[{\"id\":\"weather_0\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\"}}]}",
                    null),
                chunk(
                    "{\"tool_calls\":[{\"index\":null,\"function\":{\"arguments\":"
                        + "\"\\\"Paris\\\"}\"}}]}",
                    null),
                FINISH)));
    ChatCompletion c = kimi.stream(ASK).toCompletion();
    assertThat(c.toolCalls())
        .containsExactly(ToolCall.function("weather_0", "weather", "{\"city\":\"Paris\"}"));
  }
}
