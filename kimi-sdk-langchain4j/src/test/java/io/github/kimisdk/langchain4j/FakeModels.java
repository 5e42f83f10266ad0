package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The models most loopback tests build (kimi-k3 on a fake, a test key, no retries, so a refusal
 * fails at once), and the handler and listener they watch them with.
 */
final class FakeModels {

  private FakeModels() {}

  static KimiChatModel.Builder chat(FakeKimiServer server) {
    return KimiChatModel.builder()
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .maxRetries(0)
        .modelName("kimi-k3");
  }

  static KimiStreamingChatModel.Builder streaming(FakeKimiServer server) {
    return KimiStreamingChatModel.builder()
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .maxRetries(0)
        .modelName("kimi-k3");
  }

  /** A handler that completes {@code done} with the response, or with the error. */
  static StreamingChatResponseHandler completing(CompletableFuture<ChatResponse> done) {
    return new Completing(done);
  }

  /** A handler that completes its future with the response, or with the error. */
  static class Completing implements StreamingChatResponseHandler {
    final CompletableFuture<ChatResponse> done;

    Completing(CompletableFuture<ChatResponse> done) {
      this.done = done;
    }

    @Override
    public void onPartialResponse(String partial) {}

    @Override
    public void onCompleteResponse(ChatResponse response) {
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }

  /**
   * A listener that writes what it hears into {@code heard}: {@code "request <model>"}, {@code
   * "response <text>"}, {@code "error <exception's simple name>"}.
   */
  static ChatModelListener recording(List<String> heard) {
    return new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext context) {
        heard.add("request " + context.chatRequest().parameters().modelName());
      }

      @Override
      public void onResponse(ChatModelResponseContext context) {
        heard.add("response " + context.chatResponse().aiMessage().text());
      }

      @Override
      public void onError(ChatModelErrorContext context) {
        heard.add("error " + context.error().getClass().getSimpleName());
      }
    };
  }
}
