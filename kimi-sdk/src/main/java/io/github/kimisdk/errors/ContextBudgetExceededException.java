package io.github.kimisdk.errors;

import java.util.List;

/**
 * The prompt plus the output the request asks for does not fit the model's context window, found
 * before anything was sent (see {@link io.github.kimisdk.token.ContextBudget}). It carries the
 * numbers: trim the history ({@link io.github.kimisdk.token.ContextBudget#trim}) or lower {@code
 * max_completion_tokens}.
 *
 * <pre>{@code
 * try {
 *   kimi.chat(request);
 * } catch (ContextBudgetExceededException e) {
 *   int over = e.excessTokens();   // prompt + output - window
 * }
 * }</pre>
 */
public final class ContextBudgetExceededException extends PreflightException {

  private static final long serialVersionUID = 1L;

  private final int promptTokens;
  private final int outputTokens;
  private final int contextWindow;
  private final boolean exact;

  /**
   * Creates the exception with its numbers; the message states them.
   *
   * @param model the model the request was for
   * @param promptTokens the prompt's tokens, counted or estimated
   * @param outputTokens the output reserved: {@code max_completion_tokens}, or the budget's reserve
   *     when the request sets none
   * @param contextWindow the model's context window
   * @param exact whether {@code promptTokens} is an exact count rather than an estimate
   * @throws NullPointerException if {@code model} is null
   */
  public ContextBudgetExceededException(
      String model, int promptTokens, int outputTokens, int contextWindow, boolean exact) {
    super(
        model,
        List.of(describe(model, promptTokens, outputTokens, contextWindow, exact)),
        describe(model, promptTokens, outputTokens, contextWindow, exact));
    this.promptTokens = promptTokens;
    this.outputTokens = outputTokens;
    this.contextWindow = contextWindow;
    this.exact = exact;
  }

  private static String describe(String model, int prompt, int output, int window, boolean exact) {
    long need = (long) prompt + output;
    return "The prompt ("
        + (exact ? "" : "estimated ")
        + prompt
        + " tokens) plus "
        + output
        + " output tokens needs "
        + need
        + ", over the "
        + window
        + " token context window of "
        + model
        + " by "
        + (need - window)
        + "; trim the conversation (ContextBudget.trim) or lower max_completion_tokens";
  }

  /**
   * Returns the prompt's tokens.
   *
   * @return the tokens, counted or estimated (see {@link #isExact()})
   */
  public int promptTokens() {
    return promptTokens;
  }

  /**
   * Returns the output reserved: the request's {@code max_completion_tokens}, or the budget's
   * reserve when it sets none.
   *
   * @return the tokens
   */
  public int outputTokens() {
    return outputTokens;
  }

  /**
   * Returns the model's context window.
   *
   * @return the window in tokens
   */
  public int contextWindow() {
    return contextWindow;
  }

  /**
   * Returns by how much the request is over the window.
   *
   * @return {@code promptTokens + outputTokens - contextWindow}, positive
   */
  public long excessTokens() {
    return (long) promptTokens + outputTokens - contextWindow;
  }

  /**
   * Tells whether the prompt was counted exactly rather than estimated.
   *
   * @return true for an exact count
   */
  public boolean isExact() {
    return exact;
  }
}
