package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Headers computed per request ({@code customHeaders(Supplier)}), as LangChain4j's users ask. */
class CustomHeadersHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void aChatModelSendsTheHeadersItsSupplierComputesForEachRequest() {
    AtomicInteger requests = new AtomicInteger();
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .modelName("kimi-k2.6")
            .customHeaders(() -> Map.of("X-Request-Number", "" + requests.incrementAndGet()))
            .build();

    model.chat("One");
    model.chat("Two");

    assertThat(server.takeRequest().header("X-Request-Number")).hasValue("1");
    assertThat(server.takeRequest().header("X-Request-Number")).hasValue("2");
  }

  @Test
  void aStreamingModelOnAGivenClientSendsThemToo() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build()) {
      KimiStreamingChatModel model =
          KimiStreamingChatModel.builder()
              .client(client)
              .modelName("kimi-k2.6")
              .customHeaders(() -> Map.of("X-Tenant", "tenant-" + requests.incrementAndGet()))
              .build();

      stream(model, "One");
      stream(model, "Two");
    }

    assertThat(server.takeRequest().header("X-Tenant")).hasValue("tenant-1");
    assertThat(server.takeRequest().header("X-Tenant")).hasValue("tenant-2");
  }

  @Test
  void theKeysHeaderIsRefusedAndNothingIsSent() {
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .modelName("kimi-k2.6")
            .customHeaders(Map.of("Authorization", "Bearer other"))
            .build();

    assertThatThrownBy(() -> model.chat("Hi")).hasMessageContaining("Authorization");
    assertThat(server.requestCount()).isZero();
  }

  private static void stream(KimiStreamingChatModel model, String text) throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    model.chat(
        text,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {}

          @Override
          public void onCompleteResponse(ChatResponse r) {
            done.complete(r.aiMessage().text());
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    assertThat(done.get(30, TimeUnit.SECONDS)).isNotEmpty();
  }
}
