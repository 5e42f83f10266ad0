package io.github.kimisdk.internal.anthropic;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ChatProtocol;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.sse.SseEventHandler;
import java.net.http.HttpRequest;

/** Anthropic Messages: {@code POST v1/messages} with {@code x-api-key} and a version header. */
public final class AnthropicProtocol implements ChatProtocol {

  private final String apiKey;

  /**
   * Creates the protocol for one client.
   *
   * @param apiKey the key, sent as {@code x-api-key}
   */
  public AnthropicProtocol(String apiKey) {
    this.apiKey = apiKey;
  }

  @Override
  public String chatPath() {
    return "v1/messages";
  }

  @Override
  public byte[] encode(ChatRequest request) {
    return MessagesCodec.encodeRequest(request);
  }

  @Override
  public ChatCompletion decodeCompletion(byte[] b, int off, int len, int maxDepth) {
    return MessagesCodec.decodeMessage(b, off, len, maxDepth);
  }

  @Override
  public SseEventHandler<ChatCompletionChunk> streamHandler(
      ResponseMetadata metadata, ErrorFactory errors, int maxDepth, ChatRequest request) {
    return new MessagesEventHandler(metadata, errors, maxDepth);
  }

  @Override
  public boolean bearerAuth() {
    return false;
  }

  @Override
  public void addHeaders(HttpRequest.Builder b) {
    b.setHeader("x-api-key", apiKey);
    b.setHeader("anthropic-version", MessagesCodec.VERSION);
  }

  @Override
  public String platformRefusal() {
    return "This client speaks WireProtocol.ANTHROPIC_MESSAGES, which serves chat only; files,"
        + " batches, models, balance and token counting exist on the chat-completions surface."
        + " Use a second client built with Endpoint.GLOBAL, Endpoint.CHINA or Endpoint.KIMI_CODE"
        + " for them";
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "AnthropicProtocol[apiKey=***]";
  }
}
