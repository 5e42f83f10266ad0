package io.github.kimisdk.budget;

/**
 * Where a {@link Budget} keeps its counters: what calls settled in each counter's period, by when
 * each amount leaves the count, and the reservations of the calls in flight. A store that several
 * processes share (kimi-sdk-redis's {@code RedisBudgetStore}) lets a fleet spend one budget
 * exactly; {@link #inProcess()} keeps them in this process's memory, as a budget without a store
 * does ({@link Budget.Builder#store}).
 *
 * <pre>{@code
 * BudgetStore redis = RedisBudgetStore.of(redisRateLimitStore);   // kimi-sdk-redis
 * Budget daily = Budget.spend("fleet-daily", "USD", "50.00").store(redis).build();
 * }</pre>
 *
 * <p><b>Contract.</b> Every method may be called from any thread, never while a client holds a
 * lock, and should answer within milliseconds: a client asks before each attempt it sends, on the
 * attempt's thread. {@link #reserve} is atomic: of any number of processes asking at once, the
 * reservations taken never add up past the limit. A store shared by processes holds each
 * reservation for a short lease it renews itself while the reservation is out, so that those of a
 * process killed mid-call come back within one lease length; the reservations of this process's own
 * in-process store never expire, since their holders cannot outlive it. A store that throws fails
 * the call, unsent, with a {@code ConnectionException} naming the budget, which the client's retry
 * policy may retry.
 */
public interface BudgetStore {

  /**
   * Takes, on budget counter {@code counter}, a reservation of {@code amount} named {@code
   * reservation} if what is spent in the counter's window (the amounts settled that leave the count
   * after {@code counter.now()}), plus what the reservations out hold, plus {@code amount} is at
   * most {@code limit}; otherwise takes nothing. A reservation already out under that name is kept,
   * and counted once (a reply lost to a timeout and asked again).
   *
   * @param counter the counter and the asking call's times, on the budget's clock
   * @param limit the budget's limit, in its units
   * @param amount the call's worst case, in the budget's units
   * @param reservation the reservation's name, unique across processes
   * @return whether it was taken, and where the counter stands
   */
  Budget.Tally reserve(Budget.Counter counter, long limit, long amount, String reservation);

  /**
   * Settles reservation {@code reservation} of budget counter {@code counter}: it holds nothing
   * from now on, and {@code amount} (what the call spent; 0 releases it) counts in the window until
   * {@code counter.releaseAt()}. A reservation that expired or was never taken is settled all the
   * same: the call spent what it spent.
   *
   * @param counter the counter and the settling call's times, on the budget's clock
   * @param reservation the reservation, as {@link #reserve} named it
   * @param amount what the call spent, in the budget's units; 0 when it spent nothing
   * @return where the counter stands ({@link Budget.Tally#taken()} true)
   */
  Budget.Tally settle(Budget.Counter counter, String reservation, long amount);

  /**
   * Returns a new store that counts in this process's memory, as a budget without a store does.
   * Budgets given the same instance, and of the same name, share their counters within the JVM. Its
   * reservations do not expire, since their holders cannot outlive it.
   *
   * @return a new, empty store
   */
  static BudgetStore inProcess() {
    LocalBudgets budgets = new LocalBudgets();
    return new BudgetStore() {
      @Override
      public Budget.Tally reserve(
          Budget.Counter counter, long limit, long amount, String reservation) {
        return tally(
            budgets.reserve(
                counter.key(), counter.now(), counter.keepUntil(), limit, amount, reservation));
      }

      @Override
      public Budget.Tally settle(Budget.Counter counter, String reservation, long amount) {
        return tally(
            budgets.settle(
                counter.key(),
                counter.now(),
                counter.releaseAt(),
                counter.keepUntil(),
                reservation,
                amount));
      }

      private Budget.Tally tally(long[] t) {
        return new Budget.Tally(t[0] == 1, t[1], t[2], t[3]);
      }

      @Override
      public String toString() {
        return "BudgetStore.inProcess()";
      }
    };
  }
}
