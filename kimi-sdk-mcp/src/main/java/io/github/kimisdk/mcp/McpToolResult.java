package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.ContentText;
import java.util.List;
import java.util.Objects;

/**
 * Holds the result of an MCP {@code tools/call}: the content blocks as the server sent them, its
 * structured content, and whether the tool reported an error.
 *
 * @param content the content blocks ({@code text}, {@code image}, {@code audio}, {@code
 *     resource_link}, {@code resource}, or kinds this client does not know), each a JSON object
 * @param structuredContent the structured result; null when the server sent none
 * @param isError whether the tool itself failed; the content then says why
 */
public record McpToolResult(List<JsonValue> content, JsonValue structuredContent, boolean isError) {

  /**
   * Copies the content.
   *
   * @param content the content blocks
   * @param structuredContent the structured result; may be null
   * @param isError whether the tool failed
   * @throws NullPointerException if {@code content} or one of its blocks is null
   */
  public McpToolResult {
    content = List.copyOf(Objects.requireNonNull(content, "content must not be null"));
  }

  /**
   * Returns the result as the model reads it: the text blocks joined by newlines; images, audio and
   * binary resources described in a line each (type and size, never the data); resource links as
   * their name, URI and description; text resources with their URI and text; then the structured
   * content as compact JSON, unless a text block already holds the same JSON.
   *
   * @return the text, {@code ""} when the result is empty
   */
  public String text() {
    return ContentText.text(content, structuredContent);
  }

  /** Returns the members that are set, {@code isError} only when it is. */
  @Override
  public String toString() {
    return RecordText.of("McpToolResult")
        .add("content", content)
        .add("structuredContent", structuredContent)
        .flag("isError", isError)
        .toString();
  }
}
