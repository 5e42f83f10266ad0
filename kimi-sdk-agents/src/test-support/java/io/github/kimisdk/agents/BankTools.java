package io.github.kimisdk.agents;

import io.github.kimisdk.tool.JsonSchema;

/**
 * The bank's two tools as the agents' tests declare them (kimi-sdk-agents' and the Temporal,
 * Redis and OpenTelemetry modules'): {@code transfer(to, amount)} and {@code notify(to)}, each
 * call run by the handler its test gives.
 */
public final class BankTools {
  private BankTools() {}

  /**
   * The tool {@code transfer}, "Moves money to an account", with no approval and effect {@link
   * AgentTool.Effect#ONCE}.
   *
   * @param handler what a call does
   * @return the tool
   */
  public static AgentTool transfer(ToolHandler handler) {
    return transfer("Moves money to an account", handler);
  }

  /**
   * The tool {@code transfer} described as {@code description}, with no approval and effect {@link
   * AgentTool.Effect#ONCE}.
   *
   * @param description what the model is told it does
   * @param handler what a call does
   * @return the tool
   */
  public static AgentTool transfer(String description, ToolHandler handler) {
    return payment("transfer", description, handler);
  }

  /**
   * A tool of the bank's named {@code name} whose arguments are an account {@code to} and an
   * integer {@code amount}, with no approval and effect {@link AgentTool.Effect#ONCE}.
   *
   * @param name the tool's name
   * @param description what the model is told it does
   * @param handler what a call does
   * @return the tool
   */
  public static AgentTool payment(String name, String description, ToolHandler handler) {
    return AgentTool.of(
        name,
        description,
        JsonSchema.object()
            .required("to", JsonSchema.string())
            .required("amount", JsonSchema.integer())
            .build(),
        handler);
  }

  /**
   * The tool {@code notify}, "Tells an account holder", whose call answers {@code told TO}.
   *
   * @return the tool
   */
  public static AgentTool notifier() {
    return notifier((a, ctx) -> "told " + a.get("to").asString());
  }

  /**
   * The tool {@code notify}, "Tells an account holder".
   *
   * @param handler what a call does
   * @return the tool
   */
  public static AgentTool notifier(ToolHandler handler) {
    return AgentTool.of(
        "notify",
        "Tells an account holder",
        JsonSchema.object().required("to", JsonSchema.string()).build(),
        handler);
  }
}
