package io.github.kimisdk.internal.anthropic;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamProgress;
import io.github.kimisdk.internal.sse.SseEventHandler;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the events of one Messages stream into chat chunks: {@code message_start} gives the role
 * (carried by the first chunk that has something else to carry), content blocks give content,
 * reasoning, signature and tool-call fragments (a tool call's index is its position among the
 * tool-use blocks), {@code message_delta} gives the finish reason and usage, {@code message_stop}
 * completes (an event that carries nothing gives no chunk), {@code error} fails. Events it does not
 * know ({@code ping}, future ones) are skipped.
 *
 * <p>A stream is complete once it carried its finish reason, whether or not its end event follows:
 * here once a {@code message_delta} carried a {@code stop_reason}, so a body that ends without
 * {@code message_stop}, or without the blank line that would dispatch it, still gives the whole
 * reply with that delta's usage. A body that ends before any stop reason is a truncated stream
 * carrying what arrived.
 */
public final class MessagesEventHandler implements SseEventHandler<ChatCompletionChunk> {

  private final ResponseMetadata metadata;
  private final ErrorFactory errors;
  private final StreamProgress progress;
  private final Map<Long, Integer> toolIndexByBlock = new HashMap<>();
  private String id;
  private String model;
  private JsonObject startUsage;
  private boolean rolePending;
  private boolean stopReasonSeen;
  private final int maxDepth;

  /**
   * Creates a handler for one response.
   *
   * @param metadata the response metadata
   * @param errors builds the exceptions
   * @param maxDepth the JSON nesting limit for event payloads
   */
  public MessagesEventHandler(ResponseMetadata metadata, ErrorFactory errors, int maxDepth) {
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
    if (StreamProgress.isBlank(data, off, len)) {
      return;
    }
    if ("error".equals(type)) {
      out.fail(errors.inStreamError(metadata, data, off, len)); // whatever the payload holds
      return;
    }
    JsonObject o;
    try {
      o = Json.parse(data, off, len, maxDepth).asObject();
    } catch (RuntimeException e) {
      throw errors.malformedChunk(metadata, progress.partial(), e);
    }
    String kind = MessagesCodec.string(o, "type");
    if (kind == null) {
      kind = type;
    }
    if ("error".equals(kind)) {
      out.fail(errors.inStreamError(metadata, data, off, len));
      return;
    }
    ChatCompletionChunk chunk;
    try {
      chunk = map(kind, o);
    } catch (RuntimeException e) {
      throw errors.malformedChunk(metadata, progress.partial(), e);
    }
    if (chunk != null) {
      progress.add(chunk);
      out.emit(chunk);
    }
    if ("message_stop".equals(kind)) {
      out.complete();
    }
  }

  private ChatCompletionChunk map(String kind, JsonObject o) {
    switch (kind) {
      case "message_start":
        {
          JsonObject m = o.get("message").asObject();
          id = MessagesCodec.string(m, "id");
          model = MessagesCodec.string(m, "model");
          startUsage = m.get("usage") instanceof JsonObject u ? u : null;
          // the role rides on the first chunk that carries something
          rolePending = true;
          return null;
        }
      case "content_block_start":
        {
          long index = index(o);
          JsonObject block = o.get("content_block").asObject();
          String type = MessagesCodec.string(block, "type");
          if ("tool_use".equals(type)) {
            int tool = toolIndexByBlock.size();
            toolIndexByBlock.put(index, tool);
            ToolCallDelta call =
                new ToolCallDelta(
                    tool,
                    MessagesCodec.string(block, "id"),
                    "function",
                    MessagesCodec.string(block, "name"),
                    "");
            return chunk(new Delta(null, null, null, List.of(call), null), null, null);
          }
          if ("thinking".equals(type)) {
            // a thinking block is reasoning even when empty, as in a non-streaming reply
            String t = MessagesCodec.string(block, "thinking");
            String sig = MessagesCodec.string(block, "signature");
            return chunk(
                new Delta(null, null, t == null ? "" : t, List.of(), emptyToNull(sig)), null, null);
          }
          if ("text".equals(type)) {
            String t = MessagesCodec.string(block, "text");
            return t == null || t.isEmpty()
                ? null
                : chunk(new Delta(null, t, null, List.of(), null), null, null);
          }
          return null;
        }
      case "content_block_delta":
        {
          JsonObject d = o.get("delta").asObject();
          String type = MessagesCodec.string(d, "type");
          if (type == null) {
            return null;
          }
          switch (type) {
            case "text_delta":
              return chunk(
                  new Delta(null, MessagesCodec.string(d, "text"), null, List.of(), null),
                  null,
                  null);
            case "thinking_delta":
              return chunk(
                  new Delta(null, null, MessagesCodec.string(d, "thinking"), List.of(), null),
                  null,
                  null);
            case "signature_delta":
              return chunk(
                  new Delta(null, null, null, List.of(), MessagesCodec.string(d, "signature")),
                  null,
                  null);
            case "input_json_delta":
              {
                Integer tool = toolIndexByBlock.get(index(o));
                if (tool == null) {
                  throw new IllegalArgumentException(
                      "input_json_delta for block " + index(o) + ", which is not a tool_use block");
                }
                ToolCallDelta call =
                    new ToolCallDelta(
                        tool, null, null, null, MessagesCodec.string(d, "partial_json"));
                return chunk(new Delta(null, null, null, List.of(call), null), null, null);
              }
            default:
              return null;
          }
        }
      case "message_delta":
        {
          FinishReason finish = null;
          if (o.get("delta") instanceof JsonObject d) {
            finish = MessagesCodec.finishReason(MessagesCodec.string(d, "stop_reason"));
            stopReasonSeen |= finish != null;
          }
          Usage usage =
              o.get("usage") instanceof JsonObject u ? MessagesCodec.usage(u, startUsage) : null;
          return finish == null && usage == null ? null : chunk(Delta.EMPTY, finish, usage);
        }
      default:
        return null; // message_stop, content_block_stop, ping, unknown events
    }
  }

  private ChatCompletionChunk chunk(Delta delta, FinishReason finish, Usage usage) {
    if (rolePending) {
      rolePending = false;
      delta =
          new Delta(
              "assistant",
              delta.content(),
              delta.reasoningContent(),
              delta.toolCalls(),
              delta.reasoningSignature());
    }
    return new ChatCompletionChunk(
        id, 0, model, List.of(new ChunkChoice(0, delta, finish, null)), usage, null);
  }

  private static long index(JsonObject o) {
    JsonValue v = o.get("index");
    if (!(v instanceof JsonNumber n)) {
      throw new IllegalArgumentException("the event has no block index");
    }
    return n.longValue();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public void onEndOfInput(Emitter<ChatCompletionChunk> out) {
    if (stopReasonSeen) {
      out.complete(); // the finish reason arrived; message_stop never did, or was not dispatched
      return;
    }
    out.fail(progress.truncated());
  }

  @Override
  public Throwable mapError(Throwable error) {
    return progress.failure(error);
  }
}
