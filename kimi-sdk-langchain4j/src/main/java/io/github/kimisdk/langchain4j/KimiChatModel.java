package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.langchain4j.internal.Errors;
import io.github.kimisdk.langchain4j.internal.Requests;
import io.github.kimisdk.langchain4j.internal.Responses;
import java.util.concurrent.CompletableFuture;

/**
 * Kimi as a LangChain4j {@link ChatModel}, over a {@link KimiClient}: messages, tools, tool choice,
 * JSON and JSON-schema response formats, and Kimi's reasoning, which comes back as {@link
 * dev.langchain4j.data.message.AiMessage#thinking()} and goes back as {@code reasoning_content} on
 * later turns (kimi-k3 refuses a tool-call history without it).
 *
 * <pre>{@code
 * ChatModel model = KimiChatModel.builder()
 *     .apiKey(System.getenv("MOONSHOT_API_KEY"))
 *     .modelName("kimi-k3")
 *     .build();
 * String answer = model.chat("What is the capital of Germany?");
 * }</pre>
 *
 * <p>{@code chat} calls run on the caller's thread; on LangChain4j 1.20 and later {@code chatAsync}
 * returns a {@link CompletableFuture} at once, the call going out on the client's threads ({@link
 * #doChatAsync(ChatRequest)}). Failures are LangChain4j's exceptions ({@code
 * dev.langchain4j.exception}), thrown or completing the future: see the module's README for the
 * table. The listeners hear every call (LangChain4j's {@link ChatModel#chat(ChatRequest)} and
 * {@code chatAsync} call them around {@link #doChat(ChatRequest)} and {@link
 * #doChatAsync(ChatRequest)}). Instances are immutable and thread-safe.
 */
public final class KimiChatModel extends KimiModel implements ChatModel {

  private KimiChatModel(Builder builder) {
    super(builder);
  }

  /**
   * Starts a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends one request and waits for the whole answer.
   *
   * @param request the request, its parameters already merged with {@link
   *     #defaultRequestParameters()} (as {@link ChatModel#chat(ChatRequest)} does)
   * @return the answer
   * @throws dev.langchain4j.exception.UnsupportedFeatureException for what Kimi does not take (such
   *     as {@code topK}, audio, images by http URL)
   * @throws dev.langchain4j.exception.LangChain4jException for a failed call, by its kind
   */
  @Override
  public ChatResponse doChat(ChatRequest request) {
    io.github.kimisdk.chat.ChatRequest kimi =
        Requests.toKimi(request.messages(), merged(defaults, request.parameters()), false);
    try {
      return Responses.toChatResponse(clientFor(client, customHeaders).chat(kimi));
    } catch (RuntimeException e) {
      throw Errors.map(e);
    }
  }

  /**
   * Sends one request without blocking (LangChain4j 1.20 and later): the call goes out on the
   * client's threads and no thread waits for it. The future completes with the answer, or
   * exceptionally with the exception {@link #doChat(ChatRequest)} would throw (a request Kimi
   * cannot take included: nothing is thrown here); cancelling it aborts the call. It completes on
   * the client's threads: keep what you chain to it short, or give it an executor of your own.
   *
   * <p>LangChain4j's {@link ChatModel#chatAsync(ChatRequest)} calls this with the request's
   * parameters merged and the listeners around it; call that, not this.
   *
   * @param request the request, its parameters already merged with {@link
   *     #defaultRequestParameters()}
   * @return the future answer
   */
  @Override
  public CompletableFuture<ChatResponse> doChatAsync(ChatRequest request) {
    io.github.kimisdk.chat.ChatRequest kimi;
    CompletableFuture<io.github.kimisdk.chat.ChatCompletion> call;
    try {
      kimi = Requests.toKimi(request.messages(), merged(defaults, request.parameters()), false);
      call = clientFor(client, customHeaders).chatAsync(kimi);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Errors.map(e));
    }
    CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
    call.whenComplete(
        (completion, failure) -> {
          if (failure != null) {
            answer.completeExceptionally(Errors.map(Errors.unwrap(failure)));
            return;
          }
          try {
            answer.complete(Responses.toChatResponse(completion));
          } catch (RuntimeException e) {
            answer.completeExceptionally(Errors.map(e));
          }
        });
    answer.whenComplete(
        (response, failure) -> {
          if (answer.isCancelled()) {
            call.cancel(true); // aborts the exchange
          }
        });
    return answer;
  }

  /** Builds a {@link KimiChatModel}; see {@link KimiStreamingChatModel.Builder} for the twin. */
  public static final class Builder extends KimiModelBuilder<Builder> {

    private Builder() {
      super("KimiChatModel");
    }

    /**
     * Builds the model.
     *
     * @return the model
     * @throws IllegalArgumentException if no model name is set
     * @throws IllegalStateException if {@code client(..)} is combined with client settings
     */
    public KimiChatModel build() {
      return new KimiChatModel(this);
    }
  }
}
