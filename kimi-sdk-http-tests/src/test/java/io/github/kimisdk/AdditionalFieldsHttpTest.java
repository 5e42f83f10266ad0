package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members the records do not model are kept, readable and replayed. */
class AdditionalFieldsHttpTest extends FakeSuite {

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey("sk-test-0123456789abcdef").retryPolicy(RetryPolicy.none());
  }

  @Test
  void unknownMembersOfACompletionAreReadableAtEveryLevelAndTheMessagesAreReplayed() {
    server.enqueue(
        FakeResponse.json(
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
                + "\"service_tier\":\"priority\","
                + "\"choices\":[{\"index\":0,\"logprobs\":null,\"x_choice\":null,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hi\",\"x_cache_key\":{\"k\":[1,2]}},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4,"
                + "\"x_billing\":\"0.01\"}}"));
    ChatCompletion c = kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
    assertThat(c.additionalFields()).isEqualTo(Json.parse("{\"service_tier\":\"priority\"}"));
    assertThat(c.choices().get(0).additionalFields()).isEqualTo(Json.parse("{\"x_choice\":null}"));
    assertThat(c.choices().get(0).logprobs()).as("logprobs is modelled").isNull();
    AssistantMessage m = c.message();
    assertThat(m.additionalFields()).isEqualTo(Json.parse("{\"x_cache_key\":{\"k\":[1,2]}}"));
    assertThat(c.usage().additionalFields()).isEqualTo(Json.parse("{\"x_billing\":\"0.01\"}"));

    kimi.chat(ChatRequest.builder("kimi-k3").addUser("Hi").addMessage(m).addUser("Again").build());
    server.takeRequest();
    JsonObject replayed =
        (JsonObject)
            ((io.github.kimisdk.json.JsonArray)
                    ((JsonObject) server.takeRequest().json()).get("messages"))
                .get(1);
    assertThat(replayed.get("x_cache_key")).isEqualTo(Json.parse("{\"k\":[1,2]}"));
    assertThat(replayed.get("content")).isEqualTo(Json.parse("\"hi\""));
  }

  @Test
  void aCompletionWithoutUnknownMembersHasEmptyAdditionalFields() {
    ChatCompletion c = kimi.chat(ChatRequest.of("kimi-k3", "Hi"));
    assertThat(c.additionalFields().isEmpty()).isTrue();
    assertThat(c.message().additionalFields().isEmpty()).isTrue();
    assertThat(c.usage().additionalFields().isEmpty()).isTrue();
  }

  @Test
  void unknownMembersOfAChunkAndItsUsageAreReadableAndReachTheAccumulatedCompletion() {
    server.enqueue(
        FakeResponse.sse()
            .data(
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    + "\"assistant\",\"content\":\"h\"},\"finish_reason\":null}]}")
            .data(
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"x_trace\":\"t-9\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{},\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":1,"
                    + "\"completion_tokens\":1,\"total_tokens\":2,\"x_tier\":2}}]}")
            .done()
            .build());
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatCompletion whole;
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "Hi"))) {
      s.forEach(chunks::add);
    }
    io.github.kimisdk.chat.ChatAccumulator acc = new io.github.kimisdk.chat.ChatAccumulator();
    chunks.forEach(acc::add);
    whole = acc.toCompletion();
    assertThat(chunks.get(0).additionalFields().isEmpty()).isTrue();
    assertThat(chunks.get(1).additionalFields()).isEqualTo(Json.parse("{\"x_trace\":\"t-9\"}"));
    assertThat(chunks.get(1).usage().additionalFields()).isEqualTo(Json.parse("{\"x_tier\":2}"));
    assertThat(whole.additionalFields()).isEqualTo(Json.parse("{\"x_trace\":\"t-9\"}"));
    assertThat(whole.usage().additionalFields()).isEqualTo(Json.parse("{\"x_tier\":2}"));
  }
}
