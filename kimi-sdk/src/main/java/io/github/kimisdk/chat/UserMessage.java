package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import java.util.List;
import java.util.Objects;

/**
 * Holds what the user says: text, images and videos, sent with role {@code user}. A message that is
 * one text part goes on the wire as a plain string.
 *
 * @param content the parts, never empty
 * @param name an optional participant name; null when absent
 */
public record UserMessage(List<ContentPart> content, String name) implements Message {

  /**
   * Validates and copies the parts.
   *
   * @param content the parts, never empty
   * @param name an optional participant name; null when absent
   * @throws NullPointerException if {@code content} or an element is null
   * @throws IllegalArgumentException if {@code content} is empty
   */
  public UserMessage {
    Objects.requireNonNull(content, "user message content must not be null");
    content = List.copyOf(content);
    if (content.isEmpty()) {
      throw new IllegalArgumentException(
          "user message content must hold at least one part; use Message.user(\"text\")");
    }
  }

  /**
   * Returns {@code "user"}.
   *
   * @return {@code "user"}
   */
  @Override
  public String role() {
    return "user";
  }

  /**
   * Returns the text of the message: its text parts joined, images and videos left out.
   *
   * @return the text, {@code ""} when there is none
   */
  public String text() {
    if (content.size() == 1 && content.get(0) instanceof ContentPart.TextPart t) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder();
    for (ContentPart p : content) {
      if (p instanceof ContentPart.TextPart t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("UserMessage").add("content", content).add("name", name).toString();
  }
}
