package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The builders take a key that changes ({@code apiKey(Supplier)}): the model's own client asks it
 * before every attempt, so a rotated key is used by the next call without a new model.
 */
class KeySupplierHttpTest {

  static final String OLD = "sk-" + "oldkey0langchain".repeat(3);
  static final String NEW = "sk-" + "newkey1langchain".repeat(3);

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void aChatModelSendsTheKeyItsSupplierGivesNow() {
    AtomicReference<String> vault = new AtomicReference<>(OLD);
    server.requireApiKey(OLD);
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey(vault::get)
            .baseUrl(server.baseUrl())
            .modelName("kimi-k2.6")
            .build();
    assertThat(model.chat("Before")).isNotEmpty();

    server.requireApiKeys(List.of(OLD, NEW));
    vault.set(NEW);
    server.requireApiKey(NEW);
    assertThat(model.chat("After")).isNotEmpty();

    assertThat(server.requests())
        .extracting(r -> r.header("Authorization").orElseThrow())
        .containsExactly("Bearer " + OLD, "Bearer " + NEW);
    assertThat(model.toString()).doesNotContain(OLD).doesNotContain(NEW);
  }

  @Test
  void aStreamingModelAndTheCatalogTakeASupplierToo() throws Exception {
    server.requireApiKey(NEW);
    KimiStreamingChatModel streaming =
        KimiStreamingChatModel.builder()
            .apiKey(() -> NEW)
            .baseUrl(server.baseUrl())
            .modelName("kimi-k2.6")
            .build();
    CompletableFuture<String> text = new CompletableFuture<>();
    streaming.chat(
        "Hi",
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {}

          @Override
          public void onCompleteResponse(ChatResponse r) {
            text.complete(r.aiMessage().text());
          }

          @Override
          public void onError(Throwable error) {
            text.completeExceptionally(error);
          }
        });
    assertThat(text.get(30, TimeUnit.SECONDS)).isNotEmpty();
    assertThat(
            KimiModelCatalog.builder()
                .apiKey(() -> NEW)
                .baseUrl(server.baseUrl())
                .build()
                .listModels())
        .isNotEmpty();
    assertThat(server.requests()).extracting(RecordedRequest::status).containsOnly(200);
  }

  @Test
  void theLaterOfTheTwoKeySettingsWinsAndAClientOfOneIsRefusedBeside() {
    server.requireApiKey(NEW);
    assertThat(
            KimiChatModel.builder()
                .apiKey(() -> OLD)
                .apiKey(NEW)
                .baseUrl(server.baseUrl())
                .modelName("kimi-k2.6")
                .build()
                .chat("Hi"))
        .isNotEmpty();
    assertThatThrownBy(
            () ->
                KimiChatModel.builder()
                    .client(KimiClient.builder().apiKey(NEW).build())
                    .apiKey(() -> NEW)
                    .modelName("kimi-k2.6")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apiKey");
  }
}
