/**
 * kimi-sdk-budget: limits on what a client's calls may spend in a period, in money or tokens, per
 * tenant or tag, kept in this process or shared by a fleet through a {@link
 * io.github.kimisdk.budget.BudgetStore} (kimi-sdk-redis keeps one in Redis). A {@link
 * io.github.kimisdk.budget.Budget} installs on a client through the public interceptor ({@link
 * io.github.kimisdk.budget.Budget#interceptor}).
 */
module io.github.kimisdk.budget {
  requires transitive io.github.kimisdk;

  exports io.github.kimisdk.budget;
}
