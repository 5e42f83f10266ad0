package io.github.kimisdk.tool;

import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * Tools that come from elsewhere, declared anew before each model call and each call answered by
 * the source: the tools of a Model Context Protocol server ({@code McpToolset} of {@code
 * kimi-sdk-mcp}), or any other set a program discovers at run time. An agent of {@code
 * kimi-sdk-agents} takes one with {@code Agent.Builder.tools(source)}; a program that runs the
 * calls itself may use it directly. Implementations are thread-safe: a run lists and calls them
 * from several threads.
 *
 * <pre>{@code
 * McpToolset files = McpToolset.of(mcpClient);          // a ToolSource
 * ChatRequest request = ChatRequest.builder("kimi-k3").addUser("List /tmp")
 *     .tools(files.tools()).build();
 * }</pre>
 */
public interface ToolSource {

  /**
   * Returns the source's name, put in front of a tool's name that another tool already has.
   *
   * @return the name, such as an MCP server's
   */
  String name();

  /**
   * Returns the tools as the model is to see them, with names and schemas Kimi accepts. Asked
   * before each model call.
   *
   * @return the declarations
   * @throws RuntimeException when the source cannot list its tools
   */
  List<FunctionTool> tools();

  /**
   * Returns what the source says about a tool's effects (an MCP server's annotations): hints a
   * server chose to give, not guarantees.
   *
   * @param name the tool's name as {@link #tools()} declares it
   * @return the hints; {@link Hints#NONE} when the source gives none (the default)
   */
  default Hints hints(String name) {
    return Hints.NONE;
  }

  /**
   * Runs one call of a tool this source declared.
   *
   * @param name the tool's name as this source declared it
   * @param arguments the call's arguments, parsed
   * @param idempotencyKey a key stable across every attempt of this one call, for a source that can
   *     pass it to what the tool changes (an MCP call carries it in its {@code _meta}); null when
   *     the caller has none
   * @return the result the model reads
   * @throws Exception on failure; the model reads the exception's class and message
   */
  Result call(String name, JsonValue arguments, String idempotencyKey) throws Exception;

  /**
   * Holds what a tool call answered.
   *
   * @param content the text the model reads
   * @param error whether the tool reports a failure (the model reads {@code content} as an error)
   */
  record Result(String content, boolean error) {
    /**
     * Checks the content.
     *
     * @param content the text
     * @param error whether it is a failure
     * @throws NullPointerException if {@code content} is null
     */
    public Result {
      Objects.requireNonNull(content, "content must not be null");
    }
  }

  /**
   * Holds what a source says a tool does to the world (MCP's {@code readOnlyHint}, {@code
   * destructiveHint} and {@code idempotentHint}); each is true only when the source says so.
   *
   * @param readOnly the tool changes nothing
   * @param destructive the tool may destroy or overwrite (said explicitly)
   * @param idempotent calling it again with the same arguments has no further effect
   */
  record Hints(boolean readOnly, boolean destructive, boolean idempotent) {
    /** No hints. */
    public static final Hints NONE = new Hints(false, false, false);
  }
}
