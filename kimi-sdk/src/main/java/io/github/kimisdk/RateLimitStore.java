package io.github.kimisdk;

import io.github.kimisdk.base.limit.LocalRateLimitStore;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.RateLimitException;
import java.time.Duration;
import java.util.Collection;

/**
 * Where a {@link RateLimit} keeps its counters: the requests and tokens spent in the rolling minute
 * and the concurrency leases out, for one account. Kimi counts its limits per organisation, across
 * every key and process; a store that several processes share (Redis, a database) lets them split
 * one account's budget instead of each spending all of it.
 *
 * <pre>{@code
 * RateLimitStore redis = RedisRateLimitStore.create(JedisScripts.of(jedis), Fallback.FAIL_CLOSED); // kimi-sdk-redis
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
 * <p><b>Contract.</b> Every method may be called from any thread, never while the client holds a
 * lock, and should answer within milliseconds. {@link #tryTake} is all or nothing: it takes one
 * request, {@code tokens} tokens and (when {@code leaseFor} is positive) one concurrency lease
 * together, or nothing. A lease not given back expires {@code leaseFor} after it was taken or last
 * {@linkplain #renew renewed}, so a process that dies mid-call frees its slots. A store whose
 * {@link #renewedLease()} is positive gets short leases of that length, renewed by one timer per
 * client while their calls live (a dead process's slots return within that time, whatever its
 * timeouts; a two-hour stream keeps its slot); any other store gets leases of twice the call's
 * timeout ({@link Timeouts#overall()} or {@link Timeouts#streamTotal()}, else connect plus response
 * headers), never renewed. Requests and tokens are not given back: they return to the budget 60
 * seconds after they were spent. After a 429 the client {@linkplain #pause pauses} the account in
 * the store, so that the other processes wait too. The account key is whatever the processes agree
 * on (an organisation id, a team name); never the API key, since stores write it to keys and logs.
 * The methods added after {@link #tryTake} and {@link #giveBack} have defaults, so a store written
 * against the first contract keeps working as it did.
 */
public interface RateLimitStore {

  /**
   * Takes, for {@code account}, one request and {@code tokens} tokens of the rolling minute and,
   * when {@code leaseFor} is positive, one concurrency lease named {@code lease}, if all fit the
   * limits now; otherwise takes nothing.
   *
   * @param account the account whose budget is spent
   * @param lease the call's name, unique across processes and the same each time the client asks
   *     again for the same call (empty for a client's own in-process counters): the name of its
   *     concurrency lease, by which a store may also keep refused callers in line
   * @param limits the limits to hold: {@link RateLimit#maxConcurrency()}, {@link
   *     RateLimit#requestsPerMinute()} and {@link RateLimit#tokensPerMinute()} (unset ones are not
   *     enforced); the client passes lower ones after Kimi states lower limits in a 429
   * @param tokens the tokens charged, 0 for a call that charges none
   * @param leaseFor how long the lease lasts if it is not given back, or {@link Duration#ZERO} when
   *     the call takes no concurrency slot (platform calls)
   * @return {@link Duration#ZERO} when taken; otherwise how long to wait before asking again (the
   *     time until enough of the minute's budget returns or a {@linkplain #pause pause} ends, or a
   *     short poll while the leases are out)
   */
  Duration tryTake(String account, String lease, RateLimit limits, long tokens, Duration leaseFor);

  /**
   * Gives back the concurrency lease {@code lease} of {@code account}; one that expired or was
   * never taken is ignored. The client also gives back the name of a call that stopped waiting
   * (cancelled, or past {@link RateLimit#maxQueueWait()}) after the store refused it, so that a
   * store that keeps refused callers in line forgets it.
   *
   * @param account the account
   * @param lease the lease named in {@link #tryTake}
   */
  void giveBack(String account, String lease);

  /**
   * Returns how long a lease lasts when this store has the client renew it: the client then asks
   * every lease for this long and renews those it holds a third of that apart, with one timer per
   * client (never on a caller's thread), for as long as their calls live. {@link Duration#ZERO},
   * the default, means this store does not renew leases: the client asks each for twice the call's
   * timeout, and never renews it.
   *
   * @return the length of a renewed lease, or zero
   */
  default Duration renewedLease() {
    return Duration.ZERO;
  }

  /**
   * Extends each of {@code leases} of {@code account} to {@code leaseFor} from now, and registers
   * again those the store no longer holds (an empty store after a restart): their calls are still
   * in flight, so they count against the concurrency limit. Called only when {@link
   * #renewedLease()} is positive. A renewal that fails (this method throws) is logged by the client
   * once per outage and tried again a second later; it never fails or delays a call.
   *
   * @param account the account
   * @param leases the leases the client holds, as named in {@link #tryTake}
   * @param leaseFor how long each lasts from now
   */
  default void renew(String account, Collection<String> leases, Duration leaseFor) {}

  /**
   * Pauses {@code account} after Kimi refused one of its calls with a 429: until {@code pause} has
   * passed, {@link #tryTake} takes nothing for any client or process of the account and answers the
   * time left. A pause already set that ends later is kept: a later, shorter pause never shortens
   * it. The default ignores the pause (only the client that saw the 429 waits).
   *
   * @param account the account
   * @param pause how long from now ({@code Retry-After}, or Kimi's "try again after N seconds")
   * @param stated the limits Kimi's refusal stated ("max RPM: 100", "max concurrency: 15", a TPM
   *     limit), or null when it stated none; a store that can hold them enforces them for every
   *     process of the account, in place of higher ones given to {@link #tryTake}
   */
  default void pause(String account, Duration pause, RateLimit stated) {}

  /**
   * Returns how long {@code account} stays {@linkplain #pause paused} from now, zero when it is
   * not: the client's last look just before it sends a request it holds a permit for, so that a
   * pause another process wrote after this request's {@link #tryTake} (its send delayed by the key
   * supplier, a busy machine's scheduler) is waited out rather than sent into. Asked once per
   * request of a client with a store of the user's. A store that throws here is not asked again for
   * that request: the request goes as its take allowed. The default, for a store that keeps no
   * pause, answers zero.
   *
   * @param account the account
   * @return the rest of the account's pause, or {@link Duration#ZERO}
   */
  default Duration pausedFor(String account) {
    return Duration.ZERO;
  }

  /**
   * Returns a new store that counts in this process's memory, as a client without a store does.
   * Clients given the same instance (and the same account) share one budget within the JVM, and its
   * pauses and stated limits. Its leases do not expire, since their holders cannot outlive it.
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
      public Duration pausedFor(String account) {
        return counters.pausedFor(account);
      }

      @Override
      public void pause(String account, Duration pause, RateLimit stated) {
        counters.pause(
            account,
            pause,
            stated == null ? 0 : stated.maxConcurrency().orElse(0),
            stated == null ? 0 : stated.requestsPerMinute().orElse(0),
            stated == null ? 0 : stated.tokensPerMinute().orElse(0));
      }

      @Override
      public String toString() {
        return "RateLimitStore.inProcess()";
      }
    };
  }
}
