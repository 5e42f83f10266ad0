package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.JsonObject;

/**
 * The loop of the protocols whose every event is a JSON object named by its {@code type} member,
 * else by the event's name (Messages, Responses): a payload that is not a JSON object is a
 * malformed chunk; an event of type {@code error} fails the stream with the error it carries
 * ({@link #eventError}); a handler that cannot read an event it knows (an {@link
 * IllegalArgumentException}, a missing member) fails the stream as a malformed chunk too.
 */
public abstract class TypedEvents extends WireEvents {

  /**
   * Creates the handler of one response.
   *
   * @param metadata the response's status and headers
   * @param errors builds the exceptions
   * @param maxDepth the JSON nesting limit of event payloads
   */
  protected TypedEvents(ResponseMetadata metadata, StreamErrors errors, int maxDepth) {
    super(metadata, errors, maxDepth);
  }

  /**
   * Parses the event and hands it to {@link #event(String, JsonObject, Emitter)}. A protocol with a
   * fast path for its commonest events overrides this, reads those from the bytes, and calls it for
   * the rest.
   */
  @Override
  protected void event(
      String type, byte[] data, int off, int len, Emitter<ChatCompletionChunk> out) {
    JsonObject o = object(data, off, len);
    String kind = Wire.string(o, "type");
    if (kind == null) {
      kind = type;
    }
    if ("error".equals(kind)) {
      out.fail(eventError(data, off, len));
      return;
    }
    try {
      event(kind, o, out);
    } catch (KimiException e) {
      throw e;
    } catch (RuntimeException e) {
      throw malformed(e);
    }
  }

  /**
   * Handles one event that is not an error: emits what it carries ({@link #emit}), completes or
   * fails the stream; events it does not know are skipped.
   *
   * @param kind the event's {@code type}, else its name
   * @param event the event
   * @param out where chunks, completion and failure go
   * @throws RuntimeException when a known event lacks what it must carry (a malformed chunk)
   */
  protected abstract void event(String kind, JsonObject event, Emitter<ChatCompletionChunk> out);
}
