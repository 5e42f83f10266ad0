package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Messages call reaches a responder as the chat-completions request it stands for, so one
 * responder serves both protocols: Anthropic's prefill (a final assistant message) is Kimi's
 * partial mode.
 */
@ExtendWith(FakeKimiExtension.class)
class MessagesSurfaceHttpTest {

  FakeKimiServer server;
  KimiClient kimi;
  final List<RecordedRequest> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    kimi = clients.build(b -> b.apiKey("test").baseUrl(server.anthropicBaseUrl()));
  }

  /** A responder that records what it sees and continues the prefill up to the token cap. */
  void continuePrefills() {
    server.respondWith(
        r -> {
          seen.add(r);
          return FakeResponse.json(
              "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                  + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                  + "\"assistant\",\"content\":\"\\n2. Scala\"},\"finish_reason\":\"length\"}],"
                  + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}");
        });
  }

  static JsonValue lastMessage(JsonValue body) {
    JsonArray messages = body.get("messages").asArray();
    return messages.get(messages.size() - 1);
  }

  @Test
  void aPrefillReachesTheResponderAsAPartialAssistantMessage() throws Exception {
    continuePrefills();
    ChatCompletion reply =
        kimi.chat(
            ChatRequest.builder("kimi-k2.6")
                .addUser("Name three JVM languages.")
                .addMessage(Message.partial("1. Kotlin"))
                .maxCompletionTokens(3)
                .build());

    assertThat(reply.text()).isEqualTo("\n2. Scala");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.LENGTH);
    RecordedRequest asked = seen.get(0);
    assertThat(asked.path()).isEqualTo("/v1/chat/completions");
    assertThat(asked.json().get("max_completion_tokens").asLong()).isEqualTo(3);
    assertThat(lastMessage(asked.json()))
        .isEqualTo(
            Json.parse("{\"role\":\"assistant\",\"content\":\"1. Kotlin\",\"partial\":true}"));
    // what was recorded is what the client sent: Anthropic's shape, which has no partial flag
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.path()).isEqualTo("/anthropic/v1/messages");
    assertThat(sent.json().get("max_tokens").asLong()).isEqualTo(3);
    assertThat(lastMessage(sent.json()).get("role").asString()).isEqualTo("assistant");
    assertThat(sent.bodyText()).doesNotContain("partial");
  }

  @Test
  void onlyAFinalAssistantMessageIsAPrefill() throws Exception {
    continuePrefills();
    kimi.chat(
        ChatRequest.builder("kimi-k2.6")
            .addUser("Hi")
            .addMessage(Message.assistant("Hello."))
            .addUser("Name three JVM languages.")
            .build());

    List<JsonValue> messages = seen.get(0).json().get("messages").asArray().values();
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1))
        .isEqualTo(Json.parse("{\"role\":\"assistant\",\"content\":\"Hello.\"}"));
  }

  @Test
  void aResponderThatDeclinesLeavesTheMessagesCallToTheModel() throws Exception {
    server.respondWith(
        r -> {
          seen.add(r);
          return null;
        });
    ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k2.6", "ping"));

    assertThat(reply.text()).isEqualTo("You said: ping");
    assertThat(seen)
        .singleElement()
        .extracting(RecordedRequest::path)
        .isEqualTo("/v1/chat/completions");
    assertThat(seen.get(0).header("x-api-key")).contains("test");
  }
}
