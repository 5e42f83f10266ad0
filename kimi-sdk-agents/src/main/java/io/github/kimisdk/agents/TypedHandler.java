package io.github.kimisdk.agents;

/**
 * Runs one call of a tool whose arguments are a record ({@link AgentTool#of(String, String, Class,
 * TypedHandler)}): the bound arguments and the call's context in, the result out.
 *
 * @param <P> the record type of the arguments
 */
@FunctionalInterface
public interface TypedHandler<P> {
  /**
   * Runs the tool.
   *
   * @param arguments the call's arguments, bound to the record
   * @param context the run, step, place and idempotency key of the call
   * @return the result the model reads: a {@code String} as it is, anything else (a record, a list,
   *     a number, a {@code JsonValue}) written as JSON; null becomes {@code "(no output)"}
   * @throws Exception on failure; the model reads the exception's class and message
   */
  Object call(P arguments, ToolContext context) throws Exception;
}
