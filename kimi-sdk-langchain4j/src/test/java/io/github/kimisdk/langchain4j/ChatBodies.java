package io.github.kimisdk.langchain4j;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the kit's responders ({@link KitAnswers}, {@link AiServiceAnswers}) read from a chat
 * completions request body: its declared tools, and a message's role and text.
 */
final class ChatBodies {

  private ChatBodies() {}

  /** The declared tools by name: each one's {@code function} object. */
  static Map<String, JsonObject> tools(JsonObject body) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    if (body.get("tools") instanceof JsonArray tools) {
      for (JsonValue t : tools.values()) {
        JsonObject f = (JsonObject) ((JsonObject) t).get("function");
        out.put(((JsonString) f.get("name")).value(), f);
      }
    }
    return out;
  }

  /** A message's role. */
  static String role(JsonObject m) {
    return ((JsonString) m.get("role")).value();
  }

  /** A message's text: its string content, or its text parts joined. */
  static String text(JsonObject m) {
    JsonValue c = m.get("content");
    if (c instanceof JsonString s) {
      return s.value();
    }
    StringBuilder sb = new StringBuilder();
    if (c instanceof JsonArray parts) {
      for (JsonValue p : parts.values()) {
        if (p instanceof JsonObject part && part.get("text") instanceof JsonString t) {
          sb.append(t.value());
        }
      }
    }
    return sb.toString();
  }
}
