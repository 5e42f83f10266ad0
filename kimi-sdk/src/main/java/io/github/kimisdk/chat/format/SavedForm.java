package io.github.kimisdk.chat.format;

import static io.github.kimisdk.chat.format.Lenient.fields;
import static io.github.kimisdk.chat.format.Lenient.keep;
import static io.github.kimisdk.chat.format.Lenient.readBoolean;
import static io.github.kimisdk.chat.format.Lenient.readInt;
import static io.github.kimisdk.chat.format.Lenient.readInteger;
import static io.github.kimisdk.chat.format.Lenient.readString;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonToken;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes and reads the saved form of messages, tool calls, tools and usage: what a saved
 * conversation holds, what a batch line and a token count carry, and what the chat completions wire
 * sends and reads its messages through. Version {@value #VERSION} of the form is Kimi's chat
 * completions message, with a saved assistant message's reasoning signature beside it.
 *
 * <p>A change here changes every saved conversation and batch line: the golden files of each
 * version (test resources {@code formats/}) are read by tests forever, and a new form is a new
 * version whose reader keeps reading the old ones. Reading is lenient where the server owns the
 * values, as {@link Lenient} says. Thread-safe: stateless but for the memo of the last tools array
 * encoded.
 */
public final class SavedForm {
  private SavedForm() {}

  /** The version of the record form this codec writes, and the newest it reads. */
  public static final int VERSION = 1;

  private static final JsonReader.Names MESSAGE =
      JsonReader.Names.of("role", "content", "reasoning_content", "tool_calls", "name", "partial");
  private static final Set<String> MESSAGE_MEMBERS =
      Set.of("role", "content", "reasoning_content", "tool_calls", "name", "partial");
  private static final JsonReader.Names TOOL_CALL =
      JsonReader.Names.of("index", "id", "type", "function");
  private static final Set<String> TOOL_CALL_MEMBERS = Set.of("index", "id", "type", "function");
  private static final JsonReader.Names FUNCTION = JsonReader.Names.of("name", "arguments");
  private static final JsonReader.Names USAGE =
      JsonReader.Names.of(
          "prompt_tokens",
          "completion_tokens",
          "total_tokens",
          "cached_tokens",
          "prompt_tokens_details",
          "completion_tokens_details",
          "cache_creation_input_tokens");
  private static final JsonReader.Names PROMPT_DETAILS =
      JsonReader.Names.of("cached_tokens", "cache_write_tokens");
  private static final JsonReader.Names REASONING = JsonReader.Names.of("reasoning_tokens");
  private static final JsonReader.Names PART = JsonReader.Names.of("type", "text");

  /** The saved form's member for an assistant message's reasoning signature. */
  private static final String SIGNATURE = "reasoning_signature";

  // ---------------------------------------------------------------------------------------------
  // Messages

  /**
   * Writes one message as Kimi's chat completions take it: the form the chat wire sends, a batch
   * line and a token count carry.
   *
   * <ul>
   *   <li>User content that is a single text part is written as a plain string.
   *   <li>Assistant content that is null or empty is written as {@code ""} beside tool calls
   *       (Moonshot's OpenAPI document requires {@code content} on every message) and left out
   *       otherwise (Kimi rejects an empty assistant message); {@code reasoning_content} is written
   *       whenever it is non-null, even {@code ""}; {@code partial} only when true; the members the
   *       server sent beside the modelled ones as they came.
   *   <li>Tool messages carry {@code name} beside {@code tool_call_id}.
   * </ul>
   *
   * @param w the writer
   * @param m the message
   */
  public static void writeMessage(JsonWriter w, Message m) {
    w.beginObject();
    if (m instanceof SystemMessage s) {
      w.name("role").value("system");
      w.name("content").value(s.content());
      if (s.name() != null) {
        w.name("name").value(s.name());
      }
      if (s.declaresTools()) {
        w.name("tools").beginArray();
        for (Tool t : s.tools()) {
          writeTool(w, t);
        }
        w.endArray();
      }
    } else if (m instanceof UserMessage u) {
      w.name("role").value("user");
      w.name("content");
      writeParts(w, u.content());
      if (u.name() != null) {
        w.name("name").value(u.name());
      }
    } else if (m instanceof AssistantMessage a) {
      writeAssistant(w, a, null);
    } else if (m instanceof ToolMessage t) {
      w.name("role").value("tool");
      w.name("tool_call_id").value(t.toolCallId());
      if (t.name() != null) {
        w.name("name").value(t.name());
      }
      w.name("content").value(t.content());
    } else {
      throw new AssertionError(m);
    }
    w.endObject();
  }

  /**
   * Writes one message in its saved form: as {@link #writeMessage} does, with an assistant
   * message's reasoning signature as {@code reasoning_signature}, so that a thinking block replays
   * signed over the Anthropic Messages protocol after a restart.
   *
   * @param w the writer
   * @param m the message
   */
  public static void writeSavedMessage(JsonWriter w, Message m) {
    if (m instanceof AssistantMessage a && a.reasoningSignature() != null) {
      w.beginObject();
      writeAssistant(w, a, a.reasoningSignature());
      w.endObject();
    } else {
      writeMessage(w, m);
    }
  }

  /**
   * Writes an assistant message's members; {@code signature}, when not null, goes with them, in
   * place of a server member of its name, else last.
   */
  private static void writeAssistant(JsonWriter w, AssistantMessage a, String signature) {
    w.name("role").value("assistant");
    if (a.content() != null && !a.content().isEmpty()) {
      w.name("content").value(a.content());
    } else if (!a.toolCalls().isEmpty()) {
      // Moonshot's OpenAPI document requires content on every message: the empty string, never
      // an empty text part (Kimi Code rejects those: "text content is empty").
      w.name("content").value("");
    }
    if (a.reasoningContent() != null) {
      w.name("reasoning_content").value(a.reasoningContent());
    }
    if (!a.toolCalls().isEmpty()) {
      w.name("tool_calls").beginArray();
      for (ToolCall c : a.toolCalls()) {
        writeToolCall(w, c);
      }
      w.endArray();
    }
    if (a.name() != null) {
      w.name("name").value(a.name());
    }
    if (a.partial()) {
      w.name("partial").value(true);
    }
    // What the server sent beside the modelled members goes back as it came; a modelled name
    // is never written twice.
    boolean signatureWritten = false;
    for (Map.Entry<String, JsonValue> e : a.additionalFields().members().entrySet()) {
      if (signature != null && e.getKey().equals(SIGNATURE)) {
        w.name(SIGNATURE).value(signature);
        signatureWritten = true;
      } else if (!MESSAGE_MEMBERS.contains(e.getKey())) {
        w.name(e.getKey()).value(e.getValue());
      }
    }
    if (signature != null && !signatureWritten) {
      w.name(SIGNATURE).value(signature);
    }
  }

  private static void writeParts(JsonWriter w, List<ContentPart> parts) {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.TextPart t) {
      w.value(t.text());
      return;
    }
    w.beginArray();
    for (ContentPart p : parts) {
      w.beginObject();
      if (p instanceof ContentPart.TextPart t) {
        w.name("type").value("text").name("text").value(t.text());
      } else if (p instanceof ContentPart.ImagePart i) {
        w.name("type").value("image_url");
        w.name("image_url").beginObject().name("url").value(i.url()).endObject();
      } else if (p instanceof ContentPart.VideoPart v) {
        w.name("type").value("video_url");
        w.name("video_url").beginObject().name("url").value(v.url()).endObject();
      } else {
        throw new AssertionError(p);
      }
      w.endObject();
    }
    w.endArray();
  }

  /**
   * Reads one message of any role in its saved form ({@link #writeSavedMessage}), which takes in
   * the form {@link #writeMessage} writes: what was written reads back equal, an assistant
   * message's {@code additionalFields} included. An assistant message's empty content is read as
   * none (null), as the writer sends none as {@code ""} beside tool calls; a {@code
   * reasoning_signature} member becomes its signature.
   *
   * @param m the message object
   * @return the message
   * @throws IllegalArgumentException if the object is not a message (the text says what is wrong)
   * @throws io.github.kimisdk.json.JsonException if a member of an assistant message is malformed
   */
  public static Message readMessage(JsonObject m) {
    JsonValue roleValue = m.get("role");
    if (!(roleValue instanceof JsonString roleString)) {
      throw new IllegalArgumentException("a message needs a \"role\" string");
    }
    String role = roleString.value();
    String name = optString(m, "name");
    switch (role) {
      case "system":
        return new SystemMessage(text(m, "content"), name, readTools(m.get("tools")));
      case "user":
        return new UserMessage(readParts(m.get("content")), name);
      case "assistant":
        String signature = optString(m, SIGNATURE);
        JsonObject wire = m;
        if (m.get(SIGNATURE) != null) {
          Map<String, JsonValue> members = new LinkedHashMap<>(m.members());
          members.remove(SIGNATURE);
          wire = JsonObject.of(members);
        }
        AssistantMessage a =
            readAssistantMessage(JsonReader.of(Json.write(wire).getBytes(StandardCharsets.UTF_8)));
        boolean noContent = a.content() != null && a.content().isEmpty();
        return signature == null && !noContent
            ? a
            : new AssistantMessage(
                noContent ? null : a.content(),
                a.reasoningContent(),
                a.toolCalls(),
                a.name(),
                a.partial(),
                signature,
                a.additionalFields());
      case "tool":
        return new ToolMessage(text(m, "tool_call_id"), name, text(m, "content"));
      default:
        throw new IllegalArgumentException("unknown role \"" + role + "\"");
    }
  }

  /** Reads the function tools a system message declares, as {@link #writeMessage} writes them. */
  private static List<FunctionTool> readTools(JsonValue tools) {
    if (tools == null || tools.isNull()) {
      return List.of();
    }
    if (!(tools instanceof JsonArray array)) {
      throw new IllegalArgumentException("\"tools\" must be an array");
    }
    List<FunctionTool> out = new ArrayList<>();
    for (JsonValue t : array.values()) {
      JsonObject o = t.asObject();
      if (!"function".equals(optString(o, "type"))
          || !(o.get("function") instanceof JsonObject f)) {
        throw new IllegalArgumentException("a message can declare only function tools: " + t);
      }
      JsonValue strict = f.get("strict");
      out.add(
          new FunctionTool(
              text(f, "name"),
              optString(f, "description"),
              f.get("parameters"),
              strict == null || strict.isNull() ? null : strict.asBoolean()));
    }
    return out;
  }

  private static List<ContentPart> readParts(JsonValue content) {
    if (content instanceof JsonString s) {
      return List.of(ContentPart.text(s.value()));
    }
    if (!(content instanceof JsonArray array)) {
      throw new IllegalArgumentException("a user message needs \"content\": a string or parts");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (JsonValue p : array.values()) {
      JsonObject po = p.asObject();
      String type = text(po, "type");
      switch (type) {
        case "text":
          parts.add(ContentPart.text(text(po, "text")));
          break;
        case "image_url":
          parts.add(ContentPart.imageUrl(url(po.get("image_url"))));
          break;
        case "video_url":
          parts.add(ContentPart.videoUrl(url(po.get("video_url"))));
          break;
        default:
          throw new IllegalArgumentException("unknown content part type \"" + type + "\"");
      }
    }
    return parts;
  }

  private static String url(JsonValue v) {
    return v instanceof JsonString s ? s.value() : text(v.asObject(), "url");
  }

  private static String text(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonString s)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }
    return s.value();
  }

  private static String optString(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v == null || v.isNull() ? null : v.asString();
  }

  /**
   * Reads an assistant message object, as a completion's choice and a saved conversation hold it.
   *
   * @param r the reader, before the object
   * @return the message, or null when the value is {@code null}
   */
  public static AssistantMessage readAssistantMessage(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    String content = null;
    String reasoning = null;
    List<ToolCall> calls = List.of();
    String name = null;
    boolean partial = false;
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(MESSAGE)) {
        case 1:
          content = readContent(r);
          break;
        case 2:
          reasoning = readString(r);
          break;
        case 3:
          calls = readToolCalls(r);
          break;
        case 4:
          name = readString(r);
          break;
        case 5:
          partial = readBoolean(r);
          break;
        case 0: // "role", always "assistant" here
          r.skipValue();
          break;
        default:
          extra = keep(r, extra);
      }
    }
    r.endObject();
    // A partial flag without content cannot be rebuilt as a partial message; the server never
    // sends one, so keep the text and drop the flag rather than fail.
    if (partial && (content == null || content.isEmpty())) {
      partial = false;
    }
    return new AssistantMessage(content, reasoning, calls, name, partial, null, fields(extra));
  }

  /**
   * Reads message content: a string, or (leniently) an array of parts whose texts are joined.
   *
   * @param r the reader, before the value
   * @return the text, or null for {@code null}
   */
  public static String readContent(JsonReader r) {
    if (r.peek() != JsonToken.BEGIN_ARRAY) {
      return readString(r);
    }
    StringBuilder sb = new StringBuilder();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        r.skipValue();
        continue;
      }
      r.beginObject();
      while (r.hasNext()) {
        if (r.selectName(PART) == 1) {
          String t = readString(r);
          if (t != null) {
            sb.append(t);
          }
        } else {
          r.skipValue();
        }
      }
      r.endObject();
    }
    r.endArray();
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Tool calls

  private static void writeToolCall(JsonWriter w, ToolCall c) {
    w.beginObject();
    if (c.id() != null) {
      w.name("id").value(c.id());
    }
    w.name("type").value(c.type());
    w.name("function").beginObject();
    if (c.name() != null) {
      w.name("name").value(c.name());
    }
    w.name("arguments").value(c.arguments());
    w.endObject();
    // what the server sent beside the modelled members goes back as it came
    for (Map.Entry<String, JsonValue> e : c.additionalFields().members().entrySet()) {
      if (!TOOL_CALL_MEMBERS.contains(e.getKey())) {
        w.name(e.getKey()).value(e.getValue());
      }
    }
    w.endObject();
  }

  private static List<ToolCall> readToolCalls(JsonReader r) {
    if (r.nextIfNull()) {
      return List.of();
    }
    List<ToolCall> list = new ArrayList<>(2);
    r.beginArray();
    while (r.hasNext()) {
      if (r.nextIfNull()) {
        continue;
      }
      String id = null;
      String type = null;
      String[] fn = null;
      Map<String, JsonValue> extra = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.selectName(TOOL_CALL)) {
          case 0: // "index", which only a stream's fragments need
            r.skipValue();
            break;
          case 1:
            id = readString(r);
            break;
          case 2:
            type = readString(r);
            break;
          case 3:
            fn = readFunction(r);
            break;
          default:
            extra = keep(r, extra);
        }
      }
      r.endObject();
      list.add(
          new ToolCall(
              id, type, fn == null ? null : fn[0], fn == null ? null : fn[1], fields(extra)));
    }
    r.endArray();
    return list;
  }

  /**
   * Reads a tool call's {@code {"name": ..., "arguments": ...}} as {name, arguments}; arguments
   * that arrive as an object or array (leniently) become their JSON text.
   *
   * @param r the reader, before the value
   * @return {name, arguments}, either null when absent; null for {@code null}
   */
  public static String[] readFunction(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    String[] fn = new String[2];
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(FUNCTION)) {
        case 0:
          fn[0] = readString(r);
          break;
        case 1:
          fn[1] = readArguments(r);
          break;
        default:
          r.skipValue();
      }
    }
    r.endObject();
    return fn;
  }

  /** Reads arguments: a string as it is, or (leniently) an object or array as its JSON text. */
  private static String readArguments(JsonReader r) {
    JsonToken t = r.peek();
    if (t == JsonToken.BEGIN_OBJECT || t == JsonToken.BEGIN_ARRAY) {
      return r.nextValue().toString();
    }
    return readString(r);
  }

  // ---------------------------------------------------------------------------------------------
  // Tools

  // How many tools arrays were encoded: a test checks that a call counts its tools once, whatever
  // checks the client runs first.
  private static final LongAdder TOOLS = new LongAdder();

  /** The last tools array encoded by {@link #toolsJson}, by identity of the list. */
  private record ToolsMemo(List<? extends Tool> tools, String json) {}

  private static volatile ToolsMemo toolsMemo;

  /**
   * Returns how many tools arrays {@link #toolsJson} encoded so far (a repeat of the last list is
   * not encoded again); for tests.
   *
   * @return the count
   */
  public static long toolsEncodings() {
    return TOOLS.sum();
  }

  /**
   * Returns tools as a request sends them: the compact JSON of the {@code tools} array, which token
   * counting counts.
   *
   * @param tools the tools
   * @return the JSON text
   */
  public static String toolsJson(List<? extends Tool> tools) {
    ToolsMemo last = toolsMemo;
    if (last != null && (last.tools() == tools || last.tools().equals(tools))) {
      return last.json(); // the same (immutable) list counted again: preflight, then the limiter
    }
    String json = encodeTools(tools);
    toolsMemo = new ToolsMemo(tools, json);
    return json;
  }

  private static String encodeTools(List<? extends Tool> tools) {
    TOOLS.increment();
    JsonWriter w = new JsonWriter();
    w.beginArray();
    for (Tool t : tools) {
      writeTool(w, t);
    }
    w.endArray();
    return w.toString();
  }

  /**
   * Writes one tool as an element of a request's {@code tools} array: {@code {"type": "function",
   * "function": {...}}} or {@code {"type": "builtin_function", "function": {"name": ...}}}.
   *
   * @param w the writer
   * @param t the tool
   */
  public static void writeTool(JsonWriter w, Tool t) {
    w.beginObject();
    if (t instanceof FunctionTool f) {
      w.name("type").value("function");
      w.name("function").beginObject();
      writeFunction(w, f);
      w.endObject();
    } else if (t instanceof BuiltinTool b) {
      w.name("type").value("builtin_function");
      w.name("function").beginObject().name("name").value(b.name()).endObject();
    } else {
      throw new AssertionError(t);
    }
    w.endObject();
  }

  /**
   * Writes the members of a function tool's declaration into the object the writer is in: {@code
   * name}, and its {@code description}, {@code parameters} and {@code strict} when set.
   *
   * @param w the writer, inside the tool's object
   * @param f the tool
   */
  public static void writeFunction(JsonWriter w, FunctionTool f) {
    w.name("name").value(f.name());
    if (f.description() != null) {
      w.name("description").value(f.description());
    }
    if (f.parameters() != null) {
      w.name("parameters").value(f.parameters());
    }
    if (f.strict() != null) {
      w.name("strict").value((boolean) f.strict());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Usage

  /**
   * Writes a usage in Kimi's form: the three counts, {@code cached_tokens} at the top level, {@code
   * prompt_tokens_details.cache_write_tokens} and {@code
   * completion_tokens_details.reasoning_tokens} when known. A saved conversation keeps its usage
   * this way.
   *
   * @param w the writer
   * @param u the usage
   */
  public static void writeUsage(JsonWriter w, Usage u) {
    w.beginObject();
    w.name("prompt_tokens").value(u.promptTokens());
    w.name("completion_tokens").value(u.completionTokens());
    w.name("total_tokens").value(u.totalTokens());
    if (u.cachedTokens() != null) {
      w.name("cached_tokens").value(u.cachedTokens());
    }
    if (u.cacheWriteTokens() != null) {
      w.name("prompt_tokens_details").beginObject();
      w.name("cache_write_tokens").value(u.cacheWriteTokens()).endObject();
    }
    if (u.reasoningTokens() != null) {
      w.name("completion_tokens_details").beginObject();
      w.name("reasoning_tokens").value(u.reasoningTokens()).endObject();
    }
    w.endObject();
  }

  /**
   * Reads a usage object as a reply carries it, either spelling of the cached count included.
   *
   * @param u the usage object
   * @return the usage
   * @throws io.github.kimisdk.json.JsonException if a count is not a number
   */
  public static Usage readUsage(JsonObject u) {
    JsonReader r = JsonReader.of(u.toString());
    Usage usage = readUsage(r);
    r.endDocument();
    return usage;
  }

  /**
   * Reads a usage object as a reply carries it: counts as numbers or strings, the cached count at
   * the top level or in {@code prompt_tokens_details}, cache writes in either spelling ({@link
   * #cacheWrites}), the server's other members kept.
   *
   * @param r the reader, before the value
   * @return the usage, or null for {@code null}
   */
  public static Usage readUsage(JsonReader r) {
    if (r.nextIfNull()) {
      return null;
    }
    int prompt = 0;
    int completion = 0;
    int total = 0;
    Integer cached = null;
    Integer[] details = {null, null}; // prompt_tokens_details: cached_tokens, cache_write_tokens
    Integer creation = null;
    Integer reasoning = null;
    Map<String, JsonValue> extra = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.selectName(USAGE)) {
        case 0:
          prompt = readInt(r, 0);
          break;
        case 1:
          completion = readInt(r, 0);
          break;
        case 2:
          total = readInt(r, 0);
          break;
        case 3:
          cached = readInteger(r);
          break;
        case 4:
          readDetails(r, PROMPT_DETAILS, details);
          break;
        case 5:
          reasoning = readDetail(r, REASONING);
          break;
        case 6:
          creation = readInteger(r);
          break;
        default:
          extra = keep(r, extra);
      }
    }
    r.endObject();
    return new Usage(
        prompt,
        completion,
        total,
        cached != null ? cached : details[0],
        reasoning,
        fields(extra),
        cacheWrites(details[1], creation));
  }

  /**
   * Returns the prompt tokens written to the cache, from whichever spelling arrived: {@code
   * prompt_tokens_details.cache_write_tokens}, else {@code cache_creation_input_tokens}; never
   * their sum, since a server that sends both counts the same tokens twice (kimi-api.md, Changes of
   * 2026-11-25).
   *
   * @param detailsWrite {@code prompt_tokens_details.cache_write_tokens}, or null
   * @param creation {@code cache_creation_input_tokens}, or null
   * @return the tokens written, or null when neither arrived
   */
  public static Integer cacheWrites(Integer detailsWrite, Integer creation) {
    return detailsWrite != null ? detailsWrite : creation;
  }

  /**
   * Reads the integers named by {@code names} of a {@code *_tokens_details} object into {@code
   * out}, by position; other members are skipped.
   */
  private static void readDetails(JsonReader r, JsonReader.Names names, Integer[] out) {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      r.skipValue();
      return;
    }
    r.beginObject();
    while (r.hasNext()) {
      int i = r.selectName(names);
      if (i >= 0) {
        out[i] = readInteger(r);
      } else {
        r.skipValue();
      }
    }
    r.endObject();
  }

  /** Reads the one interesting integer of a {@code *_tokens_details} object. */
  private static Integer readDetail(JsonReader r, JsonReader.Names names) {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      r.skipValue();
      return null;
    }
    Integer value = null;
    r.beginObject();
    while (r.hasNext()) {
      if (r.selectName(names) == 0) {
        value = readInteger(r);
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    return value;
  }
}
