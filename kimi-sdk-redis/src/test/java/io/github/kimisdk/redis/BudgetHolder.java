package io.github.kimisdk.redis;

import io.github.kimisdk.budget.Budget;

/**
 * A process that reserves {@code args[2]} units of the budget counter {@code holder|} of the
 * current UTC day in the Redis on port {@code args[0]}, with the budget store's default leases
 * (which it renews), says {@code held}, and then holds them until it is killed.
 */
final class BudgetHolder {

  private BudgetHolder() {}

  public static void main(String[] args) throws InterruptedException {
    RedisBudgetStore store = RedisBudgetStore.of(LeaseHolder.onPort(args[0]));
    long amount = Long.parseLong(args[1]);
    Budget.Tally t = store.reserve(RedisBudgetTest.counter(), amount, amount, "holder-reservation");
    System.out.println(t.taken() ? "held" : "refused " + t);
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // until killed
  }
}
