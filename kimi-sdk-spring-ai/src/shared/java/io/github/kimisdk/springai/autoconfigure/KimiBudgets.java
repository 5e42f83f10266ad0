package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.budget.Budget;
import java.util.List;

/**
 * The budgets of {@code spring.ai.kimi.budgets.<name>.*} ({@link KimiBudgetProperties}), as a bean:
 * the auto-configured client counts its calls against them, and the OpenTelemetry
 * auto-configuration reports their state. An application's own bean of this type replaces them.
 */
public final class KimiBudgets {

  private final List<Budget> budgets;

  /**
   * Creates the bean.
   *
   * @param budgets the budgets
   */
  public KimiBudgets(List<Budget> budgets) {
    this.budgets = List.copyOf(budgets);
  }

  /**
   * Returns the budgets, in the order they were set.
   *
   * @return the budgets; unmodifiable
   */
  public List<Budget> budgets() {
    return budgets;
  }

  @Override
  public String toString() {
    return "KimiBudgets" + budgets;
  }
}
