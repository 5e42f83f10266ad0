package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.token.ModelInfo;
import io.github.kimisdk.token.ModelInfo.ThinkingSupport;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The request rules {@link FakeKimiServer} enforces as Kimi does, read from the model's {@link
 * ModelInfo}: fixed sampling, thinking, keep, effort, media and tool schemas. Each check answers
 * with Kimi's status, type and message where kimi-api.md records them; where it records none the
 * message follows Kimi's nearest template.
 */
final class FakeRules {

  private FakeRules() {}

  /** The thinking a request asks for: {@code type}, {@code keep} and the effort fields. */
  record Thinking(String type, String keep, String effort, String reasoningEffort, boolean sent) {

    static Thinking of(JsonObject body) {
      String type = null;
      String keep = null;
      String effort = null;
      boolean sent = body.get("thinking") instanceof JsonObject;
      if (body.get("thinking") instanceof JsonObject t) {
        type = t.get("type") instanceof JsonString s ? s.value() : null;
        keep = t.get("keep") instanceof JsonString s ? s.value() : null;
        effort = t.get("effort") instanceof JsonString s ? s.value() : null;
      }
      String reasoning = body.get("reasoning_effort") instanceof JsonString s ? s.value() : null;
      return new Thinking(type, keep, effort, reasoning, sent);
    }

    /** Whether the model thinks: as the catalog says, or as asked for a model that does not. */
    boolean thinks(ModelInfo m) {
      if (m.thinking() == ThinkingSupport.ALWAYS) {
        return true;
      }
      if (type != null) {
        return !type.equals("disabled");
      }
      return m.thinking() == ThinkingSupport.SWITCHABLE;
    }
  }

  static FakeResponse invalid(String message) {
    return FakeModel.error(400, "invalid_request_error", message);
  }

  /** Temperature, top_p, n and the penalties: ranges, and the values the model fixes. */
  static FakeResponse sampling(JsonObject body, ModelInfo m, boolean thinks) {
    Double temperature = number(body, "temperature");
    if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
      return invalid("invalid temperature: " + fmt(temperature) + " is not in [0, 1]");
    }
    Double n = number(body, "n");
    if (n != null && (n < 1 || n > 5 || n != Math.rint(n))) {
      return invalid("invalid n: " + fmt(n) + " is not in [1, 5]");
    }
    if (n != null && n > 1 && temperature != null && temperature < 0.3) {
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

  /** The thinking object and both effort fields against the model. */
  static FakeResponse thinking(Thinking t, ModelInfo m) {
    if (t.sent() && t.reasoningEffort() != null && m.thinking() == ThinkingSupport.SWITCHABLE) {
      return invalid("cannot specify both 'thinking' and 'reasoning_effort'");
    }
    if (t.type() != null && !t.type().equals("disabled") && m.thinking() == ThinkingSupport.NONE) {
      return invalid("invalid thinking: only type=disabled is allowed for this model");
    }
    if ("disabled".equals(t.type()) && m.thinking() == ThinkingSupport.ALWAYS) {
      return invalid("invalid thinking: only type=enabled is allowed for this model");
    }
    if (t.keep() != null && !m.keepAll()) {
      return invalid("invalid thinking: keep is not supported for this model");
    }
    for (String[] e :
        new String[][] {
          {"reasoning_effort", t.reasoningEffort()}, {"thinking.effort", t.effort()}
        }) {
      if (e[1] == null) {
        continue;
      }
      if (m.efforts().isEmpty() || !t.thinks(m)) {
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
        }
      }
    }
    return null;
  }

  /** Tool use at all, and every function's parameters as Moonshot Flavored JSON Schema. */
  static FakeResponse toolSchemas(JsonObject body, ModelInfo m) {
    if (!(body.get("tools") instanceof JsonArray tools) || tools.isEmpty()) {
      return null;
    }
    if (!m.toolUse()) {
      return invalid("Invalid request: the model " + m.id() + " does not support tools");
    }
    for (JsonValue t : tools.values()) {
      if (!(t instanceof JsonObject tool)
          || !(tool.get("function") instanceof JsonObject f)
          || f.get("parameters") == null) {
        continue;
      }
      JsonValue params = f.get("parameters");
      if (f.get("strict") instanceof JsonBoolean strict && !strict.value()) {
        continue; // Moonshot's pipeline then reduces the schema to "an object"
      }
      try {
        JsonSchema.validate(params);
      } catch (IllegalArgumentException e) {
        return invalid(
            "Invalid request: tools.function.parameters is not a valid moonshot flavored json"
                + " schema, details: <"
                + kimiDetails(e.getMessage())
                + ">");
      }
    }
    return null;
  }

  /** Turns "tool schema at $.properties.x: why" into Kimi's "At path 'properties.x': why". */
  private static String kimiDetails(String message) {
    String prefix = "tool schema at ";
    if (!message.startsWith(prefix)) {
      return message;
    }
    int colon = message.indexOf(": ", prefix.length());
    String path = message.substring(prefix.length(), colon);
    path = path.equals("$") ? "" : path.substring(2);
    return "At path '" + path + "': " + message.substring(colon + 2);
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
