package io.github.kimisdk.tool;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records one call of a tool by the model, as found in an assistant message's {@code tool_calls}.
 *
 * <p>Ids are opaque strings chosen by the server, such as {@code functions.get_weather:0} or {@code
 * get_weather_0}; echo them back unchanged in the tool message that answers the call. kimi-k3's ids
 * are per turn ({@code get_weather:0}) and recur in later turns, so a result answers the call of
 * its own turn, never one found by id across the conversation; and a stream may leave an id blank,
 * which the SDK then fills in ({@link #withIds(List)}), so the reply and its answer stay paired
 * when they are sent back.
 *
 * @param id the call id; null only when the server sent none
 * @param type the call type, {@code "function"} for both function and built-in tools; never null
 *     (defaults to {@code "function"})
 * @param name the name of the tool called; null only when the server sent none
 * @param arguments the arguments as the raw JSON text the model produced (not necessarily valid
 *     JSON); never null (defaults to {@code ""})
 * @param additionalFields members of the call the server sent that this record does not model,
 *     replayed as they are when the message goes back; empty, never null
 */
public record ToolCall(
    String id, String type, String name, String arguments, JsonObject additionalFields) {

  /** The call type Kimi uses for function and built-in tools. */
  public static final String FUNCTION = "function";

  /** The longest id the SDK generates, as Moonshot's own client caps them. */
  public static final int MAX_GENERATED_ID = 64;

  /**
   * Fills in the defaults for {@code type} and {@code arguments}.
   *
   * @param id the call id; null only when the server sent none
   * @param type the call type, {@code "function"} for both function and built-in tools; never null
   *     (defaults to {@code "function"})
   * @param name the name of the tool called; null only when the server sent none
   * @param arguments the arguments as the raw JSON text the model produced (not necessarily valid
   *     JSON); never null (defaults to {@code ""})
   * @param additionalFields members the record does not model; null is empty
   */
  public ToolCall {
    if (type == null) {
      type = FUNCTION;
    }
    if (arguments == null) {
      arguments = "";
    }
    if (additionalFields == null) {
      additionalFields = JsonObject.of();
    }
  }

  /**
   * Creates a call without additional fields.
   *
   * @param id the call id; null only when the server sent none
   * @param type the call type; null is {@code "function"}
   * @param name the name of the tool called; null only when the server sent none
   * @param arguments the arguments as raw JSON text; null is {@code ""}
   */
  public ToolCall(String id, String type, String name, String arguments) {
    this(id, type, name, arguments, null);
  }

  /**
   * Creates a function call.
   *
   * @param id the call id
   * @param name the name of the tool called
   * @param arguments the arguments as raw JSON text
   * @return the call
   */
  public static ToolCall function(String id, String name, String arguments) {
    return new ToolCall(id, FUNCTION, name, arguments);
  }

  /**
   * Parses the arguments as JSON. An empty or blank arguments string gives an empty JSON object,
   * since that is how Kimi streams a call without arguments.
   *
   * @return the parsed arguments
   * @throws io.github.kimisdk.json.JsonException if the arguments are not valid JSON (the model
   *     produced malformed arguments); send that back to the model as the tool result
   */
  public JsonValue argumentsJson() {
    if (arguments.isBlank()) {
      return Json.parse("{}");
    }
    return Json.parse(arguments);
  }

  /**
   * Tells whether this is a call of one of Kimi's built-in tools, whose name starts with {@code $}.
   *
   * @return true for a built-in tool such as {@code $web_search}
   */
  public boolean isBuiltin() {
    return name != null && name.startsWith("$");
  }

  /**
   * Returns {@code calls} with an id given to every call whose id is missing or blank, as kimi-k3
   * can stream them: {@code <name>:<position>} in kimi-k3's own style (or {@code call:<position>}
   * without a name), made unique among the calls of the list and cut to {@value #MAX_GENERATED_ID}
   * characters. Calls that have an id keep it, and so does the order.
   *
   * @param calls the calls of one assistant message
   * @return the same list when every call has an id, else a copy with ids filled in
   * @throws NullPointerException if {@code calls} or a call is null
   */
  public static List<ToolCall> withIds(List<ToolCall> calls) {
    boolean missing = false;
    Set<String> taken = new HashSet<>();
    for (ToolCall c : calls) {
      if (c.id() == null || c.id().isBlank()) {
        missing = true;
      } else {
        taken.add(c.id());
      }
    }
    if (!missing) {
      return calls;
    }
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      ToolCall c = calls.get(i);
      if (c.id() != null && !c.id().isBlank()) {
        out.add(c);
        continue;
      }
      String base = (c.name() == null || c.name().isBlank() ? "call" : c.name()) + ":" + i;
      String id = cut(base, "");
      for (int n = 2; taken.contains(id); n++) {
        id = cut(base, "_" + n);
      }
      taken.add(id);
      out.add(new ToolCall(id, c.type(), c.name(), c.arguments(), c.additionalFields()));
    }
    return List.copyOf(out);
  }

  private static String cut(String base, String suffix) {
    int room = MAX_GENERATED_ID - suffix.length();
    return (base.length() > room ? base.substring(0, room) : base) + suffix;
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("ToolCall")
        .add("id", id)
        .add("type", type)
        .add("name", name)
        .add("arguments", arguments)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
