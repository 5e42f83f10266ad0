package com.example.kimi.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.memory.ChatMemory;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bsc.langgraph4j.prebuilt.MessagesState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each example run offline against FakeKimiServer, as {@code main} runs it without a key: what it
 * prints, and what reached Kimi (the conversation carried over, with kimi-k3's reasoning).
 */
class ExamplesTest {

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @AfterEach
  void close() {
    server.close();
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theAssistantCallsItsToolAndRemembersTheConversation() {
    ChatMemory memory;
    try (Kimi kimi = Kimi.offline(server)) {
      memory = AssistantExample.run(kimi.chatModel().build(), out);
    }
    assertThat(output())
        .contains("> What is the weather in city=Paris?")
        .contains("Sunny, 22 degrees in Paris")
        .contains("> And the weather in city=Rome?")
        .contains("Sunny, 22 degrees in Rome")
        .contains("(the assistant remembers 8 messages)");
    assertThat(memory.messages())
        .extracting(ChatMessage::type)
        .containsExactly(
            ChatMessageType.USER,
            ChatMessageType.AI,
            ChatMessageType.TOOL_EXECUTION_RESULT,
            ChatMessageType.AI,
            ChatMessageType.USER,
            ChatMessageType.AI,
            ChatMessageType.TOOL_EXECUTION_RESULT,
            ChatMessageType.AI);
    // the second question went with the first exchange, the tool call's reasoning unchanged
    AiMessage firstCall = (AiMessage) memory.messages().get(1);
    assertThat(server.requests()).hasSize(4);
    assertThat(reasoningOfFirstAssistant(server.requests().get(2)))
        .isEqualTo(firstCall.thinking())
        .isNotBlank();
  }

  @Test
  void theAgentLoopsThroughItsToolsAndResumesTheThread() throws Exception {
    MessagesState<ChatMessage> state;
    try (Kimi kimi = Kimi.offline(server)) {
      state = AgentGraphExample.run(kimi.chatModel().build(), out);
    }
    assertThat(output())
        .contains("> What is the weather in city=sf?")
        .contains("60 degrees and foggy")
        .contains("> What about city=ny?")
        .contains("90 degrees and sunny")
        .contains("(thread 42 holds 8 messages)");
    assertThat(state.messages()).hasSize(8);
    // model, tools, model; then on the same thread: model, tools, model
    assertThat(server.requests()).hasSize(4);
    RecordedRequest resumed = server.requests().get(2);
    assertThat(messages(resumed)).hasSize(5); // the first conversation, from the checkpoint, + 1
    AiMessage firstCall = (AiMessage) state.messages().get(1);
    assertThat(reasoningOfFirstAssistant(resumed)).isEqualTo(firstCall.thinking()).isNotBlank();
  }

  private static List<JsonValue> messages(RecordedRequest r) {
    return ((JsonArray) ((JsonObject) r.json()).get("messages")).values();
  }

  private static String reasoningOfFirstAssistant(RecordedRequest r) {
    for (JsonValue v : messages(r)) {
      JsonObject m = (JsonObject) v;
      if (((JsonString) m.get("role")).value().equals("assistant")) {
        return ((JsonString) m.get("reasoning_content")).value();
      }
    }
    throw new AssertionError("no assistant message in " + r);
  }
}
