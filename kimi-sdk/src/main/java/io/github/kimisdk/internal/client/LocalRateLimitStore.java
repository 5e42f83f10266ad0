package io.github.kimisdk.internal.client;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The in-process {@link RateLimitStore}: a rolling-minute {@link RateLimiter.Window} for requests
 * and one for tokens, and the set of leases out, per account. Every method holds {@code this}; the
 * clock is the client's (virtual in tests). Leases never expire here: their holders live in the
 * same process.
 */
public final class LocalRateLimitStore implements RateLimitStore {

  /** How long a caller refused only for concurrency waits before asking again. */
  static final Duration LEASE_POLL = Duration.ofMillis(20);

  private final LongSupplier nanoTime;
  private final Map<String, Account> accounts = new HashMap<>();

  /**
   * Creates an empty store.
   *
   * @param nanoTime the clock, as {@link System#nanoTime()}
   */
  public LocalRateLimitStore(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public synchronized Duration tryTake(
      String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
    Account a = accounts.computeIfAbsent(account, k -> new Account());
    long now = nanoTime.getAsLong();
    a.requests.capacity = limits.requestsPerMinute().orElse(Integer.MAX_VALUE);
    a.tokens.capacity = limits.tokensPerMinute().orElse(Long.MAX_VALUE);
    long wait = Math.max(a.requests.waitFor(1, now), a.tokens.waitFor(tokens, now));
    if (wait > 0) {
      return Duration.ofNanos(wait);
    }
    boolean slot = leaseFor.compareTo(Duration.ZERO) > 0;
    if (slot && a.leases.size() >= limits.maxConcurrency().orElse(Integer.MAX_VALUE)) {
      return LEASE_POLL;
    }
    a.requests.take(1, now);
    a.tokens.take(tokens, now);
    if (slot) {
      a.leases.add(lease);
    }
    return Duration.ZERO;
  }

  @Override
  public synchronized void giveBack(String account, String lease) {
    Account a = accounts.get(account);
    if (a != null) {
      a.leases.remove(lease);
    }
  }

  /** Returns how many leases of {@code account} are out; for tests. */
  synchronized int leases(String account) {
    Account a = accounts.get(account);
    return a == null ? 0 : a.leases.size();
  }

  /** Returns the tokens {@code account} spent in the last minute; for tests. */
  synchronized long tokensUsed(String account) {
    Account a = accounts.get(account);
    return a == null ? 0 : a.tokens.used(nanoTime.getAsLong());
  }

  private static final class Account {
    final RateLimiter.Window requests = new RateLimiter.Window(Integer.MAX_VALUE);
    final RateLimiter.Window tokens = new RateLimiter.Window(Long.MAX_VALUE);
    final Set<String> leases = new HashSet<>();
  }

  @Override
  public String toString() {
    return "RateLimitStore.inProcess()";
  }
}
