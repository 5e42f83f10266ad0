package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * The loop every protocol's stream handler runs, written once; a protocol's handler says only what
 * its events mean ({@link #event}) and when what arrived is a whole answer ({@link #finished}).
 *
 * <p>The rules kept here, for every protocol:
 *
 * <ol>
 *   <li>A payload of blanks only carries nothing (a keep-alive some servers send as data): skipped.
 *       Every other payload reaches the protocol without its leading and trailing blanks.
 *   <li>{@code data: [DONE]}, the OpenAI-style end marker, is the protocol's to act on ({@link
 *       #onDone}); by default it is skipped, and the protocol's own end event decides.
 *   <li>An event named {@code error} fails the stream with the error its payload carries ({@link
 *       #eventError}), whatever else the payload holds.
 *   <li>A stream is complete once it carried its finish reason, whether or not its end event
 *       follows: at the end of input, what arrived is the answer when the protocol says it is whole
 *       ({@link #finished}), else a truncated stream carrying what arrived. A body read as an event
 *       stream on trust ({@link #isLooseStream}) that held no event at all is a decoding error.
 *   <li>Every chunk delivered is recorded ({@link #emit}), so that once one was, every failure is a
 *       stream error carrying what arrived ({@link StreamProgress#failure}).
 * </ol>
 *
 * <p>All callbacks run in the subscriber's drain loop, one at a time; the fields of a handler are
 * touched only there, but {@link #mapError} may run on another thread (an abort), which is why
 * {@link StreamProgress} has its own lock.
 */
public abstract class WireEvents implements SseEventHandler<ChatCompletionChunk> {

  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
  private static final byte[] ERROR_KEY = {'"', 'e', 'r', 'r', 'o', 'r', '"'};

  /** The response's status and headers. */
  protected final ResponseMetadata metadata;

  /** Builds the exceptions. */
  protected final StreamErrors errors;

  /** The JSON nesting limit of event payloads. */
  protected final int maxDepth;

  /** What arrived so far. */
  protected final StreamProgress progress;

  private boolean sawEvent; // this and the three below only touched in the drain loop
  private boolean roleSent;
  private String id;
  private String model;
  private long created;

  /**
   * Creates the handler of one response.
   *
   * @param metadata the response's status and headers
   * @param errors builds the exceptions
   * @param maxDepth the JSON nesting limit of event payloads
   */
  protected WireEvents(ResponseMetadata metadata, StreamErrors errors, int maxDepth) {
    this.metadata = metadata;
    this.errors = errors;
    this.maxDepth = maxDepth;
    this.progress = new StreamProgress(metadata, errors);
  }

  @Override
  public final void onEvent(
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
    if (end - start == DONE.length && indexOf(data, start, end, DONE) == start) {
      onDone(out);
      return;
    }
    if ("error".equals(type)) {
      out.fail(eventError(data, start, end - start));
      return;
    }
    event(type, data, start, end - start, out);
  }

  /**
   * Handles one event that is not blank, not {@code [DONE]} and not named {@code error}: emits what
   * it carries ({@link #emit}), completes or fails the stream. {@code data[off, off + len)} is
   * valid only during the call.
   *
   * @param type the event's name, {@code "message"} when it had none
   * @param data holds the payload
   * @param off where the payload starts, past its blanks
   * @param len the payload's length, without its trailing blanks
   * @param out where chunks, completion and failure go
   * @throws Exception to fail the stream
   */
  protected abstract void event(
      String type, byte[] data, int off, int len, Emitter<ChatCompletionChunk> out)
      throws Exception;

  /**
   * Tells whether what arrived is a whole answer, for a body that ended before the protocol's end
   * event.
   *
   * @return true when nothing is missing
   */
  protected abstract boolean finished();

  /**
   * Acts on {@code data: [DONE]}; the default skips it, leaving the end to the protocol's own end
   * event.
   *
   * @param out where completion goes
   */
  protected void onDone(Emitter<ChatCompletionChunk> out) {}

  /**
   * Returns the failure an event named {@code error} carries; the default reads the payload as
   * Kimi's error envelope, whatever it holds.
   *
   * @param data holds the payload
   * @param off where it starts
   * @param len its length
   * @return the failure
   */
  protected Throwable eventError(byte[] data, int off, int len) {
    return errors.inStreamError(metadata, data, off, len);
  }

  /**
   * Records a chunk and hands it on.
   *
   * @param chunk the chunk
   * @param out where it goes
   */
  protected final void emit(ChatCompletionChunk chunk, Emitter<ChatCompletionChunk> out) {
    progress.add(chunk);
    out.emit(chunk);
  }

  /**
   * Records the response's id, model and creation time for the chunks; a value already known is
   * kept, a null or 0 changes nothing.
   *
   * @param id the response id; may be null
   * @param model the model that answers; may be null
   * @param created the creation time in seconds; 0 when unknown
   */
  protected final void identify(String id, String model, long created) {
    if (this.id == null) {
      this.id = id;
    }
    if (this.model == null) {
      this.model = model;
    }
    if (this.created == 0) {
      this.created = created;
    }
  }

  /**
   * Returns a chunk of the one choice a non-chat protocol streams, with the response's id, model
   * and creation time; the first chunk of a response carries the role {@code assistant}.
   *
   * @param delta what the chunk adds
   * @param finish the finish reason; null before the end
   * @param usage the usage; null when the event carries none
   * @return the chunk
   */
  protected final ChatCompletionChunk chunk(Delta delta, FinishReason finish, Usage usage) {
    if (!roleSent) {
      roleSent = true;
      delta =
          new Delta(
              "assistant",
              delta.content(),
              delta.reasoningContent(),
              delta.toolCalls(),
              delta.reasoningSignature());
    }
    return new ChatCompletionChunk(
        id, created, model, List.of(new ChunkChoice(0, delta, finish, null)), usage, null);
  }

  /**
   * Returns the failure for a payload that is not what the protocol sends, carrying what arrived.
   *
   * @param cause what went wrong
   * @return the exception to throw
   */
  protected final KimiException malformed(RuntimeException cause) {
    return errors.malformedChunk(metadata, progress.partial(), cause);
  }

  /**
   * Parses a payload as a JSON object, within the nesting limit.
   *
   * @param data holds the payload
   * @param off where it starts
   * @param len its length
   * @return the object
   * @throws KimiException a malformed chunk when it is not a JSON object
   */
  protected final JsonObject object(byte[] data, int off, int len) {
    try {
      return Json.parse(data, off, len, maxDepth).asObject();
    } catch (RuntimeException e) {
      throw malformed(e);
    }
  }

  @Override
  public final void onEndOfInput(Emitter<ChatCompletionChunk> out) {
    if (!sawEvent && isLooseStream(metadata)) {
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
    if (finished()) {
      out.complete(); // a gateway that ends without the end event once everything arrived
      return;
    }
    out.fail(progress.truncated());
  }

  @Override
  public final Throwable mapError(Throwable error) {
    return progress.failure(error);
  }

  /**
   * Tells whether a response is typed as what some OpenAI-compatible servers send their events as:
   * {@code text/plain} or no type at all (the official clients parse the body whatever its type).
   *
   * @param md the response's status and headers
   * @return true for {@code text/plain} or no {@code Content-Type}
   */
  public static boolean isLooseStream(ResponseMetadata md) {
    String ct = md.contentType().map(c -> c.strip().toLowerCase(Locale.ROOT)).orElse("");
    return ct.isEmpty() || ct.startsWith("text/plain");
  }

  /**
   * Tells whether bytes are Kimi's error envelope: a JSON object with a non-null {@code error}
   * member and no {@code choices} member (a Responses reply carries {@code "error": null} beside
   * its output). Bytes without {@code "error"} in them are not parsed at all, which keeps the sniff
   * off the path of ordinary replies and chunks.
   *
   * @param b holds the bytes
   * @param off where they start
   * @param len their length
   * @param maxDepth the nesting limit of the parse
   * @return true for an error envelope
   */
  public static boolean isErrorEnvelope(byte[] b, int off, int len, int maxDepth) {
    if (indexOf(b, off, off + len, ERROR_KEY) < 0) {
      return false;
    }
    JsonValue v;
    try {
      v = Json.parse(b, off, len, maxDepth);
    } catch (RuntimeException notJson) {
      return false;
    }
    return v instanceof JsonObject o
        && o.get("error") != null
        && !(o.get("error") instanceof JsonNull)
        && o.get("choices") == null;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
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
