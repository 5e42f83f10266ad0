package io.github.kimisdk.agents;

import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.util.Objects;

/**
 * Holds a tool an {@link Agent} offers the model: its declaration, what runs a call, whether a call
 * needs a person's approval, and whether running a call twice with the same idempotency key does
 * its effect once.
 *
 * <pre>{@code
 * AgentTool transfer = AgentTool.of("transfer", "Moves money between accounts",
 *         JsonSchema.object().required("to", JsonSchema.string())
 *             .required("amount", JsonSchema.integer()).build(),
 *         (args, ctx) -> bank.transfer(args.get("to").asString(), args.get("amount").asLong(),
 *             ctx.idempotencyKey()))
 *     .approval(Approval.always())
 *     .asIdempotent();
 * }</pre>
 *
 * @param tool the declaration the model is sent
 * @param handler runs a call
 * @param approval whether a call waits for a person; {@link Approval#never()} by default
 * @param idempotent whether the handler honours {@link ToolContext#idempotencyKey()}, so that a
 *     call found begun but not finished after a crash may be run again with the same key; when
 *     false such a call is handed to the caller as in doubt
 */
public record AgentTool(
    FunctionTool tool, ToolHandler handler, Approval approval, boolean idempotent) {

  /**
   * Checks the components.
   *
   * @param tool the declaration
   * @param handler the handler
   * @param approval the approval
   * @param idempotent whether the handler honours the idempotency key
   * @throws NullPointerException if an argument is null
   */
  public AgentTool {
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(handler, "handler must not be null");
    Objects.requireNonNull(approval, "approval must not be null");
  }

  /**
   * Returns a tool that runs without approval and is not idempotent.
   *
   * @param tool the declaration
   * @param handler runs a call
   * @return the tool
   * @throws NullPointerException if an argument is null
   */
  public static AgentTool of(FunctionTool tool, ToolHandler handler) {
    return new AgentTool(tool, handler, Approval.never(), false);
  }

  /**
   * Returns a tool built from a name, a description and a schema, that runs without approval and is
   * not idempotent.
   *
   * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
   * @param description what the tool does, for the model
   * @param parameters the schema of the arguments
   * @param handler runs a call
   * @return the tool
   * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
   * @throws IllegalArgumentException if the name is invalid
   */
  public static AgentTool of(
      String name, String description, JsonSchema parameters, ToolHandler handler) {
    Objects.requireNonNull(parameters, "parameters must not be null");
    return of(Tool.function(name, description, parameters.toJson()), handler);
  }

  /**
   * Returns this tool with another approval.
   *
   * @param approval whether a call waits for a person
   * @return the tool
   * @throws NullPointerException if {@code approval} is null
   */
  public AgentTool approval(Approval approval) {
    return new AgentTool(tool, handler, approval, idempotent);
  }

  /**
   * Returns this tool declared idempotent: its handler passes {@link ToolContext#idempotencyKey()}
   * to what it changes, so running a call again with the same key does its effect once.
   *
   * @return the tool
   */
  public AgentTool asIdempotent() {
    return new AgentTool(tool, handler, approval, true);
  }

  /**
   * Returns the tool's name.
   *
   * @return the function name
   */
  public String name() {
    return tool.name();
  }

  /** Returns the tool by its name, approval and idempotence; never the handler. */
  @Override
  public String toString() {
    return "AgentTool[" + tool.name() + ", " + approval + (idempotent ? ", idempotent" : "") + "]";
  }
}
