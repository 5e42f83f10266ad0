package io.github.kimisdk.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * The organisation limits of {@link FakeKimiServer}: at most {@code limit} accepted requests in any
 * 60 seconds of the server's clock, and at most {@code maxConcurrency} accepted requests open at
 * once; refused requests do not count. Every admitted request is {@link #release released} once
 * answered; {@link #peak()} counts the requests open at once, refused arrivals included.
 */
final class FakeRateLimit {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Clock clock;
  private final ArrayDeque<Long> accepted = new ArrayDeque<>();
  private int limit;
  private int rejected;
  private int maxConcurrency;
  private int open;
  private int peak;

  FakeRateLimit(Clock clock) {
    this.clock = clock;
  }

  synchronized void limit(int limit) {
    this.limit = limit;
  }

  synchronized int rejected() {
    return rejected;
  }

  synchronized void maxConcurrency(int maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
  }

  synchronized int peak() {
    return peak;
  }

  /** Ends an admitted request: it no longer counts against the concurrency limit. */
  synchronized void release() {
    open--;
  }

  /**
   * A refused request: Kimi's 429 for it, and whether the concurrency limit refused it (which the
   * server's dialect answers in its host's words).
   *
   * @param kimi Kimi's 429 {@code rate_limit_reached_error}
   * @param concurrency whether {@code maxConcurrency} refused it, not the per-minute limit
   */
  record Refusal(FakeResponse kimi, boolean concurrency) {}

  /** Admits a request now (then {@link #release()} it once answered), or refuses it. */
  synchronized Refusal admit() {
    open++;
    peak = Math.max(peak, open);
    if (maxConcurrency > 0 && open > maxConcurrency) {
      open--;
      rejected++;
      return new Refusal(
          FakeModel.error(
                  429,
                  "rate_limit_reached_error",
                  "Your account org-fake<ak-fake> request reached organization max concurrency: "
                      + maxConcurrency
                      + ", please try again after 1 seconds")
              .withHeader("Retry-After", "1"),
          true);
    }
    FakeResponse refused = admitPerMinute();
    if (refused != null) {
      open--;
      return new Refusal(refused, false);
    }
    return null;
  }

  private FakeResponse admitPerMinute() {
    if (limit == 0) {
      return null;
    }
    Instant t = clock.instant();
    long now = t.getEpochSecond() * 1_000_000_000L + t.getNano();
    while (!accepted.isEmpty() && now - accepted.peek() >= MINUTE_NANOS) {
      accepted.poll();
    }
    if (accepted.size() < limit) {
      accepted.add(now);
      return null;
    }
    rejected++;
    long left = accepted.peek() + MINUTE_NANOS - now;
    long seconds = Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    return FakeModel.error(
            429,
            "rate_limit_reached_error",
            "Your account org-fake<ak-fake> request reached organization max RPM: "
                + limit
                + ", please try again after "
                + seconds
                + " seconds")
        .withHeader("Retry-After", Long.toString(seconds));
  }
}
