package io.github.kimisdk.langchain4j;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A responder of the kit's fake ({@link KitAnswers}, {@link AiServiceAnswers}): it answers chat
 * completions requests from their body and messages, and leaves every other request to the fake;
 * with what both read of a request: the body's messages and declared tools, a message's role and
 * text.
 */
abstract class ChatAnswers implements Function<RecordedRequest, FakeResponse> {

  @Override
  public final FakeResponse apply(RecordedRequest r) {
    if (!r.path().endsWith("/chat/completions") || !(r.json() instanceof JsonObject body)) {
      return null;
    }
    return answer(body, messages(body));
  }

  /**
   * The answer to a chat completions request.
   *
   * @param body the request's body
   * @param messages its messages, in order
   * @return the answer, or null to leave it to the fake's own model
   */
  abstract FakeResponse answer(JsonObject body, List<JsonObject> messages);

  /** The body's messages, in order. */
  static List<JsonObject> messages(JsonObject body) {
    List<JsonObject> messages = new ArrayList<>();
    for (JsonValue v : ((JsonArray) body.get("messages")).values()) {
      messages.add((JsonObject) v);
    }
    return messages;
  }

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
