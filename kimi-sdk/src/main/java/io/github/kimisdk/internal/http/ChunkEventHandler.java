package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.codec.ChatCodec;
import io.github.kimisdk.internal.sse.SseEventHandler;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;

/**
 * Decodes each SSE data payload of a chat stream into a chunk: {@code [DONE]} completes at once, a
 * top-level {@code error} object fails with an API error. A stream is complete once it carried its
 * finish reason, whether or not its end event follows: here once every choice asked for has its
 * {@code finish_reason} (and the usage, when asked for), {@code data: [DONE]} or not; EOF before
 * that is a truncated stream carrying what arrived. Once a chunk was decoded, every failure is a
 * stream error: an API error or a broken limit is wrapped with what arrived (the retrier unwraps it
 * if the caller saw nothing). What arrived is kept in a {@link StreamProgress}, so a failure can
 * carry it.
 */
final class ChunkEventHandler implements SseEventHandler<ChatCompletionChunk> {

  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
  private static final byte[] ERROR_KEY = {'"', 'e', 'r', 'r', 'o', 'r', '"'};

  private final ResponseMetadata metadata;
  private final ErrorFactory errors;
  private final int maxDepth;
  private final StreamProgress progress;
  private final int choices;
  private final boolean usage;
  private boolean sawEvent; // only touched in the drain loop

  ChunkEventHandler(
      ResponseMetadata metadata, ErrorFactory errors, int maxDepth, int choices, boolean usage) {
    this.choices = choices;
    this.usage = usage;
    this.metadata = metadata;
    this.errors = errors;
    this.maxDepth = maxDepth;
    this.progress = new StreamProgress(metadata, errors);
  }

  @Override
  public void onEvent(
      String type,
      byte[] data,
      int off,
      int len,
      String lastEventId,
      Emitter<ChatCompletionChunk> out)
      throws Exception {
    sawEvent = true;
    int start = off;
    int end = off + len;
    while (start < end && isSpace(data[start])) {
      start++;
    }
    while (end > start && isSpace(data[end - 1])) {
      end--;
    }
    if (start == end) {
      return; // an event with an empty payload carries nothing
    }
    if (equalsAt(data, start, end, DONE)) {
      out.complete();
      return;
    }
    if ("error".equals(type)) {
      out.fail(errors.inStreamError(metadata, data, start, end - start));
      return;
    }
    // Decode first: a chunk with choices is never an error payload, so only a payload that does
    // not decode, or decodes without choices, is searched for a top-level "error" object. That
    // keeps the search off the hot path of ordinary content chunks.
    ChatCompletionChunk chunk;
    try {
      chunk = ChatCodec.decodeChunk(data, start, end - start, maxDepth);
    } catch (RuntimeException e) {
      if (isErrorPayload(data, start, end)) {
        out.fail(errors.inStreamError(metadata, data, start, end - start));
        return;
      }
      throw errors.malformedChunk(metadata, progress.partial(), e);
    }
    if (chunk.choices().isEmpty() && isErrorPayload(data, start, end)) {
      out.fail(errors.inStreamError(metadata, data, start, end - start));
      return;
    }
    progress.add(chunk);
    out.emit(chunk);
  }

  @Override
  public void onEndOfInput(Emitter<ChatCompletionChunk> out) {
    if (!sawEvent && HttpTransport.isLooseStream(metadata)) {
      // a body not typed as an event stream, read as one on trust, held no event at all
      out.fail(
          errors.decoding(
              metadata,
              "Expected an event stream (text/event-stream) but got Content-Type "
                  + metadata.contentType().orElse("none")
                  + " with no event in it",
              null));
      return;
    }
    if (progress.finished(choices, usage)) {
      out.complete(); // a gateway that ends without [DONE] once everything arrived
      return;
    }
    out.fail(progress.truncated());
  }

  @Override
  public Throwable mapError(Throwable error) {
    return progress.failure(error);
  }

  /**
   * Whether the payload is a JSON object with a top-level {@code error} member and no {@code
   * choices} member: Kimi's in-band error event.
   */
  private boolean isErrorPayload(byte[] data, int start, int end) {
    if (indexOf(data, start, end, ERROR_KEY) < 0) {
      return false;
    }
    JsonValue v;
    try {
      v = Json.parse(data, start, end - start, maxDepth);
    } catch (RuntimeException e) {
      return false; // not JSON: the caller reports a malformed chunk
    }
    return v instanceof JsonObject o && o.get("error") != null && o.get("choices") == null;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static boolean equalsAt(byte[] data, int start, int end, byte[] word) {
    if (end - start != word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if (data[start + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, int start, int end, byte[] word) {
    outer:
    for (int i = start; i <= end - word.length; i++) {
      for (int j = 0; j < word.length; j++) {
        if (data[i + j] != word[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
