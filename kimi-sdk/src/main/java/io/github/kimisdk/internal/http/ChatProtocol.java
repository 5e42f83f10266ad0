package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.codec.ChatCodec;
import io.github.kimisdk.internal.sse.SseEventHandler;
import java.net.http.HttpRequest;

/**
 * The chat wire format of a transport: path, body encoding, authentication headers and response
 * decoding. {@link #CHAT_COMPLETIONS} is the default; the Anthropic Messages one lives in {@code
 * internal.anthropic}.
 */
public interface ChatProtocol {

  /** OpenAI-compatible chat completions with a bearer key. */
  ChatProtocol CHAT_COMPLETIONS =
      new ChatProtocol() {
        @Override
        public String chatPath() {
          return "chat/completions";
        }

        @Override
        public byte[] encode(ChatRequest request) {
          return ChatCodec.encodeRequest(request);
        }

        @Override
        public ChatCompletion decodeCompletion(byte[] b, int off, int len, int maxDepth) {
          return ChatCodec.decodeCompletion(b, off, len, maxDepth);
        }

        @Override
        public SseEventHandler<ChatCompletionChunk> streamHandler(
            ResponseMetadata metadata, ErrorFactory errors, int maxDepth, ChatRequest request) {
          return new ChunkEventHandler(
              metadata,
              errors,
              maxDepth,
              request.n() == null ? 1 : Math.max(1, request.n()),
              request.includeUsage());
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
      };

  /** Returns the chat path below the base URL, without leading slash. */
  String chatPath();

  /**
   * Encodes the request body exactly as given (the model's rules were applied before); throws
   * {@link UnsupportedRequestException} when the format cannot express the request.
   */
  byte[] encode(ChatRequest request);

  /** Decodes a 2xx non-streaming body, nesting at most {@code maxDepth} levels deep. */
  ChatCompletion decodeCompletion(byte[] b, int off, int len, int maxDepth);

  /**
   * Returns the handler that turns one response's events into chunks, with a JSON depth limit;
   * {@code request} tells what a whole answer holds (its choices, its usage).
   */
  SseEventHandler<ChatCompletionChunk> streamHandler(
      ResponseMetadata metadata, ErrorFactory errors, int maxDepth, ChatRequest request);

  /** Tells whether the key is sent as {@code Authorization: Bearer}. */
  boolean bearerAuth();

  /** Adds the format's own headers (after the caller's, so they win). */
  void addHeaders(HttpRequest.Builder b);

  /** Returns why non-chat calls are refused, or null when they are served. */
  String platformRefusal();
}
