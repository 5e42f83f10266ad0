package io.github.kimisdk.mcp;

import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import java.util.Objects;

/**
 * Holds one tool a server lists: its definition as the server sent it, and the function Kimi is
 * shown for it.
 *
 * @param name the tool's name on the server, used in {@code tools/call}
 * @param function the declaration Kimi sees: a name that Kimi accepts and that is unique among this
 *     server's tools, the description, and the input schema made acceptable to Kimi; null when the
 *     tool is not offered to Kimi (it can be run only as a task, which this client does not do)
 * @param definition the tool's definition as the server sent it ({@code name}, {@code title},
 *     {@code description}, {@code inputSchema}, {@code outputSchema}, {@code annotations}, ...)
 */
public record McpTool(String name, FunctionTool function, JsonObject definition) {

  /**
   * Validates the components.
   *
   * @param name the tool's name on the server
   * @param function the declaration Kimi sees; may be null
   * @param definition the definition as sent
   * @throws NullPointerException if {@code name} or {@code definition} is null
   */
  public McpTool {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(definition, "definition must not be null");
  }

  /**
   * Returns the tool's display title.
   *
   * @return the {@code title}, else the annotations' {@code title}, else null
   */
  public String title() {
    String t = McpTools.string(definition, "title");
    if (t == null && definition.get("annotations") instanceof JsonObject a) {
      t = McpTools.string(a, "title");
    }
    return t;
  }

  /**
   * Returns what the tool does.
   *
   * @return the {@code description}; null when the server sent none
   */
  public String description() {
    return McpTools.string(definition, "description");
  }

  /**
   * Returns the JSON Schema of the tool's arguments as the server sent it.
   *
   * @return the {@code inputSchema}; null when the server sent none
   */
  public JsonValue inputSchema() {
    return definition.get("inputSchema");
  }

  /**
   * Returns the JSON Schema of the tool's structured results.
   *
   * @return the {@code outputSchema}; null when the server sent none
   */
  public JsonValue outputSchema() {
    return definition.get("outputSchema");
  }

  /**
   * Tells whether the server marks the tool as read-only ({@code annotations.readOnlyHint}); a hint
   * the server chose to give, not a guarantee.
   *
   * @return true when the hint is present and true
   */
  public boolean readOnly() {
    return definition.get("annotations") instanceof JsonObject a
        && a.get("readOnlyHint") instanceof JsonBoolean b
        && b.value();
  }
}
