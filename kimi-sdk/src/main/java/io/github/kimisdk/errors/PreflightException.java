package io.github.kimisdk.errors;

import java.util.List;

/**
 * A request was stopped before it was sent because the model would reject it: a sampling value the
 * model fixes, a forced tool choice with thinking on, media the model cannot read (see {@link
 * io.github.kimisdk.model.ModelInfo#problems}), or, as {@link ContextBudgetExceededException}, a
 * prompt that does not fit the context window. Thrown by {@link
 * io.github.kimisdk.token.ContextBudget#preflight}, and by every client before a chat or stream
 * call (see {@link io.github.kimisdk.KimiClient.Builder#modelChecks(boolean)} and {@link
 * io.github.kimisdk.KimiClient.Builder#preflight(io.github.kimisdk.token.ContextBudget)}).
 */
public sealed class PreflightException extends KimiException
    permits ContextBudgetExceededException {

  private static final long serialVersionUID = 1L;

  /** The model the request was for. */
  private final String model;

  /** The problems found; serializable (an immutable list of strings). */
  @SuppressWarnings("serial")
  private final List<String> problems;

  /**
   * Creates the exception; the message lists the problems.
   *
   * @param model the model the request was for
   * @param problems the problems found, each a sentence naming the parameter and the fix
   * @throws NullPointerException if {@code model} or {@code problems} is null
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public PreflightException(String model, List<String> problems) {
    this(model, List.copyOf(problems), message(model, problems));
  }

  PreflightException(String model, List<String> problems, String message) {
    super(message, null, null);
    this.model = model;
    this.problems = List.copyOf(problems);
  }

  private static String message(String model, List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    return "Request for "
        + model
        + " not sent: "
        + (problems.size() == 1 ? problems.get(0) : String.join("; ", problems));
  }

  /**
   * Returns the model the request was for.
   *
   * @return the model id
   */
  public String model() {
    return model;
  }

  /**
   * Returns the problems found, each a sentence naming the parameter and the fix.
   *
   * @return the problems, never empty
   */
  public List<String> problems() {
    return problems;
  }
}
