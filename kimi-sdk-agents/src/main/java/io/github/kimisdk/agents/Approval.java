package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonValue;
import java.util.Objects;
import java.util.function.Function;

/**
 * Says whether a tool's calls need a person's approval: never, always, or as a policy on the
 * arguments decides (allow, deny with a reason, or ask). A decision is bound to the policy in force
 * when it was asked for, by {@link #id()}: give a policy a new id when its rule changes, and every
 * decision and allowance made under the old one asks again.
 *
 * <pre>{@code
 * Approval limits = Approval.policy("transfers-v1", args ->
 *     args.get("amount").asLong() <= 100 ? Verdict.allow()
 *         : args.get("amount").asLong() > 10_000 ? Verdict.deny("over the daily limit")
 *         : Verdict.ask("a transfer over 100"));
 * }</pre>
 *
 * @param id the policy's name and version, saved with each decision bound to it
 * @param rule answers a call's arguments (parsed) with {@link Verdict#allow()}, {@link
 *     Verdict#deny(String)} or {@link Verdict#ask(String)}
 */
public record Approval(String id, Function<JsonValue, Verdict> rule) {

  private static final Approval NEVER = new Approval("never", args -> Verdict.ALLOW);
  private static final Approval ALWAYS =
      new Approval("always", args -> Verdict.ask("this tool needs approval"));

  /**
   * Checks the components.
   *
   * @param id the policy's name and version, not blank
   * @param rule the rule
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code id} is blank
   */
  public Approval {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(rule, "rule must not be null");
    if (id.isBlank()) {
      throw new IllegalArgumentException(
          "an approval policy needs an id, such as \"transfers-v1\"");
    }
  }

  /**
   * Returns the approval of a tool that runs without asking (the default).
   *
   * @return the approval whose id is {@code never}
   */
  public static Approval never() {
    return NEVER;
  }

  /**
   * Returns the approval of a tool whose every call waits for a person.
   *
   * @return the approval whose id is {@code always}
   */
  public static Approval always() {
    return ALWAYS;
  }

  /**
   * Returns a policy on the arguments.
   *
   * @param id the policy's name and version, such as {@code transfers-v1}
   * @param rule answers the parsed arguments
   * @return the approval
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code id} is blank, or is {@code never} or {@code always}
   */
  public static Approval policy(String id, Function<JsonValue, Verdict> rule) {
    if ("never".equals(id) || "always".equals(id)) {
      throw new IllegalArgumentException(
          "\"" + id + "\" names a built-in approval; pick another id");
    }
    return new Approval(id, rule);
  }

  /** Returns the approval by its id. */
  @Override
  public String toString() {
    return "Approval[" + id + "]";
  }
}
