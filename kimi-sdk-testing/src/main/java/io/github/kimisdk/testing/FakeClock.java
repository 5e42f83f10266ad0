package io.github.kimisdk.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock a test moves by hand, for {@link FakeKimiServer#FakeKimiServer(Clock)}: the server's
 * timestamps, its rate limits and its batches ({@link FakeKimiServer#batchDuration}) follow it, so
 * a test moves hours of a batch's life in an instant, without waiting. Thread-safe; it stands still
 * until moved.
 *
 * <pre>{@code
 * FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
 * FakeKimiServer server =
 *     new FakeKimiServer(clock).batchDuration(Duration.ofHours(2)).start();
 * // ... create a batch ...
 * clock.advance(Duration.ofHours(1)); // the next GET /v1/batches/{id} reports half its lines done
 * }</pre>
 */
public final class FakeClock extends Clock {

  private volatile Instant now;

  /**
   * Creates a clock standing at {@code start}.
   *
   * @param start the first instant
   * @throws NullPointerException if {@code start} is null
   */
  public FakeClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves the clock on.
   *
   * @param d how far; not negative
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock moves forward: " + d);
    }
    now = now.plus(d);
  }

  /** Returns UTC. */
  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Returns this clock: it has one zone. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  /** Returns where the clock stands. */
  @Override
  public Instant instant() {
    return now;
  }
}
