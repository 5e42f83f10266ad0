package io.github.kimisdk.internal.wire.responses;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
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
import java.util.List;
import java.util.Map;

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
 * <p>One output item stays one item. An item is the one at its {@code output_index}; the ids that
 * name it ({@code item_id}, the item's {@code id}, a call's {@code call_id}) are labels only, read
 * for an event that carries no {@code output_index}, because gateways give one item a new id in
 * every event, or another id in the final object, or none there. A call takes the {@code call_id}
 * of its {@code output_item.done} when that differs from the one it was announced with: the id the
 * server records, and the one a {@code function_call_output} must name (vercel/ai keeps it too); a
 * tool-call fragment carrying the new id tells it ({@link io.github.kimisdk.chat.ChatAccumulator}
 * takes the last id a call's fragments give). Without that event the call keeps the id it was
 * announced with, whatever the final object says. The final object pairs each of its items with the
 * streamed one at the same position and of the same type, else the one its id names, else the next
 * streamed one of its type not yet paired, and adds only what the events did not deliver: an item
 * whose text (reasoning, arguments) arrived only whole is emitted then, once; text the events
 * delivered in part is completed when the whole text continues it, and kept as it streamed when it
 * does not.
 *
 * <p>A body that ends before {@code response.completed} or {@code response.incomplete} is a
 * truncated stream carrying what arrived. Everything kept is linear in what arrived.
 */
final class ResponsesEventHandler extends TypedEvents {

  /** One output item, as its events delivered it. */
  static final class Item {
    /** Its {@code output_index}, or -1 for an item only the final object holds. */
    final int position;

    /** Its type, as the first event that says it names it; null until one does. */
    String type;

    /** The text delivered; null before any. */
    StringBuilder text;

    /** The reasoning delivered, with the blank lines between summary parts; null before any. */
    StringBuilder reasoning;

    /** The kind of event its reasoning comes by (summary or text), the first one wins. */
    String reasoningKind;

    /** The last summary index seen, {@link #NO_PART} before any, -1 for a part without one. */
    long summaryIndex = NO_PART;

    /** Whether its {@code encrypted_content} was delivered. */
    boolean signed;

    /** Its index among the response's tool calls, or -1 when it is no call. */
    int call = -1;

    /** The arguments delivered, when it is a call. */
    StringBuilder arguments;

    /** The id the call was told with last, when it is a call. */
    String callId;

    /** Whether an item of the final object was paired with it. */
    boolean paired;

    Item(int position) {
      this.position = position;
    }
  }

  static final long NO_PART = Long.MIN_VALUE;

  /** The items by {@code output_index}. */
  private final Map<Integer, Item> byPosition = new HashMap<>();

  /** Ids seen on items and on events without an {@code output_index}, to the item they name. */
  private final Map<String, Item> byId = new HashMap<>();

  /** The items in the order they appeared. */
  private final List<Item> items = new ArrayList<>();

  /** One past the highest {@code output_index} seen: where an unplaced item goes. */
  private int nextPosition;

  private int calls;
  private boolean ended;

  ResponsesEventHandler(ResponseMetadata metadata, StreamErrors errors, int maxDepth) {
    super(metadata, errors, maxDepth);
  }

  // --- the fast path: the commonest events read straight from the bytes, without a tree ---

  /** Reads the deltas and the events that repeat a whole text; see its class comment. */
  private final EventScan scan = new EventScan();

  /**
   * Reads the events that make up nearly all of a stream with {@link EventScan}, and hands the
   * others, and any the scan gives up on, to the tree ({@link TypedEvents#event(String, byte[],
   * int, int, Emitter)}), which then reads them or reports what is wrong. The repeats of a whole
   * text ({@code output_text.done}, {@code content_part.done} and the like) are checked and
   * skipped, as the tree path skips them; what the final object adds is read from the tree of
   * {@code output_item.done} and {@code response.completed}, whose texts are compared with what was
   * delivered in one pass.
   */
  @Override
  protected void event(
      String type, byte[] data, int off, int len, Emitter<ChatCompletionChunk> out) {
    EventScan e = scan;
    if (!e.read(data, off, len, maxDepth)) {
      super.event(type, data, off, len, out);
      return;
    }
    try {
      int position = e.position;
      String id = position < 0 ? e.id(data) : null;
      switch (e.kind) {
        case EventScan.TEXT_DELTA:
          text(itemAt(position, id, "message"), e.value, out);
          return;
        case EventScan.SUMMARY_DELTA:
        case EventScan.REASONING_DELTA:
          reasoning(
              itemAt(position, id, "reasoning"),
              EventScan.TYPES[e.kind],
              e.summaryIndex,
              e.value,
              out);
          return;
        case EventScan.SUMMARY_PART:
          summaryPart(itemAt(position, id, "reasoning"), e.summaryIndex, out);
          return;
        case EventScan.ARGUMENTS_DELTA:
          arguments(callAt(position, id), e.value, out);
          return;
        case EventScan.ARGUMENTS_DONE:
          argumentsDone(callAt(position, id), e.value, out);
          return;
        default: // a repeat or a part's start: nothing to add
      }
    } catch (KimiException x) {
      throw x;
    } catch (RuntimeException x) {
      throw malformed(x);
    }
  }

  @Override
  protected void event(String kind, JsonObject o, Emitter<ChatCompletionChunk> out) {
    switch (kind) {
      case "response.failed":
        out.fail(failed(o));
        return;
      case "response.created":
      case "response.in_progress":
        if (o.get("response") instanceof JsonObject r) {
          started(r);
        }
        return;
      case "response.output_item.added":
        {
          JsonObject obj = item(o);
          Item it = itemFor(o, obj);
          String type = string(obj, "type");
          typed(it, type);
          if ("function_call".equals(type) && it.call < 0) {
            newCall(it, obj, out);
          }
          return;
        }
      case "response.output_text.delta":
        text(itemOf(o, string(o, "item_id"), "message"), string(o, "delta"), out);
        return;
      case "response.reasoning_summary_part.added":
        summaryPart(itemOf(o, string(o, "item_id"), "reasoning"), summaryIndex(o), out);
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        {
          Item it = itemOf(o, string(o, "item_id"), "reasoning");
          reasoning(it, kind, summaryIndex(o), string(o, "delta"), out);
          return;
        }
      case "response.function_call_arguments.delta":
        arguments(callOf(o), string(o, "delta"), out);
        return;
      case "response.function_call_arguments.done":
        argumentsDone(callOf(o), string(o, "arguments"), out);
        return;
      case "response.output_item.done":
        {
          JsonObject obj = item(o);
          Item it = itemFor(o, obj);
          typed(it, string(obj, "type"));
          whole(it, obj, true, out);
          return;
        }
      case "response.completed":
      case "response.incomplete":
        finished(o.get("response") instanceof JsonObject r ? r : JsonObject.of(), out);
        return;
      default:
        // content parts, text .done events, keep-alives, future events
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

  /**
   * A Responses error object ({@code type}, {@code code}, {@code message}) as Kimi's envelope,
   * which the error factory classifies: by its code when the code names a kind of failure, else by
   * its type ({@code ErrorFactory.classify}).
   */
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

  // --- which item an event names ---

  /** An {@code output_index} as a position, or -1 when absent or out of range. */
  static int position(JsonValue v) {
    if (!(v instanceof JsonNumber n)) {
      return -1;
    }
    long l = n.longValue();
    return l >= 0 && l < Integer.MAX_VALUE ? (int) l : -1;
  }

  /** The item at a position, made when it is new. */
  Item at(int position) {
    Item it = last;
    if (it != null && it.position == position) {
      return it; // the deltas of one item come one after another
    }
    it = byPosition.get(position);
    if (it == null) {
      it = new Item(position);
      byPosition.put(position, it);
      items.add(it);
      nextPosition = Math.max(nextPosition, position + 1);
    }
    last = it;
    return it;
  }

  /** The item {@link #at} found last. */
  private Item last;

  /**
   * The item an event names: the one at its {@code output_index}; without one, the one {@code id}
   * labels (a new one after the last, labelled so, when none is); with neither, the last item.
   */
  private Item itemOf(JsonObject event, String id) {
    int position = position(event.get("output_index"));
    return position >= 0 ? at(position) : unplaced(id);
  }

  /** {@link #itemOf} for an event of a delta whose item has the given type when none was said. */
  private Item itemOf(JsonObject event, String id, String type) {
    return itemAt(position(event.get("output_index")), id, type);
  }

  /** The item at a position (-1: none given), else the one {@code id} labels, typed. */
  private Item itemAt(int position, String id, String type) {
    Item it = position >= 0 ? at(position) : unplaced(id);
    typed(it, type);
    return it;
  }

  /** The item an event without an {@code output_index} names. */
  Item unplaced(String id) {
    if (id != null) {
      Item it = byId.get(id);
      if (it == null) {
        it = at(nextPosition);
        byId.put(id, it);
      }
      return it;
    }
    return items.isEmpty() ? at(nextPosition) : items.get(items.size() - 1);
  }

  /** The item an item event ({@code .added}, {@code .done}) names, its id kept as a label. */
  private Item itemFor(JsonObject event, JsonObject item) {
    String id = string(item, "id");
    Item it = itemOf(event, id != null ? id : string(event, "item_id"));
    if (id != null) {
      byId.putIfAbsent(id, it);
    }
    return it;
  }

  private static void typed(Item it, String type) {
    if (it.type == null) {
      it.type = type;
    }
  }

  /** The call an arguments event names; fails when that item is no call. */
  private Item callOf(JsonObject event) {
    return callAt(position(event.get("output_index")), string(event, "item_id"));
  }

  /** The call at a position (-1: none given), else the one {@code id} labels; fails when none. */
  private Item callAt(int position, String id) {
    Item it = position >= 0 ? at(position) : unplaced(id);
    if (it.call < 0) {
      throw new IllegalArgumentException(
          "function-call arguments for item "
              + (id != null ? id : "at output_index " + it.position)
              + ", which is not a function_call item");
    }
    return it;
  }

  // --- what the events deliver ---

  /** Emits a text delta of an item. */
  void text(Item it, String t, Emitter<ChatCompletionChunk> out) {
    if (t == null || t.isEmpty()) {
      return;
    }
    if (it.text == null) {
      it.text = new StringBuilder(t);
    } else {
      it.text.append(t);
    }
    emit(chunk(new Delta(null, t, null, List.of(), null), null, null), out);
  }

  /** A summary part begins: after reasoning of an earlier part, a blank line. */
  void summaryPart(Item it, long index, Emitter<ChatCompletionChunk> out) {
    long last = it.summaryIndex;
    it.summaryIndex = index;
    if (last != NO_PART && index >= 0 && index != last && it.reasoning != null) {
      reasoningPiece(it, ResponsesWire.SUMMARY_SEPARATOR, out);
    }
  }

  /** Emits a reasoning delta of an item, unless the item tells its reasoning by another kind. */
  void reasoning(
      Item it, String kind, long summaryIndex, String t, Emitter<ChatCompletionChunk> out) {
    if (it.reasoningKind == null) {
      it.reasoningKind = kind;
    } else if (!it.reasoningKind.equals(kind)) {
      return; // the same reasoning told twice: the first kind wins
    }
    if (summaryIndex >= 0 && summaryIndex != it.summaryIndex) {
      summaryPart(it, summaryIndex, out); // a part that began without its .added event
    }
    if (t != null) {
      reasoningPiece(it, t, out);
    }
  }

  private void reasoningPiece(Item it, String t, Emitter<ChatCompletionChunk> out) {
    if (it.reasoning == null) {
      it.reasoning = new StringBuilder(t);
    } else {
      it.reasoning.append(t);
    }
    emit(chunk(new Delta(null, null, t, List.of(), null), null, null), out);
  }

  private static long summaryIndex(JsonObject o) {
    return o.get("summary_index") instanceof JsonNumber n ? Math.max(-1, n.longValue()) : -1;
  }

  /** Announces a call: its index, id, name and the arguments its item holds already. */
  private void newCall(Item it, JsonObject item, Emitter<ChatCompletionChunk> out) {
    ToolCall c = ResponsesWire.call(item);
    it.call = calls++;
    it.arguments = new StringBuilder(c.arguments());
    it.callId = c.id();
    call(new ToolCallDelta(it.call, c.id(), "function", c.name(), c.arguments()), out);
  }

  /** Tells the id a call's end event names, when it is another than the call was told with. */
  private void renamed(Item it, JsonObject item, Emitter<ChatCompletionChunk> out) {
    String id = ResponsesWire.call(item).id();
    if (id != null && !id.isBlank() && !id.equals(it.callId)) {
      it.callId = id;
      call(new ToolCallDelta(it.call, id, null, null, null), out);
    }
  }

  /** Emits an argument fragment of a call. */
  void arguments(Item it, String piece, Emitter<ChatCompletionChunk> out) {
    if (piece == null || piece.isEmpty()) {
      return;
    }
    it.arguments.append(piece);
    call(new ToolCallDelta(it.call, null, null, null, piece), out);
  }

  /** Adds what the final arguments have beyond the fragments; refuses arguments that differ. */
  void argumentsDone(Item it, String all, Emitter<ChatCompletionChunk> out) {
    if (all == null) {
      return;
    }
    StringBuilder sent = it.arguments;
    if (!startsWith(all, sent)) {
      throw new IllegalArgumentException(
          "the final arguments of tool call "
              + it.call
              + " do not continue the "
              + sent.length()
              + " characters streamed");
    }
    arguments(it, all.substring(sent.length()), out);
  }

  private void call(ToolCallDelta d, Emitter<ChatCompletionChunk> out) {
    emit(chunk(new Delta(null, null, null, List.of(d), null), null, null), out);
  }

  /**
   * Adds what a whole item ({@code output_item.done}, or the final object's) holds beyond what its
   * events delivered. Arguments that contradict the fragments fail the stream when {@code strict}
   * (an item's own end event) and are kept as streamed otherwise; text and reasoning are completed
   * when the whole continues them and kept as streamed when it does not.
   */
  private void whole(Item it, JsonObject item, boolean strict, Emitter<ChatCompletionChunk> out) {
    String type = string(item, "type");
    if ("function_call".equals(type)) {
      if (it.call < 0) {
        newCall(it, item, out); // never announced: it arrives whole
      } else if (strict) {
        argumentsDone(it, string(item, "arguments"), out);
        renamed(it, item, out);
      } else {
        String all = string(item, "arguments");
        if (all != null && startsWith(all, it.arguments)) {
          arguments(it, all.substring(it.arguments.length()), out);
        }
      }
    } else if ("message".equals(type)) {
      String t = ResponsesWire.messageText(item);
      if (t != null) {
        text(it, rest(t, it.text), out);
      }
    } else if ("reasoning".equals(type)) {
      String t = ResponsesWire.reasoningText(item);
      String rest = t == null ? null : rest(t, it.reasoning);
      if (rest != null && (!rest.isEmpty() || it.reasoning == null)) {
        reasoningPiece(it, rest, out); // an empty reasoning that never streamed is still told
      }
      String enc = string(item, "encrypted_content");
      if (enc != null && !it.signed) {
        it.signed = true;
        emit(chunk(new Delta(null, null, null, List.of(), enc), null, null), out);
      }
    }
  }

  /** What {@code whole} has beyond {@code sent}; null when it does not continue it. */
  private static String rest(String whole, StringBuilder sent) {
    if (sent == null) {
      return whole;
    }
    return startsWith(whole, sent) ? whole.substring(sent.length()) : null;
  }

  private static boolean startsWith(String whole, StringBuilder sent) {
    int n = sent.length();
    if (whole.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (whole.charAt(i) != sent.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // --- the end ---

  /** The final object: what its items add, then the finish reason and usage; the stream ends. */
  void finished(JsonObject r, Emitter<ChatCompletionChunk> out) {
    started(r);
    if (r.get("output") instanceof JsonArray output) {
      Map<String, Integer> cursors = new HashMap<>();
      int position = 0;
      for (JsonValue v : output.values()) {
        if (v instanceof JsonObject item) {
          whole(pair(position, item, cursors), item, false, out);
        }
        position++;
      }
    }
    end(ResponsesWire.finishReason(r, calls > 0), usage(r), out);
  }

  /** Ends the stream with its finish reason (stop when it says none) and usage. */
  void end(FinishReason finish, Usage usage, Emitter<ChatCompletionChunk> out) {
    ended = true;
    if (finish == null) {
      finish = FinishReason.STOP; // the end event itself says the reply is whole
    }
    emit(chunk(Delta.EMPTY, finish, usage), out);
    out.complete();
  }

  static Usage usage(JsonObject r) {
    return r.get("usage") instanceof JsonObject u ? ResponsesWire.usage(u) : null;
  }

  /**
   * The streamed item an item of the final object is: the one at its position, else the one its id
   * names, else the next one of its type not yet paired; a new one when none is.
   */
  private Item pair(int position, JsonObject item, Map<String, Integer> cursors) {
    String type = string(item, "type");
    Item it = byPosition.get(position);
    if (!pairs(it, type)) {
      String id = string(item, "id");
      it = id == null ? null : byId.get(id);
      if (!pairs(it, type)) {
        it = null;
        int i = cursors.getOrDefault(type, 0);
        while (i < items.size() && !pairs(items.get(i), type)) {
          i++;
        }
        if (i < items.size()) {
          it = items.get(i);
          i++;
        }
        cursors.put(type, i);
      }
    }
    if (it == null) {
      it = new Item(-1);
      it.type = type;
    }
    it.paired = true;
    return it;
  }

  private static boolean pairs(Item it, String type) {
    return it != null && !it.paired && type != null && type.equals(it.type);
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
