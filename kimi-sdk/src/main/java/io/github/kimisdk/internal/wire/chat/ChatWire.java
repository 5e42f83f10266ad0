package io.github.kimisdk.internal.wire.chat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.completions.RequestFields;
import io.github.kimisdk.internal.wire.Wire;
import java.util.List;
import java.util.Map;

/**
 * OpenAI-compatible chat completions, {@code POST chat/completions} with a bearer key (the default
 * wire); its streams may come typed {@code text/plain}, and every other endpoint is served. It
 * writes every request component and refuses none ({@link RequestFields} declares it).
 */
public final class ChatWire extends Wire {

  /** The one instance: the protocol holds no state. */
  public static final ChatWire INSTANCE = new ChatWire();

  private ChatWire() {
    super(
        "chat completions",
        "chat/completions",
        Auth.BEARER,
        Map.of(),
        true,
        null,
        (metadata, errors, maxDepth, request) ->
            new ChunkEventHandler(
                metadata,
                errors,
                maxDepth,
                request.n() == null ? 1 : Math.max(1, request.n()),
                request.includeUsage()),
        RequestFields.FATES,
        List.of());
  }

  @Override
  protected byte[] write(ChatRequest request) {
    return ChatCodec.encodeRequest(request);
  }

  @Override
  public ChatCompletion decode(byte[] b, int off, int len, int maxDepth) {
    return ChatCodec.decodeCompletion(b, off, len, maxDepth);
  }
}
