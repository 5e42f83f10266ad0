package io.github.kimisdk.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.langchain4j.internal.EventPublisher;
import io.github.kimisdk.langchain4j.internal.Requests;
import io.github.kimisdk.langchain4j.internal.StreamingChat;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Kimi as a LangChain4j {@link StreamingChatModel}, over a {@link KimiClient}: the same mapping as
 * {@link KimiChatModel}, streamed. Reasoning arrives through {@code onPartialThinking}, text
 * through {@code onPartialResponse}, tool calls through {@code onPartialToolCall} (each fragment of
 * the arguments) and {@code onCompleteToolCall}; then {@code onCompleteResponse} once, or {@code
 * onError}. The contexts' {@link dev.langchain4j.model.chat.response.StreamingHandle} cancels the
 * stream: the connection is closed and no callback follows.
 *
 * <pre>{@code
 * StreamingChatModel model = KimiStreamingChatModel.builder()
 *     .apiKey(System.getenv("MOONSHOT_API_KEY"))
 *     .modelName("kimi-k3")
 *     .build();
 * model.chat("Tell me a story", new StreamingChatResponseHandler() {
 *   public void onPartialResponse(String text) { System.out.print(text); }
 *   public void onCompleteResponse(ChatResponse response) { System.out.println(); }
 *   public void onError(Throwable error) { error.printStackTrace(); }
 * });
 * }</pre>
 *
 * <p>Each stream is read on one thread of the model's executor (by default a shared pool of daemon
 * threads), which makes all of that stream's callbacks, never the caller's thread. A request Kimi
 * cannot take ({@code topK}, audio, an image by http URL) throws from {@code chat} before anything
 * is sent; a failed call reaches {@code onError} as a LangChain4j exception (see the module's
 * README). Instances are immutable and thread-safe.
 *
 * <p>On LangChain4j 1.20 and later, {@code chat(ChatRequest)} (and {@code chat(List)}, {@code
 * chat(String)}) return a {@link Flow.Publisher} of the same pieces as events, which parks no
 * thread ({@link #doChat(ChatRequest)}):
 *
 * <pre>{@code
 * model.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build())
 *     .subscribe(subscriber); // PartialThinking, PartialResponse, ..., CompleteResponse
 * }</pre>
 */
// "unchecked": doChat(ChatRequest)'s raw return type (see there); javac reports its unchecked
// override on the class, which has no other unchecked operation
@SuppressWarnings("unchecked")
public final class KimiStreamingChatModel extends KimiModel implements StreamingChatModel {

  private final Executor executor;

  private KimiStreamingChatModel(Builder builder) {
    super(builder);
    this.executor = builder.executor == null ? StreamingChat.defaultExecutor() : builder.executor;
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
   * Starts streaming one request to {@code handler}.
   *
   * @param request the request, its parameters already merged with {@link
   *     #defaultRequestParameters()} (as {@link StreamingChatModel#chat(ChatRequest,
   *     StreamingChatResponseHandler)} does)
   * @param handler the handler
   * @throws dev.langchain4j.exception.UnsupportedFeatureException for what Kimi does not take
   * @throws IllegalArgumentException for a request Kimi refuses whatever the model
   */
  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    Objects.requireNonNull(handler, "handler");
    StreamingChat.start(
        clientFor(client, customHeaders),
        Requests.toKimi(request.messages(), merged(defaults, request.parameters()), true),
        handler,
        executor,
        logsStreamedResponses);
  }

  /**
   * Returns a cold publisher of one request's streaming events (LangChain4j 1.20 and later): each
   * subscriber gets a call of its own, whose reasoning, text and tool-call fragments arrive as
   * {@link dev.langchain4j.model.chat.response.PartialThinking}, {@link
   * dev.langchain4j.model.chat.response.PartialResponse}, {@link
   * dev.langchain4j.model.chat.response.PartialToolCall} and {@link
   * dev.langchain4j.model.chat.response.CompleteToolCall} events, then one {@code CompleteResponse}
   * with the whole response (its usage and metadata as {@link KimiTokenUsage} and {@link
   * KimiChatResponseMetadata}), then {@code onComplete}. Demand is honoured down to the connection
   * (a chunk is asked of the SDK's stream, which honours demand, only when the events before it
   * were delivered and more are wanted); {@code cancel()} closes the connection. A failure, a
   * request Kimi cannot take included, is {@code onError} with the exception {@link
   * #doChat(ChatRequest, StreamingChatResponseHandler)} reports; nothing is thrown here on
   * LangChain4j 1.20 and later. Events come on the client's threads (not the model's executor; or
   * on the thread of a {@code request(n)} that finds events waiting): keep {@code onNext} short. A
   * subscriber whose {@code onNext} throws has its stream cancelled and gets no further signal.
   *
   * <p>LangChain4j's {@link StreamingChatModel#chat(ChatRequest)} calls this with the request's
   * parameters merged and the listeners around it; call that, not this. The publisher is declared
   * raw here (a {@code Flow.Publisher<ChatModelStreamingEvent>} through {@link
   * StreamingChatModel}): a generic return type would name {@code ChatModelStreamingEvent} in this
   * class, which LangChain4j 1.19 lacks, and what reads a class's signatures there (Mockito's
   * inline mocks, which LangChain4j's own tests put on models, bean scanners) would fail on it.
   *
   * @param request the request, its parameters already merged with {@link
   *     #defaultRequestParameters()}
   * @return the publisher of {@code ChatModelStreamingEvent}s
   * @throws UnsupportedFeatureException on a LangChain4j older than 1.20 (whose {@code
   *     StreamingChatModel} has no such method, so only a direct caller gets here)
   */
  @Override
  @SuppressWarnings("rawtypes") // raw on purpose: see above
  public Flow.Publisher doChat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    // the only path to the Flow bridge, the one class that names LangChain4j 1.20's types: it is
    // loaded when this runs, which LangChain4j 1.19 never does (a caller of this very method on it
    // is told what it needs)
    try {
      return new EventPublisher(
          clientFor(client, customHeaders),
          () -> Requests.toKimi(request.messages(), merged(defaults, request.parameters()), true),
          logsStreamedResponses);
    } catch (LinkageError e) {
      UnsupportedFeatureException older =
          new UnsupportedFeatureException(
              "doChat(ChatRequest), LangChain4j's Flow streaming, needs langchain4j-core 1.20 or"
                  + " later on the class path, which has its event types; chat(ChatRequest,"
                  + " StreamingChatResponseHandler) works on every version");
      older.initCause(e);
      throw older;
    }
  }

  /** Builds a {@link KimiStreamingChatModel}; the settings are {@link KimiChatModel.Builder}'s. */
  public static final class Builder extends KimiModelBuilder<Builder> {

    private Executor executor;

    private Builder() {
      super("KimiStreamingChatModel");
    }

    /**
     * Sets where streams are read and their callbacks made: one task per stream, running for the
     * stream's length. By default a shared pool of daemon threads.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Builds the model.
     *
     * @return the model
     * @throws IllegalArgumentException if no model name is set
     * @throws IllegalStateException if {@code client(..)} is combined with client settings
     */
    public KimiStreamingChatModel build() {
      return new KimiStreamingChatModel(this);
    }
  }
}
