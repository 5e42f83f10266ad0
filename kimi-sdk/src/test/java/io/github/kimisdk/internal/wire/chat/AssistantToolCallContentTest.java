package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An assistant message that only calls tools is sent with {@code "content": ""} on every model
 * family: Moonshot's OpenAPI document requires {@code content} on every message (kimi-api.md,
 * changes of 2026-11-25), as the empty string, never an empty text part. Each row is a request as
 * the client sends it (adapted to the model by its {@code ModelInfo}, then encoded), with the tool
 * turn given as history built elsewhere (no content) and as a reply echoed back ({@code ""}).
 */
class AssistantToolCallContentTest {

  static final ToolCall CALL =
      ToolCall.function("get_weather:0", "get_weather", "{\"city\":\"Paris\"}");
  static final String CALLS =
      "\"tool_calls\":[{\"id\":\"get_weather:0\",\"type\":\"function\",\"function\":"
          + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]";

  /** The reasoning a thinking model's history gets filled in with (ModelInfo.adapt). */
  static final String FILLED = "\"reasoning_content\":\" \",";

  static Stream<Arguments> families() {
    return Stream.of(
        Arguments.of("moonshot-v1-8k", ""),
        Arguments.of("moonshot-v1-128k-vision-preview", ""),
        Arguments.of("kimi-latest", ""),
        Arguments.of("kimi-k2-turbo-preview", ""),
        Arguments.of("kimi-k2-thinking", FILLED),
        Arguments.of("kimi-k2.5", FILLED),
        Arguments.of("kimi-k2.6", FILLED),
        Arguments.of("kimi-k2.7-code", FILLED),
        Arguments.of("kimi-for-coding", FILLED),
        Arguments.of("kimi-k3", FILLED),
        Arguments.of("k3-256k", FILLED),
        Arguments.of("a-model-the-table-does-not-know", ""));
  }

  /** The assistant message of the request as sent to {@code model}, in its encoded bytes. */
  private static String sentAssistant(String model, AssistantMessage turn) {
    ChatRequest asked =
        ChatRequest.builder(model)
            .addUser("Weather in Paris?")
            .addMessage(turn)
            .addMessage(Message.tool(CALL, "{\"temp\":21}"))
            .build();
    ChatRequest sent =
        ModelCatalog.defaults()
            .lookup(model)
            .adapt(asked, SamplingPolicy.ADAPT, ThinkingFallback.REJECT)
            .request();
    JsonObject body =
        Json.parse(new String(ChatCodec.encodeRequest(sent), StandardCharsets.UTF_8)).asObject();
    return Json.write(((JsonArray) body.get("messages")).values().get(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void aToolOnlyAssistantMessageIsSentWithEmptyContent(String model, String reasoning) {
    String expected = "{\"role\":\"assistant\",\"content\":\"\"," + reasoning + CALLS + "}";
    assertThat(sentAssistant(model, Message.assistant(null, null, List.of(CALL))))
        .as("history from elsewhere: no content")
        .isEqualTo(expected);
    assertThat(sentAssistant(model, new AssistantMessage("", null, List.of(CALL), null, false)))
        .as("a reply echoed back: empty content")
        .isEqualTo(expected);
    assertThat(sentAssistant(model, Message.assistant(null, "Need weather.", List.of(CALL))))
        .as("with its own reasoning")
        .isEqualTo(
            "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"Need weather.\","
                + CALLS
                + "}");
  }
}
