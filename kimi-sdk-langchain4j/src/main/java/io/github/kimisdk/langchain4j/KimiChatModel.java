package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.langchain4j.internal.Errors;
import io.github.kimisdk.langchain4j.internal.Requests;
import io.github.kimisdk.langchain4j.internal.Responses;

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
 * <p>Calls run on the caller's thread. Failures are LangChain4j's exceptions ({@code
 * dev.langchain4j.exception}): see the module's README for the table. The listeners hear every call
 * (LangChain4j's {@link ChatModel#chat(ChatRequest)} calls them around {@link
 * #doChat(ChatRequest)}). Instances are immutable and thread-safe.
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
      return Responses.toChatResponse(client.chat(kimi));
    } catch (RuntimeException e) {
      throw Errors.map(e);
    }
  }

  /** Builds a {@link KimiChatModel}; see {@link KimiStreamingChatModel.Builder} for the twin. */
  public static final class Builder extends KimiModelBuilder<Builder> {

    private Builder() {}

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
