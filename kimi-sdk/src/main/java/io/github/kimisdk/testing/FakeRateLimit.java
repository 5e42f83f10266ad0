package io.github.kimisdk.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * The organisation RPM limit of {@link FakeKimiServer}: at most {@code limit} accepted requests in
 * any 60 seconds of the server's clock; refused requests do not count.
 */
final class FakeRateLimit {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Clock clock;
  private final ArrayDeque<Long> accepted = new ArrayDeque<>();
  private int limit;
  private int rejected;

  FakeRateLimit(Clock clock) {
    this.clock = clock;
  }

  synchronized void limit(int limit) {
    this.limit = limit;
  }

  synchronized int rejected() {
    return rejected;
  }

  /** Admits a request now, or returns Kimi's 429 {@code rate_limit_reached_error}. */
  synchronized FakeResponse admit() {
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
