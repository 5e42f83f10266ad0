package io.github.kimisdk;

import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.internal.client.LocalRateLimitStore;
import java.time.Duration;

/**
 * Where a {@link RateLimit} keeps its counters: the requests and tokens spent in the rolling minute
 * and the concurrency leases out, for one account. Kimi counts its limits per organisation, across
 * every key and process; a store that several processes share (Redis, a database) lets them split
 * one account's budget instead of each spending all of it.
 *
 * <pre>{@code
 * RateLimitStore redis = RedisRateLimitStore.create(jedis, Fallback.FAIL_CLOSED); // yours
 * KimiClient kimi = KimiClient.builder()
 *     .fromEnv()
 *     .rateLimit(RateLimit.tier(1).toBuilder()
 *         .store(redis, "org-my-team")   // every process of the account names the same key
 *         .maxQueueWait(Duration.ofSeconds(30))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Without a store each client counts on its own in memory, as {@link #inProcess()} does. The
 * client still orders its own callers, pauses after a 429 and gives up after {@link
 * RateLimit#maxQueueWait()}; the store only answers whether the account's budget has room now. When
 * it has none for longer than {@code maxQueueWait}, the call fails with a {@link
 * RateLimitException} saying the shared budget was full, without being sent. When the store throws,
 * the call fails with a {@link ConnectionException} naming the store (retried as the {@link
 * RetryPolicy} says); a store that should rather fall back to counting in process does so itself.
 *
 * <p><b>Contract.</b> Both methods may be called from any thread, never while the client holds a
 * lock, and should answer within milliseconds. {@link #tryTake} is all or nothing: it takes one
 * request, {@code tokens} tokens and (when {@code leaseFor} is positive) one concurrency lease
 * together, or nothing. A lease not given back expires {@code leaseFor} after it was taken, so a
 * process that dies mid-call frees its slots; the client asks for twice the call's timeout ({@link
 * Timeouts#overall()} or {@link Timeouts#streamTotal()}, else connect plus response headers).
 * Requests and tokens are not given back: they return to the budget 60 seconds after they were
 * spent. The account key is whatever the processes agree on (an organisation id, a team name);
 * never the API key, since stores write it to keys and logs.
 */
public interface RateLimitStore {

  /**
   * Takes, for {@code account}, one request and {@code tokens} tokens of the rolling minute and,
   * when {@code leaseFor} is positive, one concurrency lease named {@code lease}, if all fit the
   * limits now; otherwise takes nothing.
   *
   * @param account the account whose budget is spent
   * @param lease a name for the concurrency lease, unique across processes
   * @param limits the limits to hold: {@link RateLimit#maxConcurrency()}, {@link
   *     RateLimit#requestsPerMinute()} and {@link RateLimit#tokensPerMinute()} (unset ones are not
   *     enforced); the client passes lower ones after Kimi states lower limits in a 429
   * @param tokens the tokens charged, 0 for a call that charges none
   * @param leaseFor how long the lease lasts if it is not given back, or {@link Duration#ZERO} when
   *     the call takes no concurrency slot (platform calls)
   * @return {@link Duration#ZERO} when taken; otherwise how long to wait before asking again (the
   *     time until enough of the minute's budget returns, or a short poll while the leases are out)
   */
  Duration tryTake(String account, String lease, RateLimit limits, long tokens, Duration leaseFor);

  /**
   * Gives back the concurrency lease {@code lease} of {@code account}; one that expired or was
   * never taken is ignored.
   *
   * @param account the account
   * @param lease the lease named in {@link #tryTake}
   */
  void giveBack(String account, String lease);

  /**
   * Returns a new store that counts in this process's memory, as a client without a store does.
   * Clients given the same instance (and the same account) share one budget within the JVM. Its
   * leases do not expire, since their holders cannot outlive it.
   *
   * @return a new, empty store
   */
  static RateLimitStore inProcess() {
    LocalRateLimitStore counters = new LocalRateLimitStore(System::nanoTime);
    return new RateLimitStore() {
      @Override
      public Duration tryTake(
          String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
        return counters.tryTake(
            account,
            lease,
            limits.maxConcurrency().orElse(Integer.MAX_VALUE),
            limits.requestsPerMinute().orElse(Integer.MAX_VALUE),
            limits.tokensPerMinute().orElse(Long.MAX_VALUE),
            tokens,
            leaseFor.compareTo(Duration.ZERO) > 0);
      }

      @Override
      public void giveBack(String account, String lease) {
        counters.giveBack(account, lease);
      }

      @Override
      public String toString() {
        return "RateLimitStore.inProcess()";
      }
    };
  }
}
