package io.github.kimisdk.internal.wire.responses;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.internal.wire.TypedEvents;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the events of one Responses stream into chat chunks. {@code response.created} gives the id
 * and model (the role rides on the first chunk that carries something); {@code
 * response.output_text.delta} gives content; {@code response.reasoning_summary_text.delta} (or
 * {@code response.reasoning_text.delta}, whichever an item sends first) gives reasoning, summary
 * parts joined by a blank line as in a whole reply; a {@code function_call} item gives a tool call
 * whose index is its position among the response's calls, and {@code
 * response.function_call_arguments.delta} its argument fragments (a {@code .done} event or the
 * item's end adds only what the fragments lacked, and fails the stream when it contradicts them);
 * {@code response.completed} and {@code response.incomplete} give the finish reason and usage, and
 * complete. {@code error} and {@code response.failed} fail the stream with the error they carry,
 * classified like an HTTP error. Events it does not know are skipped.
 *
 * <p>Leniency: an item whose text arrived only whole (in its {@code output_item.done}, or only in
 * the final response object) is emitted then, once. A body that ends before {@code
 * response.completed} or {@code response.incomplete} is a truncated stream carrying what arrived.
 */
final class ResponsesEventHandler extends TypedEvents {

  /** Tool-call index by item id (or {@code "#" + output_index} when the item has no id). */
  private final Map<String, Integer> callIndex = new HashMap<>();

  /** The arguments sent so far per tool-call index, to check a {@code .done} against. */
  private final Map<Integer, StringBuilder> callArguments = new HashMap<>();

  /** Items whose text or reasoning was delivered, and which kind of reasoning event they use. */
  private final Set<String> delivered = new HashSet<>();

  private final Map<String, String> reasoningKind = new HashMap<>();

  /** The last summary index seen per reasoning item, for the blank line between parts. */
  private final Map<String, Long> summaryIndex = new HashMap<>();

  private boolean ended;

  ResponsesEventHandler(ResponseMetadata metadata, StreamErrors errors, int maxDepth) {
    super(metadata, errors, maxDepth);
  }

  @Override
  protected void event(String kind, JsonObject o, Emitter<ChatCompletionChunk> out) {
    if ("response.failed".equals(kind)) {
      out.fail(failed(o));
      return;
    }
    for (ChatCompletionChunk c : map(kind, o)) {
      emit(c, out);
    }
    if (ended) {
      out.complete();
    }
  }

  /** An event named {@code error}: the error its payload carries, whatever else it holds. */
  @Override
  protected Throwable eventError(byte[] data, int off, int len) {
    JsonObject o;
    try {
      o = Json.parse(data, off, len, maxDepth).asObject();
    } catch (RuntimeException e) {
      return super.eventError(data, off, len);
    }
    if ("response.failed".equals(ResponsesWire.string(o, "type"))) {
      return failed(o);
    }
    return error(o.get("error") instanceof JsonObject e ? e : o);
  }

  /** The failure a {@code response.failed} event carries. */
  private Throwable failed(JsonObject o) {
    JsonObject r = o.get("response") instanceof JsonObject x ? x : JsonObject.of();
    return error(r.get("error") instanceof JsonObject x ? x : JsonObject.of());
  }

  /** A Responses error object ({@code code}, {@code message}) classified as Kimi's envelope is. */
  private Throwable error(JsonObject e) {
    String code = ResponsesWire.string(e, "code");
    String type = ResponsesWire.string(e, "type");
    JsonWriter w = new JsonWriter();
    w.beginObject().name("error").beginObject();
    w.name("type").value(type != null && !"error".equals(type) ? type : code);
    w.name("message").value(ResponsesWire.string(e, "message"));
    w.name("code").value(code);
    w.endObject().endObject();
    byte[] b = w.toByteArray();
    return errors.inStreamError(metadata, b, 0, b.length);
  }

  private List<ChatCompletionChunk> map(String kind, JsonObject o) {
    switch (kind) {
      case "response.created":
      case "response.in_progress":
        if (o.get("response") instanceof JsonObject r) {
          started(r);
        }
        return List.of();
      case "response.output_item.added":
        return itemAdded(o, item(o));
      case "response.output_text.delta":
        {
          delivered.add(key(o, "item_id"));
          return text(string(o, "delta"));
        }
      case "response.reasoning_summary_part.added":
        {
          String item = key(o, "item_id");
          Long index = o.get("summary_index") instanceof JsonNumber n ? n.longValue() : null;
          Long last = summaryIndex.put(item, index == null ? -1L : index);
          if (last != null && index != null && !index.equals(last) && delivered.contains(item)) {
            return reasoning(ResponsesWire.SUMMARY_SEPARATOR);
          }
          return List.of();
        }
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        {
          String item = key(o, "item_id");
          String first = reasoningKind.putIfAbsent(item, kind);
          if (first != null && !first.equals(kind)) {
            return List.of(); // the same reasoning told twice: the first kind wins
          }
          delivered.add(item);
          return reasoning(string(o, "delta"));
        }
      case "response.function_call_arguments.delta":
        {
          int index = callIndexOf(key(o, "item_id"));
          String piece = string(o, "delta");
          if (piece == null || piece.isEmpty()) {
            return List.of();
          }
          callArguments.get(index).append(piece);
          return call(new ToolCallDelta(index, null, null, null, piece));
        }
      case "response.function_call_arguments.done":
        return argumentsDone(callIndexOf(key(o, "item_id")), string(o, "arguments"));
      case "response.output_item.done":
        return itemDone(o, item(o));
      case "response.completed":
      case "response.incomplete":
        {
          JsonObject r = o.get("response") instanceof JsonObject x ? x : JsonObject.of();
          return finished(r);
        }
      default:
        return List.of(); // content parts, text .done events, keep-alives, future events
    }
  }

  private void started(JsonObject r) {
    identify(
        ResponsesWire.string(r, "id"),
        ResponsesWire.string(r, "model"),
        r.get("created_at") instanceof JsonNumber n ? n.longValue() : 0);
  }

  private static JsonObject item(JsonObject o) {
    if (!(o.get("item") instanceof JsonObject item)) {
      throw new IllegalArgumentException("the event has no item");
    }
    return item;
  }

  /** The key of an event's item: its {@code item_id}, else its {@code output_index}. */
  private static String key(JsonObject o, String idMember) {
    String id = string(o, idMember);
    if (id != null) {
      return id;
    }
    JsonValue index = o.get("output_index");
    return index instanceof JsonNumber n ? "#" + n.longValue() : "#";
  }

  private static String itemKey(JsonObject event, JsonObject item) {
    String id = string(item, "id");
    if (id != null) {
      return id;
    }
    return key(event, "item_id");
  }

  private List<ChatCompletionChunk> itemAdded(JsonObject event, JsonObject item) {
    if (!"function_call".equals(string(item, "type"))) {
      return List.of();
    }
    return newCall(event, item);
  }

  private List<ChatCompletionChunk> newCall(JsonObject event, JsonObject item) {
    String key = itemKey(event, item);
    int index = callIndex.size();
    callIndex.put(key, index);
    String alias = event.get("output_index") instanceof JsonNumber n ? "#" + n.longValue() : null;
    if (alias != null) {
      callIndex.putIfAbsent(alias, index); // deltas that name the item by position only
    }
    ToolCall c = ResponsesWire.call(item);
    callArguments.put(index, new StringBuilder(c.arguments()));
    delivered.add(key);
    return call(new ToolCallDelta(index, c.id(), "function", c.name(), c.arguments()));
  }

  private int callIndexOf(String key) {
    Integer index = callIndex.get(key);
    if (index == null) {
      throw new IllegalArgumentException(
          "function-call arguments for item " + key + ", which is not a function_call item");
    }
    return index;
  }

  /** Adds what the final arguments have beyond the fragments; refuses arguments that differ. */
  private List<ChatCompletionChunk> argumentsDone(int index, String all) {
    if (all == null) {
      return List.of();
    }
    StringBuilder sent = callArguments.get(index);
    String so = sent.toString();
    if (all.equals(so)) {
      return List.of();
    }
    if (!all.startsWith(so)) {
      throw new IllegalArgumentException(
          "the final arguments of tool call "
              + index
              + " do not continue the "
              + sent.length()
              + " characters streamed");
    }
    String rest = all.substring(sent.length());
    sent.append(rest);
    return call(new ToolCallDelta(index, null, null, null, rest));
  }

  private List<ChatCompletionChunk> itemDone(JsonObject event, JsonObject item) {
    String type = string(item, "type");
    String key = itemKey(event, item);
    if ("function_call".equals(type)) {
      Integer index = callIndex.get(key);
      if (index == null) {
        return newCall(event, item); // never announced: it arrives whole
      }
      return argumentsDone(index, string(item, "arguments"));
    }
    if ("message".equals(type) && delivered.add(key)) {
      String t = ResponsesWire.messageText(item);
      return t == null || t.isEmpty() ? List.of() : text(t);
    }
    if ("reasoning".equals(type)) {
      String enc = string(item, "encrypted_content");
      List<ChatCompletionChunk> out = List.of();
      if (delivered.add(key)) {
        String t = ResponsesWire.reasoningText(item);
        if (t != null) {
          out = reasoning(t);
        }
      }
      if (enc != null) {
        ChatCompletionChunk sig = chunk(new Delta(null, null, null, List.of(), enc), null, null);
        out = out.isEmpty() ? List.of(sig) : List.of(out.get(0), sig);
      }
      return out;
    }
    return List.of();
  }

  private List<ChatCompletionChunk> finished(JsonObject r) {
    started(r);
    ended = true;
    List<ChatCompletionChunk> out = new ArrayList<>();
    // items that came only in the final object (a server that streams nothing else)
    if (r.get("output") instanceof JsonArray items) {
      long position = 0;
      for (JsonValue v : items.values()) {
        if (v instanceof JsonObject item) {
          String key = string(item, "id") != null ? string(item, "id") : "#" + position;
          if (!delivered.contains(key) && !callIndex.containsKey(key)) {
            JsonObject event =
                JsonObject.builder().put("output_index", JsonNumber.of(position)).build();
            out.addAll(itemDone(event, item));
          }
        }
        position++;
      }
    }
    FinishReason finish = ResponsesWire.finishReason(r, !callIndex.isEmpty());
    if (finish == null) {
      finish = FinishReason.STOP; // the end event itself says the reply is whole
    }
    Usage usage = r.get("usage") instanceof JsonObject u ? ResponsesWire.usage(u) : null;
    out.add(chunk(Delta.EMPTY, finish, usage));
    return out;
  }

  private List<ChatCompletionChunk> text(String t) {
    if (t == null || t.isEmpty()) {
      return List.of();
    }
    return List.of(chunk(new Delta(null, t, null, List.of(), null), null, null));
  }

  private List<ChatCompletionChunk> reasoning(String t) {
    if (t == null) {
      return List.of();
    }
    return List.of(chunk(new Delta(null, null, t, List.of(), null), null, null));
  }

  private List<ChatCompletionChunk> call(ToolCallDelta d) {
    return List.of(chunk(new Delta(null, null, null, List.of(d), null), null, null));
  }

  private static String string(JsonObject o, String name) {
    return ResponsesWire.string(o, name);
  }

  /** {@code response.completed} or {@code response.incomplete} arrived. */
  @Override
  protected boolean finished() {
    return ended;
  }
}
