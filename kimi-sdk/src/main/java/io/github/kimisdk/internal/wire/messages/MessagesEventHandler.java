package io.github.kimisdk.internal.wire.messages;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.internal.wire.TypedEvents;
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
 * tool-use blocks; a thinking block's signature, empty, missing or split over several {@code
 * signature_delta} events as Kimi Code's K3 sends it, is passed on as it came, to be joined and
 * replayed unchanged), {@code message_delta} gives the finish reason and usage, {@code
 * message_stop} completes (an event that carries nothing gives no chunk), {@code error} fails.
 * Events it does not know ({@code ping}, future ones) are skipped.
 *
 * <p>A stream is complete once it carried its finish reason, whether or not its end event follows:
 * here once a {@code message_delta} carried a {@code stop_reason}, so a body that ends without
 * {@code message_stop}, or without the blank line that would dispatch it, still gives the whole
 * reply with that delta's usage. A body that ends before any stop reason is a truncated stream
 * carrying what arrived.
 */
final class MessagesEventHandler extends TypedEvents {

  private final Map<Long, Integer> toolIndexByBlock = new HashMap<>();
  private JsonObject startUsage;
  private boolean stopReasonSeen;

  MessagesEventHandler(ResponseMetadata metadata, StreamErrors errors, int maxDepth) {
    super(metadata, errors, maxDepth);
  }

  @Override
  protected void event(String kind, JsonObject o, Emitter<ChatCompletionChunk> out) {
    ChatCompletionChunk chunk = map(kind, o);
    if (chunk != null) {
      emit(chunk, out);
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
          identify(MessagesWire.string(m, "id"), MessagesWire.string(m, "model"), 0);
          startUsage = m.get("usage") instanceof JsonObject u ? u : null;
          return null; // the role rides on the first chunk that carries something
        }
      case "content_block_start":
        {
          long index = index(o);
          JsonObject block = o.get("content_block").asObject();
          String type = MessagesWire.string(block, "type");
          if ("tool_use".equals(type)) {
            int tool = toolIndexByBlock.size();
            toolIndexByBlock.put(index, tool);
            ToolCallDelta call =
                new ToolCallDelta(
                    tool,
                    MessagesWire.string(block, "id"),
                    "function",
                    MessagesWire.string(block, "name"),
                    "");
            return chunk(new Delta(null, null, null, List.of(call), null), null, null);
          }
          if ("thinking".equals(type)) {
            // a thinking block is reasoning even when empty, as in a non-streaming reply; its
            // signature is kept as it came: Kimi Code's K3 sends it empty, or leaves it out, and
            // takes it back that way ("" then joins the signature_delta fragments that follow)
            String t = MessagesWire.string(block, "thinking");
            String sig = MessagesWire.string(block, "signature");
            return chunk(new Delta(null, null, t == null ? "" : t, List.of(), sig), null, null);
          }
          if ("text".equals(type)) {
            String t = MessagesWire.string(block, "text");
            return t == null || t.isEmpty()
                ? null
                : chunk(new Delta(null, t, null, List.of(), null), null, null);
          }
          return null;
        }
      case "content_block_delta":
        {
          JsonObject d = o.get("delta").asObject();
          String type = MessagesWire.string(d, "type");
          if (type == null) {
            return null;
          }
          switch (type) {
            case "text_delta":
              return chunk(
                  new Delta(null, MessagesWire.string(d, "text"), null, List.of(), null),
                  null,
                  null);
            case "thinking_delta":
              return chunk(
                  new Delta(null, null, MessagesWire.string(d, "thinking"), List.of(), null),
                  null,
                  null);
            case "signature_delta":
              return chunk(
                  new Delta(null, null, null, List.of(), MessagesWire.string(d, "signature")),
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
                        tool, null, null, null, MessagesWire.string(d, "partial_json"));
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
            finish = MessagesWire.finishReason(MessagesWire.string(d, "stop_reason"));
            stopReasonSeen |= finish != null;
          }
          Usage usage =
              o.get("usage") instanceof JsonObject u ? MessagesWire.usage(u, startUsage) : null;
          return finish == null && usage == null ? null : chunk(Delta.EMPTY, finish, usage);
        }
      default:
        return null; // message_stop, content_block_stop, ping, unknown events
    }
  }

  private static long index(JsonObject o) {
    JsonValue v = o.get("index");
    if (!(v instanceof JsonNumber n)) {
      throw new IllegalArgumentException("the event has no block index");
    }
    return n.longValue();
  }

  /** Anthropic's {@code ping} only keeps the connection open: it is no progress of the stream. */
  @Override
  public boolean isKeepAlive(String type) {
    return "ping".equals(type);
  }

  /** The finish reason arrived; {@code message_stop} may never come, or not be dispatched. */
  @Override
  protected boolean finished() {
    return stopReasonSeen;
  }
}
