package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.List;

/** A tool result, or one content block, as the text a model reads. */
public final class ContentText {

  private ContentText() {}

  /**
   * Renders a tool result as the text the model reads: text blocks as they are, other blocks
   * described in a line each, then the structured content as JSON unless a text block already holds
   * the same JSON.
   */
  public static String text(List<JsonValue> content, JsonValue structured) {
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

  private static String string(JsonObject o, String name) {
    return Fields.string(o, name);
  }

  private static String orElse(String s, String fallback) {
    return s == null || s.isEmpty() ? fallback : s;
  }

  private static String cut(String s) {
    return ServerText.cut(s);
  }
}
