package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonValue;

/**
 * Runs one call of an {@link AgentTool}: the parsed arguments and the call's context in, text out.
 */
@FunctionalInterface
public interface ToolHandler {
  /**
   * Runs the tool.
   *
   * @param arguments the call's arguments, parsed (usually a JSON object)
   * @param context the run, step, place and idempotency key of the call
   * @return the result the model reads; null or {@code ""} become {@code "(no output)"}
   * @throws Exception on failure; the model reads the exception's class and message
   */
  String call(JsonValue arguments, ToolContext context) throws Exception;
}
