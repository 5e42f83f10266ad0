package io.github.kimisdk.chat.format;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads the saved form of messages and usage: what a saved conversation holds. Version
 * {@value #VERSION} of the form is Kimi's chat completions message ({@link MessageForm}), with a
 * saved assistant message's reasoning signature beside it, and Kimi's usage object.
 *
 * <p>A change here changes every saved conversation: the golden files of each version (test
 * resources {@code formats/}) are read by tests forever, and a new form is a new version whose
 * reader keeps reading the old ones. A file is read into the value types here, member by member,
 * from its JSON tree: the wire's lenient reading of a reply is not the saved form's, so a change to
 * the wire cannot change how yesterday's files read. A member of the wrong type is an {@link
 * IllegalArgumentException} that names it. Thread-safe: stateless.
 */
public final class SavedForm {
  private SavedForm() {}

  /** The version of the form this codec writes, and the newest it reads. */
  public static final int VERSION = 1;

  /** The saved form's member for an assistant message's reasoning signature. */
  private static final String SIGNATURE = "reasoning_signature";

  /** The members of a saved assistant message read into the record's components. */
  private static final Set<String> MESSAGE_MEMBERS =
      Set.of("role", "content", "reasoning_content", "tool_calls", "name", "partial", SIGNATURE);

  /** The members of a saved tool call read into the record's components. */
  private static final Set<String> TOOL_CALL_MEMBERS = Set.of("index", "id", "type", "function");

  // ---------------------------------------------------------------------------------------------
  // Messages

  /**
   * Writes one message in its saved form: as Kimi's chat completions take it ({@link
   * MessageForm#writeMessage}), with an assistant message's reasoning signature as {@code
   * reasoning_signature} (in place of a server member of that name, else last), so that a thinking
   * block replays signed over the Anthropic Messages protocol after a restart.
   *
   * @param w the writer
   * @param m the message
   */
  public static void writeSavedMessage(JsonWriter w, Message m) {
    if (m instanceof AssistantMessage a && a.reasoningSignature() != null) {
      Map<String, JsonValue> members = new LinkedHashMap<>(a.additionalFields().members());
      members.put(SIGNATURE, JsonString.of(a.reasoningSignature())); // a member keeps its place
      m =
          new AssistantMessage(
              a.content(),
              a.reasoningContent(),
              a.toolCalls(),
              a.name(),
              a.partial(),
              null,
              JsonObject.of(members));
    }
    MessageForm.writeMessage(w, m);
  }

  /**
   * Reads one message of any role in its saved form ({@link #writeSavedMessage}), which takes in
   * the form {@link MessageForm#writeMessage} writes: what was written reads back equal, an
   * assistant message's {@code additionalFields} included. An assistant message's empty content is
   * read as none (null), as the writer writes none as {@code ""} beside tool calls; a {@code
   * reasoning_signature} member becomes its signature.
   *
   * @param m the message object
   * @return the message
   * @throws IllegalArgumentException if the object is not a message (the text says what is wrong)
   */
  public static Message readMessage(JsonObject m) {
    if (!(m.get("role") instanceof JsonString role)) {
      throw new IllegalArgumentException("a message needs a \"role\" string");
    }
    String name = optString(m, "name");
    switch (role.value()) {
      case "system":
        return new SystemMessage(text(m, "content"), name, readTools(m.get("tools")));
      case "user":
        return new UserMessage(readParts(m.get("content")), name);
      case "assistant":
        return readAssistant(m, name);
      case "tool":
        return new ToolMessage(text(m, "tool_call_id"), name, text(m, "content"));
      default:
        throw new IllegalArgumentException("unknown role \"" + role.value() + "\"");
    }
  }

  private static AssistantMessage readAssistant(JsonObject m, String name) {
    String content = optString(m, "content");
    if (content != null && content.isEmpty()) {
      content = null;
    }
    // A partial flag without content cannot be rebuilt as a partial message: keep the text.
    boolean partial = m.get("partial") instanceof JsonBoolean p && p.value() && content != null;
    return new AssistantMessage(
        content,
        optString(m, "reasoning_content"),
        readToolCalls(m.get("tool_calls")),
        name,
        partial,
        optString(m, SIGNATURE),
        others(m, MESSAGE_MEMBERS));
  }

  private static List<ToolCall> readToolCalls(JsonValue calls) {
    List<ToolCall> out = new ArrayList<>();
    for (JsonValue c : array(calls, "tool_calls")) {
      JsonObject o = object(c, "a tool call");
      JsonValue f = o.get("function");
      JsonObject function = f == null || f.isNull() ? JsonObject.of() : object(f, "\"function\"");
      out.add(
          new ToolCall(
              optString(o, "id"),
              optString(o, "type"),
              optString(function, "name"),
              optString(function, "arguments"),
              others(o, TOOL_CALL_MEMBERS)));
    }
    return out;
  }

  /** Reads the function tools a system message declares, as {@link #writeSavedMessage} writes. */
  private static List<FunctionTool> readTools(JsonValue tools) {
    List<FunctionTool> out = new ArrayList<>();
    for (JsonValue t : array(tools, "tools")) {
      JsonObject o = object(t, "a tool");
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
      JsonObject po = object(p, "a content part");
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
    return v instanceof JsonString s ? s.value() : text(object(v, "a media part's URL"), "url");
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
   * Reads a usage as {@link #writeUsage} writes it; a count that is absent is 0 (the three) or
   * unknown (the others).
   *
   * @param u the usage object
   * @return the usage
   * @throws IllegalArgumentException if a count is not a number (the text names it)
   */
  public static Usage readUsage(JsonObject u) {
    JsonObject prompt = details(u, "prompt_tokens_details");
    JsonObject completion = details(u, "completion_tokens_details");
    return new Usage(
        count(u, "prompt_tokens", 0),
        count(u, "completion_tokens", 0),
        count(u, "total_tokens", 0),
        count(u, "cached_tokens", null),
        count(completion, "reasoning_tokens", null),
        null,
        count(prompt, "cache_write_tokens", null));
  }

  private static JsonObject details(JsonObject u, String name) {
    JsonValue v = u.get(name);
    return v == null || v.isNull() ? JsonObject.of() : object(v, "\"" + name + "\"");
  }

  private static Integer count(JsonObject o, String name, Integer none) {
    JsonValue v = o.get(name);
    return v instanceof JsonNumber n ? n.intValue() : absent(v, name, "a number", none);
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  private static String text(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonString s)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }
    return s.value();
  }

  private static String optString(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonString s ? s.value() : absent(v, name, "a string", null);
  }

  /**
   * Returns {@code none} for a member {@code name} that is absent or null; throws for one that is
   * not {@code type}.
   */
  private static <T> T absent(JsonValue v, String name, String type, T none) {
    if (v == null || v.isNull()) {
      return none;
    }
    throw new IllegalArgumentException("\"" + name + "\" must be " + type + ": " + v);
  }

  private static List<JsonValue> array(JsonValue v, String name) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an array");
    }
    return a.values();
  }

  private static JsonObject object(JsonValue v, String what) {
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException(what + " must be an object: " + v);
    }
    return o;
  }

  /** The members of {@code o} but the {@code modelled} ones, or null when there are none. */
  private static JsonObject others(JsonObject o, Set<String> modelled) {
    Map<String, JsonValue> others = null;
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      if (!modelled.contains(e.getKey())) {
        if (others == null) {
          others = new LinkedHashMap<>();
        }
        others.put(e.getKey(), e.getValue());
      }
    }
    return others == null ? null : JsonObject.of(others);
  }
}
