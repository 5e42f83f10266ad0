package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.langchain4j.internal.StreamingChat;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming model reads a stream on its executor's thread, never the caller's: with a context
 * propagator on its client, the stream's callbacks (the SDK's listeners) and the handler's run in
 * the caller's context there, and the executor's thread keeps none of it after.
 */
class StreamingContextHttpTest {

  static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  static final ContextPropagator TENANTS =
      () -> {
        String captured = TENANT.get();
        return () -> {
          String before = TENANT.get();
          TENANT.set(captured);
          return () -> TENANT.set(before);
        };
      };

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    TENANT.remove();
    server.close();
  }

  @Test
  void theHandlersCallbacksRunInTheCallersContextOnTheExecutorsThread() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    KimiClient client =
        KimiClient.builder()
            .apiKey("sk-langchain4j-context")
            .baseUrl(server.baseUrl())
            .contextPropagator(TENANTS)
            .listener(
                new CallListener() {
                  @Override
                  public void onEnd(CallEvent.End e) {
                    seen.add("listener " + TENANT.get());
                  }
                })
            .build();
    try (client) {
      KimiStreamingChatModel model =
          KimiStreamingChatModel.builder().client(client).modelName("kimi-k2.6").build();
      CompletableFuture<String> after = new CompletableFuture<>();
      TENANT.set("acme");
      try {
        model.chat(
            "Hi",
            new StreamingChatResponseHandler() {
              @Override
              public void onPartialResponse(String partial) {
                seen.add("partial " + TENANT.get() + " " + Thread.currentThread().getName());
              }

              @Override
              public void onCompleteResponse(ChatResponse r) {
                seen.add("complete " + TENANT.get());
                after.complete(Thread.currentThread().getName());
              }

              @Override
              public void onError(Throwable error) {
                after.completeExceptionally(error);
              }
            });
      } finally {
        TENANT.remove();
      }
      String reader = after.get(30, TimeUnit.SECONDS);

      assertThat(reader).startsWith("kimi-langchain4j-stream-");
      assertThat(seen)
          .anyMatch(s -> s.startsWith("partial "))
          .contains("listener acme", "complete acme")
          .allSatisfy(s -> assertThat(s).contains(" acme"));
      // the executor's thread got its own context back once the stream ended
      String left =
          CompletableFuture.supplyAsync(TENANT::get, StreamingChat.defaultExecutor())
              .get(10, TimeUnit.SECONDS);
      assertThat(left).isNull();
    }
  }
}
