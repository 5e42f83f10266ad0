package io.github.kimisdk.testing;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolChoice;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request rules {@link FakeKimiServer} enforces as Kimi does, read from the model's {@link
 * ModelInfo}: fixed sampling, thinking, keep, effort, media, tool schemas, and K3's contract
 * (dynamic tools, tool choice, response format); tool schemas as {@link FakeSchemas} judges them.
 * Each check answers with Kimi's status, type and message where kimi-api.md records them; where it
 * records none the message follows Kimi's nearest template and says what to change.
 */
final class FakeRules {

  private FakeRules() {}

  /** Kimi's tool name pattern, as the core's {@link FunctionTool#NAME_PATTERN} holds it. */
  static final Pattern TOOL_NAME = Pattern.compile(FunctionTool.NAME_PATTERN);

  /**
   * Tells whether the model keeps K3's contract (Moonshot's Kimi-Vendor-Verifier, {@code
   * tests/k3_features}): kimi-k3 and Kimi Code's k3 and k3-256k, the models whose {@link
   * ModelInfo#dynamicTools()} is set. The contract adds to the catalog's rules: thinking may be
   * switched off ({@code type: "disabled"}, then {@code keep} and the efforts are ignored), {@code
   * keep} other than {@code "all"} is refused while thinking, system messages may declare tools,
   * {@code tool_choice} is {@code auto}, {@code none} or {@code required} (which needs a tool), and
   * the history needs no {@code reasoning_content} on assistant messages without tool calls.
   */
  static boolean k3(ModelInfo m) {
    return m.dynamicTools();
  }

  /** The thinking a request asks for: {@code type}, {@code keep} and the effort fields. */
  record Thinking(String type, String keep, String effort, String reasoningEffort) {

    static Thinking of(JsonObject body) {
      String type = null;
      String keep = null;
      String effort = null;
      if (body.get("thinking") instanceof JsonObject t) {
        type = t.get("type") instanceof JsonString s ? s.value() : null;
        keep = t.get("keep") instanceof JsonString s ? s.value() : null;
        effort = t.get("effort") instanceof JsonString s ? s.value() : null;
      }
      String reasoning = body.get("reasoning_effort") instanceof JsonString s ? s.value() : null;
      return new Thinking(type, keep, effort, reasoning);
    }

    /**
     * The setting in the core's terms: null when no {@code type} is sent (the model's default),
     * disabled for {@code "disabled"}, enabled for any other type.
     */
    io.github.kimisdk.chat.Thinking setting() {
      if (type == null) {
        return null;
      }
      return type.equals("disabled")
          ? io.github.kimisdk.chat.Thinking.disabled()
          : io.github.kimisdk.chat.Thinking.enabled();
    }

    /**
     * Whether the request asks the model to think: as the table says ({@link
     * ModelInfo#thinksWith}), or as asked of a model that does not think (which Kimi then refuses).
     */
    boolean thinks(ModelInfo m) {
      io.github.kimisdk.chat.Thinking s = setting();
      return m.thinksWith(s) || (s != null && s.isEnabled());
    }

    /**
     * Whether the model takes {@code tool_choice} {@code choice} with this thinking, as the table
     * says ({@link ModelInfo#acceptsToolChoice}): the string {@code required}, or an object naming
     * a function; any other value is taken here (K3's checks judge its spelling).
     */
    boolean takesToolChoice(ModelInfo m, JsonValue choice) {
      ToolChoice c;
      if (choice instanceof JsonString s && s.value().equals("required")) {
        c = ToolChoice.required();
      } else if (choice instanceof JsonObject) {
        c = ToolChoice.function(toolName(choice).isEmpty() ? "?" : toolName(choice));
      } else {
        return true;
      }
      return m.acceptsToolChoice(c, setting());
    }
  }

  /**
   * A top-level field of a request the fake took and did nothing with, as Kimi does, and why.
   *
   * @param field the field, as sent
   * @param why why Kimi ignores it, for the {@code --verbose} line
   */
  record Ignored(String field, String why) {}

  /**
   * What Kimi takes of a chat request and does nothing with, as the model table and Moonshot's API
   * say (kimi-api.md, "Changes of 2026-11-28, fourth look"): every top-level field Moonshot does
   * not document ({@link Host#ignoresField}, on Moonshot's API: its other hosts' dialects are
   * translated into Moonshot's form before the model reads them); {@code thinking} on a model
   * without a {@link ModelInfo#thinkingField() thinking field} (kimi-k3.1-pro, which always
   * reasons); a {@code reasoning_effort} level a thinking model does not list (it reasons at its
   * default then). Each is accepted, answered as if absent and noted: the client's checks refuse
   * them before sending ({@code ignored-field}, {@code unlisted-effort}), unless the team marks
   * them deliberate, and the fake shows what Kimi would do with one sent anyway.
   *
   * @param body the request
   * @param m the model
   * @param moonshot whether the request came in Moonshot's own form (its fields are Moonshot's)
   * @return the fields ignored, in the order sent; empty for none
   */
  static List<Ignored> ignored(JsonObject body, ModelInfo m, boolean moonshot) {
    List<Ignored> out = new ArrayList<>();
    for (String field : body.names()) {
      if (moonshot && Host.MOONSHOT.ignoresField(field)) {
        out.add(new Ignored(field, "not a field Kimi takes"));
      } else if (field.equals("thinking") && !m.thinkingField() && present(body.get(field))) {
        out.add(new Ignored(field, m.id() + " takes no thinking field"));
      }
    }
    if (body.get("reasoning_effort") instanceof JsonString e
        && !m.efforts().isEmpty()
        && !m.efforts().contains(e.value())
        && Thinking.of(judged(body, out)).thinks(m)) {
      out.add(
          new Ignored(
              "reasoning_effort",
              "\""
                  + e.value()
                  + "\" is not a level of "
                  + m.id()
                  + (m.defaultEffort() == null ? "" : ": it reasons at " + m.defaultEffort())));
    }
    return List.copyOf(out);
  }

  /** {@code body} without the fields ignored: what the rules judge and the model answers. */
  static JsonObject judged(JsonObject body, List<Ignored> ignored) {
    if (ignored.isEmpty()) {
      return body;
    }
    java.util.Map<String, JsonValue> kept = new java.util.LinkedHashMap<>(body.members());
    ignored.forEach(i -> kept.remove(i.field()));
    return JsonObject.of(kept);
  }

  private static boolean present(JsonValue v) {
    return v != null && !(v instanceof JsonNull);
  }

  static FakeResponse invalid(String message) {
    return FakeModel.error(400, "invalid_request_error", message);
  }

  /**
   * A request the fake could not read, refused as Kimi would: with the problem the fake found, in
   * its own words, or without details when the SDK's types refused it (their messages speak of the
   * SDK's API, or name Java classes).
   */
  static FakeResponse unreadable(RuntimeException e) {
    return invalid(
        e instanceof FakeTokenCounter.Unreadable
            ? "Invalid request: " + e.getMessage()
            : "Invalid request: the request body could not be read");
  }

  /** Temperature, top_p, n and the penalties: ranges, and the values the model fixes. */
  static FakeResponse sampling(JsonObject body, ModelInfo m, boolean thinks) {
    Double temperature = number(body, "temperature");
    if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
      return invalid("invalid temperature: " + fmt(temperature) + " is not in [0, 1]");
    }
    Double n = number(body, "n");
    if (n != null && (n < 1 || n > ChatRequest.MAX_N || n != Math.rint(n))) {
      return invalid("invalid n: " + fmt(n) + " is not in [1, " + ChatRequest.MAX_N + "]");
    }
    if (n != null
        && n > 1
        && temperature != null
        && temperature < ModelInfo.NEAR_ZERO_TEMPERATURE) {
      return invalid(
          "invalid n: only 1 is allowed when temperature is near 0 (" + fmt(temperature) + ")");
    }
    ModelInfo.FixedSampling f = m.sampling();
    FakeResponse r =
        fixed(
            "temperature",
            temperature,
            thinks ? f.temperatureThinking() : f.temperatureNoThinking());
    if (r == null) {
      r = fixed("top_p", number(body, "top_p"), f.topP());
    }
    if (r == null) {
      r = fixed("n", n, f.n() == null ? null : (double) f.n());
    }
    if (r == null) {
      r = fixed("presence_penalty", number(body, "presence_penalty"), f.penalty());
    }
    if (r == null) {
      r = fixed("frequency_penalty", number(body, "frequency_penalty"), f.penalty());
    }
    return r;
  }

  private static FakeResponse fixed(String name, Double value, Double only) {
    if (value != null && only != null && Math.abs(value - only) > 1e-9) {
      return invalid("invalid " + name + ": only " + fmt(only) + " is allowed for this model");
    }
    return null;
  }

  /** Kimi prints numbers in its messages as written: 1, 0.6, 0.95. */
  static String fmt(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static Double number(JsonObject body, String name) {
    return body.get(name) instanceof JsonNumber n ? n.doubleValue() : null;
  }

  /**
   * The thinking object and both effort fields against the model, as the table judges them ({@link
   * ModelInfo#problems}): {@code thinking} beside {@code reasoning_effort} is taken, and an effort
   * with thinking switched off is ignored, on every model that can think; a {@code
   * reasoning_effort} level the model does not list never reaches here (it is {@link #ignored}),
   * while an unlisted {@code thinking.effort} is refused, as Kimi Code refuses one. A relay
   * reported kimi-k2.5 and k2.6 refusing both (kimi-api.md marks it UNVERIFIED); the table's
   * leniency wins until Kimi itself is seen refusing them.
   */
  static FakeResponse thinking(Thinking t, ModelInfo m) {
    if (t.type() != null && !t.type().equals("disabled") && m.thinking() == ThinkingSupport.NONE) {
      return invalid("invalid thinking: only type=disabled is allowed for this model");
    }
    if ("disabled".equals(t.type()) && m.thinking() == ThinkingSupport.ALWAYS && !k3(m)) {
      return invalid("invalid thinking: only type=enabled is allowed for this model");
    }
    if (t.keep() != null && !m.keepAll()) {
      return invalid("invalid thinking: keep is not supported for this model");
    }
    boolean thinks = t.thinks(m);
    // KVV test_keep_not_all_rejected: K3 keeps all reasoning while it thinks; ignored when off
    if (k3(m) && thinks && t.keep() != null && !t.keep().equals("all")) {
      return invalid("invalid thinking: only keep=all is allowed for this model");
    }
    for (String[] e :
        new String[][] {
          {"reasoning_effort", t.reasoningEffort()}, {"thinking.effort", t.effort()}
        }) {
      if (e[1] == null || (!thinks && m.thinking() != ThinkingSupport.NONE)) {
        continue; // with thinking off a model that can think ignores the efforts (K3's contract)
      }
      if (m.efforts().isEmpty() || !thinks) {
        return invalid("Unsupported parameter: '" + e[0] + "' is not supported with this model.");
      }
      if (!m.efforts().contains(e[1])) {
        return invalid(
            "Unsupported value: '"
                + e[0]
                + "' does not support '"
                + e[1]
                + "' with this model. Supported values are: "
                + quoted(m.efforts())
                + ".");
      }
    }
    return null;
  }

  private static String quoted(List<String> values) {
    List<String> q = new ArrayList<>();
    values.forEach(v -> q.add("'" + v + "'"));
    if (q.size() == 1) {
      return q.get(0);
    }
    return String.join(", ", q.subList(0, q.size() - 1)) + " and " + q.get(q.size() - 1);
  }

  /** Image and video parts against the model's media. */
  static FakeResponse media(JsonArray messages, ModelInfo m) {
    for (JsonValue v : messages.values()) {
      if (v instanceof JsonObject msg && msg.get("content") instanceof JsonArray parts) {
        for (JsonValue p : parts.values()) {
          String type =
              p instanceof JsonObject o && o.get("type") instanceof JsonString s ? s.value() : "";
          if (type.equals("image_url") && !m.vision()) {
            return invalid(
                "Invalid request: the model " + m.id() + " does not support image input");
          }
          if (type.equals("video_url") && !m.video()) {
            return invalid(
                "Invalid request: the model " + m.id() + " does not support video input");
          }
          if ((type.equals("image_url") || type.equals("video_url")) && fetched(p, type)) {
            // Kimi takes data: URLs and uploaded files (ms://) only (kimi-api.md §2.2)
            return invalid("Invalid request: unsupported " + type.replace('_', ' '));
          }
        }
      }
    }
    return null;
  }

  /** Whether a media part names an http(s) URL, which Kimi would have to fetch. */
  private static boolean fetched(JsonValue part, String type) {
    JsonValue v = ((JsonObject) part).get(type);
    String url =
        v instanceof JsonObject o && o.get("url") instanceof JsonString s
            ? s.value()
            : v instanceof JsonString s ? s.value() : "";
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** Tool use at all, and every function's parameters as Moonshot Flavored JSON Schema. */
  static FakeResponse toolSchemas(JsonObject body, ModelInfo m) {
    List<JsonObject> tools = declaredTools(body);
    if (tools.isEmpty()) {
      return null;
    }
    if (!m.toolUse()) {
      return invalid("Invalid request: the model " + m.id() + " does not support tools");
    }
    for (JsonValue t : tools) {
      if (!(t instanceof JsonObject tool)
          || !(tool.get("function") instanceof JsonObject f)
          || f.get("parameters") == null) {
        continue;
      }
      JsonValue params = f.get("parameters");
      if (f.get("strict") instanceof JsonBoolean strict && !strict.value()) {
        continue; // Moonshot's pipeline then reduces the schema to "an object"
      }
      String refused = FakeSchemas.refusal(params);
      if (refused != null) {
        return invalid(refused);
      }
    }
    return null;
  }

  /**
   * The tools a request declares: the request's {@code tools}, then those system messages declare
   * ({@code {"role":"system","content":"","tools":[...]}}, K3's dynamic tools), in message order.
   */
  static List<JsonObject> declaredTools(JsonObject body) {
    List<JsonObject> out = new ArrayList<>();
    if (body.get("tools") instanceof JsonArray global) {
      global.values().forEach(t -> addTool(out, t));
    }
    if (body.get("messages") instanceof JsonArray messages) {
      for (JsonValue v : messages.values()) {
        if (v instanceof JsonObject m
            && m.get("role") instanceof JsonString r
            && r.value().equals("system")
            && m.get("tools") instanceof JsonArray dynamic) {
          dynamic.values().forEach(t -> addTool(out, t));
        }
      }
    }
    return out;
  }

  private static void addTool(List<JsonObject> out, JsonValue tool) {
    if (tool instanceof JsonObject o) {
      out.add(o);
    }
  }

  /**
   * Tools declared in messages (KVV {@code test_dynamic_tools.py}): only K3 takes them, other
   * models answer "tokenization failed"; only a system message with empty content may carry them,
   * as an array of complete {@code function} tools whose names are valid and unique across the
   * messages and the request's {@code tools}. The shape is checked also when {@code lenient}, as
   * tool names are; the model is not.
   */
  static FakeResponse dynamicTools(
      JsonObject body, JsonArray messages, ModelInfo m, boolean lenient) {
    Set<String> names = new HashSet<>();
    if (body.get("tools") instanceof JsonArray global) {
      global.values().forEach(t -> names.add(toolName(t)));
    }
    List<JsonValue> all = messages.values();
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) instanceof JsonObject msg)
          || msg.get("tools") == null
          || msg.get("tools") instanceof JsonNull) {
        continue;
      }
      if (!lenient && !k3(m)) {
        return invalid("tokenization failed");
      }
      String role = msg.get("role") instanceof JsonString r ? r.value() : "";
      if (!role.equals("system")) {
        return invalid(
            "Invalid request: tools are only allowed in system messages, but message "
                + i
                + " is "
                + (role.startsWith("a") ? "an " : "a ")
                + role
                + " message; declare them in a message {\"role\":\"system\",\"content\":\"\","
                + "\"tools\":[...]}");
      }
      if (!(msg.get("tools") instanceof JsonArray tools)) {
        return invalid("Invalid request: messages[" + i + "].tools must be an array of tools");
      }
      if (!empty(msg.get("content"))) {
        return invalid(
            "Invalid request: a system message that declares tools must have empty content"
                + " (message "
                + i
                + "); put the text in a system message of its own");
      }
      for (int j = 0; j < tools.size(); j++) {
        String at = "messages[" + i + "].tools[" + j + "]";
        if (!(tools.get(j) instanceof JsonObject tool)) {
          return invalid(
              "Invalid request: "
                  + at
                  + " must be a tool object, such as {\"type\":\"function\",\"function\":"
                  + "{\"name\":...,\"parameters\":...}}");
        }
        JsonValue type = tool.get("type");
        if (type == null || type instanceof JsonNull) {
          return invalid("Invalid request: " + at + ".type is required; set it to \"function\"");
        }
        if (!(type instanceof JsonString ts && ts.value().equals("function"))) {
          return invalid(
              "Invalid request: unsupported tool type "
                  + (type instanceof JsonString ts ? ts.value() : Json.write(type))
                  + " in "
                  + at
                  + "; a message may declare only \"function\" tools");
        }
        if (!(tool.get("function") instanceof JsonObject f)) {
          return invalid("Invalid request: " + at + ".function is required");
        }
        if (!(f.get("name") instanceof JsonString n)) {
          return invalid("Invalid request: " + at + ".function.name is required");
        }
        if (!TOOL_NAME.matcher(n.value()).matches()) {
          return invalid(
              "Invalid request: function name "
                  + n.value()
                  + " is invalid, it must match ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$");
        }
        if (!names.add(n.value())) {
          return invalid("function name " + n.value() + " is duplicated");
        }
      }
    }
    return null;
  }

  private static boolean empty(JsonValue content) {
    return content == null
        || content instanceof JsonNull
        || (content instanceof JsonString s && s.value().isEmpty())
        || (content instanceof JsonArray a && a.isEmpty());
  }

  static String toolName(JsonValue toolOrCall) {
    if (toolOrCall instanceof JsonObject o
        && o.get("function") instanceof JsonObject f
        && f.get("name") instanceof JsonString n) {
      return n.value();
    }
    return "";
  }

  /**
   * K3's {@code tool_choice} (KVV {@code test_tool_choice.py}): {@code auto} and {@code none}
   * always, {@code required} only with a tool declared (in {@code tools} or in a message); any
   * other value is refused. The named-function form is judged with thinking, elsewhere.
   */
  static FakeResponse toolChoice(JsonObject body) {
    JsonValue choice = body.get("tool_choice");
    if (choice == null || choice instanceof JsonNull || choice instanceof JsonObject) {
      return null;
    }
    String value = choice instanceof JsonString s ? s.value() : null;
    if ("auto".equals(value) || "none".equals(value)) {
      return null;
    }
    if ("required".equals(value)) {
      return declaredTools(body).isEmpty()
          ? invalid(
              "Invalid request: tool_choice 'required' needs at least one tool, but the request"
                  + " declares none; add tools or use 'auto'")
          : null;
    }
    return invalid(
        "Invalid request: tool_choice must be 'auto', 'none' or 'required', not "
            + (value != null ? "'" + value + "'" : Json.write(choice)));
  }

  /**
   * {@code response_format} (KVV {@code test_response_format.py}): an object whose {@code type} is
   * {@code text}, {@code json_object} or {@code json_schema}; {@code json_schema} needs a {@code
   * json_schema} object with a {@code name}, a {@code schema} object and, if given, a boolean
   * {@code strict}.
   */
  static FakeResponse responseFormat(JsonObject body) {
    JsonValue format = body.get("response_format");
    if (format == null || format instanceof JsonNull) {
      return null;
    }
    if (!(format instanceof JsonObject o)) {
      return invalid(
          "Invalid request: response_format must be an object, such as"
              + " {\"type\":\"json_object\"}");
    }
    String type = o.get("type") instanceof JsonString s ? s.value() : null;
    if (type == null) {
      return invalid(
          "Invalid request: response_format.type is required: 'text', 'json_object' or"
              + " 'json_schema'");
    }
    if (!type.equals("text") && !type.equals("json_object") && !type.equals("json_schema")) {
      return invalid(
          "Invalid request: response_format.type must be 'text', 'json_object' or 'json_schema',"
              + " not '"
              + type
              + "'");
    }
    if (!type.equals("json_schema")) {
      return null;
    }
    if (!(o.get("json_schema") instanceof JsonObject js)) {
      return invalid(
          "Invalid request: response_format.json_schema is required when type is 'json_schema':"
              + " {\"name\":...,\"schema\":{...}}");
    }
    if (!(js.get("name") instanceof JsonString)) {
      return invalid(
          "Invalid request: response_format.json_schema.name is required (a string naming the"
              + " schema)");
    }
    JsonValue schema = js.get("schema");
    if (schema == null || schema instanceof JsonNull) {
      return invalid("Invalid request: response_format.json_schema.schema is required");
    }
    if (!(schema instanceof JsonObject)) {
      return invalid(
          "Invalid request: response_format.json_schema.schema must be an object (a JSON"
              + " Schema)");
    }
    JsonValue strict = js.get("strict");
    if (strict != null && !(strict instanceof JsonNull) && !(strict instanceof JsonBoolean)) {
      return invalid("Invalid request: response_format.json_schema.strict must be a boolean");
    }
    return null;
  }

  /** Assistant messages without reasoning while the model thinks. */
  static FakeResponse reasoning(JsonArray messages, boolean thinks, boolean preserved) {
    if (!thinks) {
      return null;
    }
    List<JsonValue> all = messages.values();
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) instanceof JsonObject m)
          || !(m.get("role") instanceof JsonString r)
          || !r.value().equals("assistant")
          || m.get("reasoning_content") instanceof JsonString) {
        continue;
      }
      boolean calls = m.get("tool_calls") instanceof JsonArray c && !c.isEmpty();
      boolean partial = m.get("partial") instanceof JsonBoolean p && p.value();
      if (calls) {
        return invalid(
            "thinking is enabled but reasoning_content is missing in assistant tool call message"
                + " at index "
                + i);
      }
      if (preserved && !partial) {
        return invalid(
            "preserved thinking (thinking.keep=all) requires reasoning_content on every assistant"
                + " message, but assistant message at index "
                + i
                + " is missing reasoning_content");
      }
    }
    return null;
  }
}
