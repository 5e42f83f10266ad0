package io.github.kimisdk.tool;

import io.github.kimisdk.json.JsonValue;

/**
 * Declares a tool the model may call: a {@link FunctionTool} the caller implements, or one of
 * Kimi's {@link BuiltinTool}s that the server runs itself (such as {@code $web_search}).
 *
 * <p>Kimi allows at most 128 tools per request and rejects duplicate names; {@link
 * io.github.kimisdk.chat.ChatRequest} checks both when it is built.
 */
public sealed interface Tool permits FunctionTool, BuiltinTool {

  /** The name of Kimi's built-in web search tool. */
  String WEB_SEARCH = "$web_search";

  /**
   * Returns the tool's name, as the model will use it in a {@link ToolCall}.
   *
   * @return the name, never null
   */
  String name();

  /**
   * Creates a function tool with a description and a JSON Schema for its arguments.
   *
   * @param name the function name, such as {@code get_weather}
   * @param description what the function does, for the model; may be null
   * @param parameters the JSON Schema of the arguments (an object schema); may be null for a
   *     function without arguments; a {@link JsonSchema} built with {@link JsonSchema#object()} is
   *     passed as {@code schema.toJson()}
   * @return the tool
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank, does not match {@link
   *     FunctionTool#NAME_PATTERN} or starts with {@code $}, or {@code parameters} breaks Kimi's
   *     schema rules (the message names the path)
   */
  static FunctionTool function(String name, String description, JsonValue parameters) {
    return new FunctionTool(name, description, parameters, null);
  }

  /**
   * Creates a declaration of one of Kimi's built-in tools, which the server runs itself.
   *
   * @param name the built-in name, starting with {@code $}, such as {@code $web_search}
   * @return the tool
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} does not start with {@code $}
   */
  static BuiltinTool builtin(String name) {
    return new BuiltinTool(name);
  }

  /**
   * Creates a declaration of Kimi's built-in {@code $web_search} tool.
   *
   * <p>When the model calls it, append the assistant message unchanged and answer the call with a
   * tool message whose content is the call's arguments, unmodified; the server then runs the
   * search. Kimi documents that thinking must be disabled for this tool.
   *
   * <p>It fails on Kimi's side with {@code kimi-k3}. There, and for new code, use the official web
   * search formula {@code moonshot/web-search:latest} instead: a function tool that Kimi runs as a
   * fiber, which {@code AgentTool.formula(kimi, uri)} of {@code kimi-sdk-agents} declares and
   * answers.
   *
   * @return the {@code $web_search} tool
   */
  static BuiltinTool webSearch() {
    return new BuiltinTool(WEB_SEARCH);
  }
}
