package io.github.kimisdk.ui;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * One message of a page's conversation as the AI SDK's client sends it ({@code UIMessage}): its id,
 * its role and its parts, each part checked by {@link UiRequest} against the AI SDK's part kinds
 * (text, reasoning, a tool's call in one of its states, a file, a source, a step's start, data).
 *
 * @param id the page's id of the message
 * @param role {@code user}, {@code assistant} or {@code system}
 * @param parts the parts, as the page sent them
 */
public record UiMessage(String id, String role, List<JsonObject> parts) {

  /**
   * Checks and copies the components.
   *
   * @param id the id
   * @param role the role
   * @param parts the parts
   * @throws NullPointerException if an argument is null
   */
  public UiMessage {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(role, "role must not be null");
    parts = List.copyOf(parts);
  }

  /**
   * Returns the text of the message's text parts, joined.
   *
   * @return the text, {@code ""} when it has none
   */
  public String text() {
    StringBuilder b = new StringBuilder();
    for (JsonObject p : parts) {
      JsonValue type = p.get("type");
      if (type != null && "text".equals(type.asString())) {
        b.append(p.get("text").asString());
      }
    }
    return b.toString();
  }
}
