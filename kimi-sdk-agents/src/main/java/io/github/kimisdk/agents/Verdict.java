package io.github.kimisdk.agents;

import java.util.Objects;

/**
 * Says what happens to a tool call before it runs: what a {@link ToolHook} and a tool's {@link
 * Approval} answer. The hooks of an agent and then the tool's approval are one chain: a call runs
 * when every link allows it, a {@link Deny} ends the chain (the model reads the reason), a {@link
 * Rewrite} hands the links after it other arguments, and an {@link Ask} makes the call wait for a
 * person's {@link Decision}.
 */
public sealed interface Verdict {

  /** The verdict that lets a call go on. */
  Verdict ALLOW = new Allow();

  /**
   * Returns the verdict that lets a call go on.
   *
   * @return {@link #ALLOW}
   */
  static Verdict allow() {
    return ALLOW;
  }

  /**
   * Returns a verdict that refuses the call; the model reads {@code reason}.
   *
   * @param reason why, for the model
   * @return the verdict
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  static Verdict deny(String reason) {
    return new Deny(reason);
  }

  /**
   * Returns a verdict that makes the call wait for a person's decision.
   *
   * @param reason why it asks, shown to the person
   * @return the verdict
   * @throws NullPointerException if {@code reason} is null
   */
  static Verdict ask(String reason) {
    return new Ask(reason);
  }

  /**
   * Returns a verdict that goes on with other arguments (a hook's answer; an approval policy cannot
   * rewrite).
   *
   * @param arguments the arguments the call runs with, a JSON object as text
   * @return the verdict
   * @throws NullPointerException if {@code arguments} is null
   */
  static Verdict rewrite(String arguments) {
    return new Rewrite(arguments);
  }

  /** Lets the call go on. */
  record Allow() implements Verdict {}

  /**
   * Refuses the call.
   *
   * @param reason why, for the model
   */
  record Deny(String reason) implements Verdict {
    /**
     * Checks the reason.
     *
     * @param reason why, for the model
     * @throws NullPointerException if {@code reason} is null
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    public Deny {
      Objects.requireNonNull(reason, "reason must not be null");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a denial needs a reason the model can read");
      }
    }
  }

  /**
   * Makes the call wait for a person's decision.
   *
   * @param reason why it asks, shown to the person
   */
  record Ask(String reason) implements Verdict {
    /**
     * Checks the reason.
     *
     * @param reason why it asks
     * @throws NullPointerException if {@code reason} is null
     */
    public Ask {
      Objects.requireNonNull(reason, "reason must not be null");
    }
  }

  /**
   * Goes on with other arguments.
   *
   * @param arguments the arguments the call runs with, a JSON object as text
   */
  record Rewrite(String arguments) implements Verdict {
    /**
     * Checks the arguments.
     *
     * @param arguments the arguments, a JSON object as text
     * @throws NullPointerException if {@code arguments} is null
     */
    public Rewrite {
      Objects.requireNonNull(arguments, "arguments must not be null");
    }
  }
}
