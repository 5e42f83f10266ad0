package io.github.kimisdk.mcp;

import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import java.util.Objects;

/**
 * Holds one tool a server lists, with its definition as the server sent it.
 *
 * @param name the tool's name on the server, used in {@code tools/call}
 * @param definition the tool's definition as the server sent it ({@code name}, {@code title},
 *     {@code description}, {@code inputSchema}, {@code outputSchema}, {@code annotations}, {@code
 *     execution}, ...)
 */
public record McpTool(String name, JsonObject definition) {

  /**
   * Validates the components.
   *
   * @param name the tool's name on the server
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
    String t = Fields.string(definition, "title");
    if (t == null && definition.get("annotations") instanceof JsonObject a) {
      t = Fields.string(a, "title");
    }
    return t;
  }

  /**
   * Returns what the tool does.
   *
   * @return the {@code description}; null when the server sent none
   */
  public String description() {
    return Fields.string(definition, "description");
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

  /**
   * Tells whether the server marks the tool as destructive ({@code annotations.destructiveHint}):
   * it may destroy or overwrite. MCP's default when absent is true for a tool not read-only; this
   * answers true only when the hint is present and true.
   *
   * @return true when the hint is present and true
   */
  public boolean destructive() {
    return hint("destructiveHint");
  }

  /**
   * Tells whether the server marks the tool as idempotent ({@code annotations.idempotentHint}):
   * calling it again with the same arguments has no further effect.
   *
   * @return true when the hint is present and true
   */
  public boolean idempotent() {
    return hint("idempotentHint");
  }

  private boolean hint(String name) {
    return definition.get("annotations") instanceof JsonObject a
        && a.get(name) instanceof JsonBoolean b
        && b.value();
  }

  /**
   * Tells whether the server runs the tool only as a task ({@code execution.taskSupport} is {@code
   * "required"}), which this client does not do: such a tool cannot be called with {@link
   * McpClient#call(McpTool, JsonValue)}.
   *
   * @return true when the tool must run as a task
   */
  public boolean taskOnly() {
    return definition.get("execution") instanceof JsonObject e
        && "required".equals(Fields.string(e, "taskSupport"));
  }
}
