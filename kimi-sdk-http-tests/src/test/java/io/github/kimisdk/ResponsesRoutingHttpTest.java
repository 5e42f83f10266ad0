package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-model routing: a client on chat completions sends a model its table marks as served over
 * Responses ({@code GET /models} said {@code "protocol": "response"}) to {@code POST /responses},
 * every call shape, and every other model to {@code /chat/completions}; a Messages client keeps its
 * own wire.
 */
@ExtendWith(FakeKimiExtension.class)
class ResponsesRoutingHttpTest {

  static final ModelCatalog ROUTED =
      ModelCatalog.defaults()
          .with(ModelCatalog.defaults().lookup("kimi-k3").toBuilder().responsesWire(true).build());

  @Test
  void aModelServedOverResponsesIsSentThereAndOthersAreNot(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    KimiClient kimi = clients.build(b -> b.catalog(ROUTED));
    assertThat(kimi.wireProtocol()).isEqualTo(WireProtocol.CHAT_COMPLETIONS);

    assertThat(kimi.chat(ChatRequest.of("kimi-k3", "one")).text()).isEqualTo("You said: one");
    assertThat(kimi.chatAsync(ChatRequest.of("kimi-k3", "two")).get().text())
        .isEqualTo("You said: two");
    try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "three"))) {
      assertThat(s.toCompletion().text()).isEqualTo("You said: three");
    }
    assertThat(kimi.chat(ChatRequest.of("kimi-k2.6", "four")).text()).isEqualTo("You said: four");

    assertThat(server.requests())
        .extracting(r -> r.path())
        .containsExactly("/v1/responses", "/v1/responses", "/v1/responses", "/v1/chat/completions");
    assertThat(server.requests().get(0).bodyText()).contains("\"store\":false");
  }

  @Test
  void aMessagesClientKeepsItsWire(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient messages = clients.build(b -> b.baseUrl(server.anthropicBaseUrl()).catalog(ROUTED));
    assertThat(messages.chat(ChatRequest.of("kimi-k3", "one")).text()).isEqualTo("You said: one");
    assertThat(server.takeRequest().path()).isEqualTo("/anthropic/v1/messages");
  }

  @Test
  void theBuiltInTableRoutesNothing() {
    for (ModelInfo m : ModelCatalog.defaults().models()) {
      assertThat(m.responsesWire()).as(m.id()).isFalse();
    }
  }
}
