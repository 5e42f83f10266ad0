package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.Map;
import java.util.Objects;

/**
 * Allows the calls of one tool for the rest of a run without asking again: all of them, or those
 * whose arguments hold every member of a pattern with the same value. An allowance is saved with
 * the run and bound to the tool's approval policy in force when it was given: a policy with another
 * id asks again.
 *
 * @param tool the tool's name
 * @param arguments the members a call's arguments must hold, each with the same value; null for
 *     every call of the tool
 */
public record Allowance(String tool, JsonObject arguments) {
  /**
   * Checks the components.
   *
   * @param tool the tool's name
   * @param arguments the pattern, or null
   * @throws NullPointerException if {@code tool} is null
   */
  public Allowance {
    Objects.requireNonNull(tool, "tool must not be null");
  }

  /**
   * Allows every call of a tool.
   *
   * @param tool the tool's name
   * @return the allowance
   * @throws NullPointerException if {@code tool} is null
   */
  public static Allowance tool(String tool) {
    return new Allowance(tool, null);
  }

  /**
   * Allows the calls of a tool whose arguments hold every member of {@code pattern}.
   *
   * @param tool the tool's name
   * @param pattern the members to hold, such as {@code {"to": "acct-7"}}
   * @return the allowance
   * @throws NullPointerException if an argument is null
   */
  public static Allowance matching(String tool, JsonObject pattern) {
    return new Allowance(tool, Objects.requireNonNull(pattern, "pattern must not be null"));
  }

  /** Tells whether a call of {@code name} with {@code args} falls under this allowance. */
  boolean covers(String name, JsonValue args) {
    if (!tool.equals(name)) {
      return false;
    }
    if (arguments == null) {
      return true;
    }
    if (!(args instanceof JsonObject o)) {
      return false;
    }
    for (Map.Entry<String, JsonValue> e : arguments.members().entrySet()) {
      if (!e.getValue().equals(o.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
