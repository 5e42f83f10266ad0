package io.github.kimisdk.internal.wire.chat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.internal.wire.WireEvents;
import io.github.kimisdk.json.JsonObject;

/**
 * Decodes each event of a chat stream into a chunk: {@code [DONE]} completes at once, a payload
 * that is Kimi's error envelope fails with an API error. What arrived is whole once every choice
 * asked for has its {@code finish_reason} (and the usage, when asked for), {@code data: [DONE]} or
 * not.
 */
final class ChunkEventHandler extends WireEvents {

  private final int choices;
  private final boolean usage;

  ChunkEventHandler(
      ResponseMetadata metadata, StreamErrors errors, int maxDepth, int choices, boolean usage) {
    super(metadata, errors, maxDepth);
    this.choices = choices;
    this.usage = usage;
  }

  @Override
  protected void event(
      String type, byte[] data, int off, int len, Emitter<ChatCompletionChunk> out) {
    // Decode first: a chunk with choices is never an error payload, so only a payload that does
    // not decode, or decodes without choices, is searched for a top-level "error" object. That
    // keeps the search off the hot path of ordinary content chunks.
    ChatCompletionChunk chunk;
    try {
      chunk = ChatCodec.decodeChunk(data, off, len, maxDepth);
    } catch (RuntimeException e) {
      if (isErrorEnvelope(data, off, len, maxDepth)) {
        out.fail(errors.inStreamError(metadata, data, off, len));
        return;
      }
      throw malformed(e);
    }
    if (chunk.choices().isEmpty() && isErrorEnvelope(data, off, len, maxDepth)) {
      out.fail(errors.inStreamError(metadata, data, off, len));
      return;
    }
    if (chunk.additionalFields().get("error") instanceof JsonObject && endsInError(chunk)) {
      // an error after output began, as OpenRouter sends it: a chunk whose choice finishes with
      // "error" beside a top-level error object, on the stream's 200 (an error member beside
      // choices that go on is a chunk, as before)
      out.fail(errors.inStreamError(metadata, data, off, len));
      return;
    }
    emit(chunk, out);
  }

  @Override
  protected void onDone(Emitter<ChatCompletionChunk> out) {
    out.complete();
  }

  @Override
  protected boolean finished() {
    return progress.finished(choices, usage);
  }

  /** Tells whether a choice of {@code chunk} finishes with {@code "error"}. */
  private static boolean endsInError(ChatCompletionChunk chunk) {
    for (ChatCompletionChunk.ChunkChoice c : chunk.choices()) {
      if (c.finishReason() != null && "error".equals(c.finishReason().value())) {
        return true;
      }
    }
    return false;
  }
}
