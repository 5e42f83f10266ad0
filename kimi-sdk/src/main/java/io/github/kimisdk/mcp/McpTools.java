package io.github.kimisdk.mcp;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.util.List;
import java.util.Set;

/** Turns MCP tool definitions and results into what Kimi reads: schemas, names and text. */
final class McpTools {

  /** The longest server text (a schema, an unknown content block) quoted to the model. */
  static final int QUOTE_CHARS = 4096;

  private McpTools() {}

  /**
   * Returns the parameters schema Kimi is sent for an MCP tool's {@code inputSchema}: the schema as
   * {@link JsonSchema#normalize} rewrites it for Kimi; when even that leaves it invalid (a property
   * named {@code required}, a reference to nothing), a schema that accepts any object and quotes
   * the original in its description, so the tool stays usable and one odd schema never fails the
   * whole request.
   */
  static JsonValue kimiSchema(JsonValue inputSchema) {
    if (!(inputSchema instanceof JsonObject)) {
      return JsonObject.of("type", JsonString.of("object"));
    }
    try {
      JsonObject schema = JsonSchema.normalize(inputSchema).schema();
      JsonSchema.validate(schema);
      return schema;
    } catch (IllegalArgumentException e) {
      return JsonObject.of(
          "type",
          JsonString.of("object"),
          "description",
          JsonString.of(
              "Arguments, as this JSON Schema describes: " + cut(Json.write(inputSchema))));
    }
  }

  /**
   * Returns a function name Kimi accepts ({@link FunctionTool#NAME_PATTERN}) for an MCP tool name:
   * characters outside {@code [A-Za-z0-9_-]} become {@code _}, a name that does not start with a
   * letter or {@code _} gets {@code mcp_} in front, a short one is padded with {@code _}, a long
   * one is cut to 64 characters.
   */
  static String kimiName(String prefix, String mcpName) {
    String raw = prefix + mcpName;
    StringBuilder s = new StringBuilder(Math.min(raw.length(), 80));
    for (int i = 0; i < raw.length() && s.length() < 70; i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      s.append(ok ? c : '_');
    }
    if (s.length() == 0) {
      s.append("tool");
    }
    char first = s.charAt(0);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_')) {
      s.insert(0, "mcp_");
    }
    while (s.length() < 3) {
      s.append('_');
    }
    return s.length() > 64 ? s.substring(0, 64) : s.toString();
  }

  /**
   * Returns {@code name}, or when it is taken, {@code name_2}, {@code name_3}, ... cut so that the
   * result stays within 64 characters.
   */
  static String unique(String name, Set<String> taken) {
    if (!taken.contains(name)) {
      return name;
    }
    for (int i = 2; ; i++) {
      String suffix = "_" + i;
      String base =
          name.length() + suffix.length() > 64 ? name.substring(0, 64 - suffix.length()) : name;
      String candidate = base + suffix;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * Renders a tool result as the text the model reads: text blocks as they are, other blocks
   * described in a line each, then the structured content as JSON unless a text block already holds
   * the same JSON.
   */
  static String text(List<JsonValue> content, JsonValue structured) {
    StringBuilder out = new StringBuilder();
    boolean structuredShown = structured == null;
    for (JsonValue block : content) {
      if (out.length() > 0) {
        out.append('\n');
      }
      String type = block instanceof JsonObject o ? string(o, "type") : null;
      JsonObject o = block instanceof JsonObject obj ? obj : JsonObject.of();
      if ("text".equals(type)) {
        String text = string(o, "text");
        out.append(text == null ? "" : text);
        if (!structuredShown && text != null && sameJson(text, structured)) {
          structuredShown = true;
        }
      } else if ("image".equals(type) || "audio".equals(type)) {
        out.append('[')
            .append(type)
            .append(' ')
            .append(orElse(string(o, "mimeType"), "of unknown type"))
            .append(", ")
            .append(decodedSize(string(o, "data")))
            .append(" bytes, not shown]");
      } else if ("resource_link".equals(type)) {
        out.append("[resource link: ").append(orElse(string(o, "name"), "unnamed"));
        appendUri(out, o);
        out.append(']');
        String description = string(o, "description");
        if (description != null && !description.isEmpty()) {
          out.append(' ').append(description);
        }
      } else if ("resource".equals(type)) {
        JsonObject r = o.get("resource") instanceof JsonObject res ? res : JsonObject.of();
        String text = string(r, "text");
        out.append("[resource");
        appendUri(out, r);
        if (text != null) {
          out.append("]\n").append(text);
        } else {
          out.append(", ").append(decodedSize(string(r, "blob"))).append(" bytes, not shown]");
        }
      } else {
        out.append("[content of type ")
            .append(type == null ? "(none)" : type)
            .append(": ")
            .append(cut(Json.write(block)))
            .append(']');
      }
    }
    if (!structuredShown) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(Json.write(structured));
    }
    return out.toString();
  }

  private static void appendUri(StringBuilder out, JsonObject o) {
    String uri = string(o, "uri");
    if (uri != null) {
      out.append(' ').append(uri);
    }
    String mime = string(o, "mimeType");
    if (mime != null) {
      out.append(" (").append(mime).append(')');
    }
  }

  private static boolean sameJson(String text, JsonValue structured) {
    String t = text.strip();
    if (!t.startsWith("{") && !t.startsWith("[")) {
      return false;
    }
    try {
      return Json.parse(t).equals(structured);
    } catch (JsonException e) {
      return false;
    }
  }

  /** The number of bytes a base64 text decodes to. */
  private static long decodedSize(String base64) {
    if (base64 == null) {
      return 0;
    }
    int len = base64.length();
    int pad = 0;
    while (pad < 2 && len - pad > 0 && base64.charAt(len - pad - 1) == '=') {
      pad++;
    }
    return (long) len * 3 / 4 - pad;
  }

  static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  static Double number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.doubleValue() : null;
  }

  private static String orElse(String s, String fallback) {
    return s == null || s.isEmpty() ? fallback : s;
  }

  /** Cuts a server text to {@link #QUOTE_CHARS} characters. */
  static String cut(String s) {
    return s.length() <= QUOTE_CHARS ? s : s.substring(0, QUOTE_CHARS) + "... (cut)";
  }
}
