package io.github.kimisdk.chat.completions;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes messages, tool calls and tools as Kimi's chat completions take them, once for every writer
 * of that form: the chat wire's request bodies, a batch's lines and the token-count request, the
 * tools token counting counts, and the saved form, whose version 1 is this form (with a signature
 * beside it). It only writes: a reply is read by the chat wire, a saved file by the saved form.
 * Thread-safe: stateless but for the memo of the last tools array encoded.
 */
public final class MessageForm {
  private MessageForm() {}

  /** The members of a message this form writes from the record's components. */
  private static final Set<String> MESSAGE_MEMBERS =
      Set.of("role", "content", "reasoning_content", "tool_calls", "name", "partial");

  /** The members of a tool call this form writes from the record's components. */
  private static final Set<String> TOOL_CALL_MEMBERS = Set.of("index", "id", "type", "function");

  /**
   * Writes one message.
   *
   * <ul>
   *   <li>User content that is a single text part is written as a plain string.
   *   <li>Assistant content that is null or empty is written as {@code ""} beside tool calls
   *       (Moonshot's OpenAPI document requires {@code content} on every message) and left out
   *       otherwise (Kimi rejects an empty assistant message); {@code reasoning_content} is written
   *       whenever it is non-null, even {@code ""}; {@code partial} only when true; the members the
   *       server sent beside the modelled ones as they came, never a modelled one twice. A
   *       reasoning signature is not written: chat completions has no member for it.
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
      writeAssistant(w, a);
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

  private static void writeAssistant(JsonWriter w, AssistantMessage a) {
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
    writeOthers(w, a.additionalFields().members(), MESSAGE_MEMBERS);
  }

  /** Writes what the server sent beside the modelled members, as it came. */
  private static void writeOthers(
      JsonWriter w, Map<String, JsonValue> others, Set<String> modelled) {
    for (Map.Entry<String, JsonValue> e : others.entrySet()) {
      if (!modelled.contains(e.getKey())) {
        w.name(e.getKey()).value(e.getValue());
      }
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
    writeOthers(w, c.additionalFields().members(), TOOL_CALL_MEMBERS);
    w.endObject();
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
    TOOLS.increment();
    JsonWriter w = new JsonWriter();
    w.beginArray();
    for (Tool t : tools) {
      writeTool(w, t);
    }
    w.endArray();
    String json = w.toString();
    toolsMemo = new ToolsMemo(tools, json);
    return json;
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
   * name}, and its {@code description}, {@code parameters} and {@code strict} when set (the
   * Responses wire writes them too, flat in its tool object).
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
}
