/**
 * Budgets: limits on what a client's calls may spend in a period, in money or tokens, every call or
 * per tenant or tag, in this process or shared by a fleet ({@link
 * io.github.kimisdk.budget.BudgetStore}), installed on a client through the public interceptor
 * ({@link io.github.kimisdk.budget.Budget#interceptor}). A call a budget refuses fails, unsent,
 * with the core's {@link io.github.kimisdk.errors.BudgetExceededException}.
 */
package io.github.kimisdk.budget;
