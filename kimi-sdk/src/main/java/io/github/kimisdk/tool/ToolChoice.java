package io.github.kimisdk.tool;

import java.util.Objects;

/**
 * Tells the model whether and which tool to call: {@link #auto()}, {@link #none()}, {@link
 * #required()} or one named {@link #function(String)}.
 *
 * <p>While a model thinks, Kimi rejects a named function as tool choice, and {@code required} too
 * on every thinking model but kimi-k3 (and Kimi Code's k3 ids); send {@link
 * io.github.kimisdk.chat.Thinking#disabled()} for that turn (kimi-k2.5, k2.6) or fall back to
 * {@link #auto()} (or to {@link #required()} with only that tool declared, on kimi-k3). Older Kimi
 * docs say {@code required} is not supported at all.
 *
 * <p>A client checks this before each call, against its model table, and refuses such a request
 * before anything is sent; or resolves it when its {@code thinkingFallback} says so ({@link
 * io.github.kimisdk.model.ThinkingFallback}). Which models think, and which take {@code required}
 * while thinking, comes from the model table ({@link io.github.kimisdk.model.ModelInfo}).
 */
public sealed interface ToolChoice permits ToolChoice.Mode, ToolChoice.Function {

  /**
   * Returns the choice that lets the model decide (the server's default).
   *
   * @return {@link Mode#AUTO}
   */
  static ToolChoice auto() {
    return Mode.AUTO;
  }

  /**
   * Returns the choice that forbids tool calls.
   *
   * @return {@link Mode#NONE}
   */
  static ToolChoice none() {
    return Mode.NONE;
  }

  /**
   * Returns the choice that forces some tool call.
   *
   * @return {@link Mode#REQUIRED}
   */
  static ToolChoice required() {
    return Mode.REQUIRED;
  }

  /**
   * Returns the choice that forces a call of the named function.
   *
   * @param name the function name
   * @return the choice
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  static ToolChoice function(String name) {
    return new Function(name);
  }

  /** Selects a tool-calling mode without naming a tool. */
  enum Mode implements ToolChoice {
    /** Lets the model decide. */
    AUTO,
    /** Forbids tool calls. */
    NONE,
    /** Forces some tool call. */
    REQUIRED
  }

  /**
   * Forces a call of one named function.
   *
   * @param name the function name
   */
  record Function(String name) implements ToolChoice {

    /**
     * Validates the name.
     *
     * @param name the function name
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Function {
      Objects.requireNonNull(name, "tool choice function name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("tool choice function name must not be blank");
      }
    }
  }
}
