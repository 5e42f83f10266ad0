package io.github.kimisdk.internal.responses;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ChatProtocol;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.sse.SseEventHandler;
import java.net.http.HttpRequest;

/**
 * Responses: {@code POST responses} below the chat-completions base, with a bearer key; every other
 * endpoint stays served on the same base.
 */
public final class ResponsesProtocol implements ChatProtocol {

  /** The one instance: the protocol holds no state. */
  public static final ResponsesProtocol INSTANCE = new ResponsesProtocol();

  private ResponsesProtocol() {}

  @Override
  public String chatPath() {
    return "responses";
  }

  @Override
  public byte[] encode(ChatRequest request) {
    return ResponsesCodec.encodeRequest(request);
  }

  @Override
  public ChatCompletion decodeCompletion(byte[] b, int off, int len, int maxDepth) {
    return ResponsesCodec.decodeResponse(b, off, len, maxDepth);
  }

  @Override
  public SseEventHandler<ChatCompletionChunk> streamHandler(
      ResponseMetadata metadata, ErrorFactory errors, int maxDepth, ChatRequest request) {
    return new ResponsesEventHandler(metadata, errors, maxDepth);
  }

  @Override
  public boolean bearerAuth() {
    return true;
  }

  @Override
  public void addHeaders(HttpRequest.Builder b) {}

  @Override
  public String platformRefusal() {
    return null;
  }

  @Override
  public String toString() {
    return "ResponsesProtocol";
  }
}
