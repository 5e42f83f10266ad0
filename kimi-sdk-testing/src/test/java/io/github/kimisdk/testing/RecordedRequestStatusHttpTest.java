package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.ToolCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RecordedRequest#status()} and {@link RecordedRequest#error()} tell what the fake answered,
 * on every surface, without reflection: a check that "the fake refused nothing" reads them.
 */
@ExtendWith(FakeKimiExtension.class)
class RecordedRequestStatusHttpTest {

  static String type(RecordedRequest r) {
    return ((JsonString) r.error().orElseThrow().get("type")).value();
  }

  static String message(RecordedRequest r) {
    return ((JsonString) r.error().orElseThrow().get("message")).value();
  }

  @Test
  void anAnswerCarriesItsStatusAndNoError(FakeKimiServer server, KimiClient kimi) {
    kimi.chat(ChatRequest.of("kimi-k3", "hi"));
    RecordedRequest r = server.takeRequest();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.error()).isEmpty();
    assertThat(r.toString()).endsWith(", answered 200]");
  }

  @Test
  void aStreamCarriesItsStatus(FakeKimiServer server, KimiClient kimi) {
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
      s.forEach(c -> {});
    }
    assertThat(server.takeRequest().status()).isEqualTo(200);
  }

  @Test
  void aRefusalCarriesKimisStatusTypeAndMessage(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient unchecked = clients.build(b -> b.modelChecks(false));
    assertThatThrownBy(
            () -> unchecked.chat(ChatRequest.builder("kimi-k3").addUser("hi").topP(0.5).build()))
        .isInstanceOf(KimiException.class);
    RecordedRequest r = server.takeRequest();
    assertThat(r.status()).isEqualTo(400);
    assertThat(type(r)).isEqualTo("invalid_request_error");
    assertThat(message(r)).isEqualTo("invalid top_p: only 0.95 is allowed for this model");
  }

  @Test
  void theAnthropicSurfacesErrorIsReadToo(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient messages =
        clients.build(
            b ->
                b.baseUrl(server.anthropicBaseUrl())
                    .wireProtocol(WireProtocol.ANTHROPIC_MESSAGES)
                    .modelChecks(false));
    assertThatThrownBy(() -> messages.chat(ChatRequest.of("no-such-model", "hi")))
        .isInstanceOf(KimiException.class);
    RecordedRequest r = server.takeRequest();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error().orElseThrow().get("type")).isEqualTo(JsonString.of("not_found_error"));
  }

  @Test
  void aScriptedAnswerCarriesItsScriptedStatus(FakeKimiServer server, KimiClient kimi) {
    server.enqueue(FakeResponse.toolCalls(ToolCall.function(null, "get_weather", "{}")));
    server.enqueue(
        FakeResponse.error(
            403, "{\"error\":{\"type\":\"permission_denied_error\",\"message\":\"no\"}}"));
    kimi.chat(ChatRequest.of("kimi-k3", "weather?"));
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k3", "again")))
        .isInstanceOf(KimiException.class);
    assertThat(server.takeRequest().status()).isEqualTo(200);
    RecordedRequest refused = server.takeRequest();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(type(refused)).isEqualTo("permission_denied_error");
  }

  @Test
  void aConnectionDroppedBeforeItsStatusLineCarriesNone(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient once = clients.build(b -> b.retryPolicy(io.github.kimisdk.RetryPolicy.none()));
    server.enqueue(FakeResponse.resetBeforeHeaders());
    assertThatThrownBy(() -> once.chat(ChatRequest.of("kimi-k3", "hi")))
        .isInstanceOf(KimiException.class);
    RecordedRequest r = server.takeRequest();
    assertThat(r.status()).isZero();
    assertThat(r.error()).isEmpty();
  }

  @Test
  void aFrameworkCheckThatTheFakeRefusedNothingNeedsNoReflection(
      FakeKimiServer server, KimiClient kimi) {
    kimi.chat(ChatRequest.of("kimi-k3", "one"));
    kimi.chat(ChatRequest.of("kimi-k2.6", "two"));
    assertThat(server.requests())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isBetween(200, 299);
              assertThat(r.error()).isEmpty();
            });
  }
}
