package io.github.kimisdk.base.limit;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The in-process counters behind {@link io.github.kimisdk.RateLimitStore#inProcess()} and a client
 * without a store: a rolling-minute {@link MinuteWindow} for requests and one for tokens, the set
 * of leases out, and the pause and limits a 429 stated, per account. It takes plain numbers rather
 * than the root's types, so that the root package can build it without the two packages using each
 * other. Every method holds {@code this}; the clock is the client's (virtual in tests). Leases
 * never expire here: their holders live in the same process.
 */
public final class LocalRateLimitStore {

  /** How long a caller refused only for concurrency waits before asking again. */
  public static final Duration LEASE_POLL = Duration.ofMillis(20);

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

  /**
   * Takes one request, {@code tokens} tokens and (when {@code slot}) the lease {@code lease} of
   * {@code account} if all fit, as {@link io.github.kimisdk.RateLimitStore#tryTake} describes;
   * limits of {@link Long#MAX_VALUE} are not enforced.
   *
   * @return zero when taken, else how long to wait before asking again
   */
  public synchronized Duration tryTake(
      String account,
      String lease,
      long maxConcurrency,
      long requestsPerMinute,
      long tokensPerMinute,
      long tokens,
      boolean slot) {
    Account a = accounts.computeIfAbsent(account, k -> new Account());
    long now = nanoTime.getAsLong();
    if (a.paused && now - a.pausedUntil < 0) {
      return Duration.ofNanos(a.pausedUntil - now);
    }
    a.requests.capacity = Math.min(requestsPerMinute, a.statedRequests);
    a.tokens.capacity = Math.min(tokensPerMinute, a.statedTokens);
    long wait = Math.max(a.requests.waitFor(1, now), a.tokens.waitFor(tokens, now));
    if (wait > 0) {
      return Duration.ofNanos(wait);
    }
    if (slot && a.leases.size() >= Math.min(maxConcurrency, a.statedConcurrency)) {
      return LEASE_POLL;
    }
    a.requests.take(1, now);
    a.tokens.take(tokens, now);
    if (slot) {
      a.leases.add(lease);
    }
    return Duration.ZERO;
  }

  /** Gives back a lease; one never taken is ignored. */
  public synchronized void giveBack(String account, String lease) {
    Account a = accounts.get(account);
    if (a != null) {
      a.leases.remove(lease);
    }
  }

  /**
   * Pauses {@code account} for {@code pause} from now, unless a pause that ends later is set, and
   * lowers its limits to those stated (0: not stated), as {@link
   * io.github.kimisdk.RateLimitStore#pause} describes.
   */
  public synchronized void pause(
      String account, Duration pause, long maxConcurrency, long requestsPerMinute, long tokens) {
    Account a = accounts.computeIfAbsent(account, k -> new Account());
    long until = nanoTime.getAsLong() + pause.toNanos();
    if (!a.paused || until - a.pausedUntil > 0) {
      a.pausedUntil = until;
      a.paused = true;
    }
    if (maxConcurrency > 0) {
      a.statedConcurrency = Math.min(a.statedConcurrency, maxConcurrency);
    }
    if (requestsPerMinute > 0) {
      a.statedRequests = Math.min(a.statedRequests, requestsPerMinute);
    }
    if (tokens > 0) {
      a.statedTokens = Math.min(a.statedTokens, tokens);
    }
  }

  /**
   * Returns how long {@code account} stays paused from now: zero when it is not paused.
   *
   * @param account the account
   * @return the rest of its pause, or zero
   */
  public synchronized Duration pausedFor(String account) {
    Account a = accounts.get(account);
    long now = nanoTime.getAsLong();
    return a == null || !a.paused || now - a.pausedUntil >= 0
        ? Duration.ZERO
        : Duration.ofNanos(a.pausedUntil - now);
  }

  /** Returns how many leases of {@code account} are out; for tests. */
  public synchronized int leases(String account) {
    Account a = accounts.get(account);
    return a == null ? 0 : a.leases.size();
  }

  private static final class Account {
    final MinuteWindow requests = new MinuteWindow(Long.MAX_VALUE);
    final MinuteWindow tokens = new MinuteWindow(Long.MAX_VALUE);
    final Set<String> leases = new HashSet<>();
    boolean paused;
    long pausedUntil;
    long statedConcurrency = Long.MAX_VALUE;
    long statedRequests = Long.MAX_VALUE;
    long statedTokens = Long.MAX_VALUE;
  }
}
