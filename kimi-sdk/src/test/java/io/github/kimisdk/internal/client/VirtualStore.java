package io.github.kimisdk.internal.client;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.base.limit.LocalRateLimitStore;
import java.time.Duration;

/**
 * What {@link RateLimitStore#inProcess()} is, on a test's clock: a store that clients of one JVM
 * can share, with its leases counted for assertions.
 */
public final class VirtualStore implements RateLimitStore {

  private final LocalRateLimitStore counters;

  public VirtualStore(ManualScheduler time) {
    this.counters = new LocalRateLimitStore(time::nanoTime);
  }

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
  public void pause(String account, Duration pause, RateLimit stated) {
    counters.pause(
        account,
        pause,
        stated == null ? 0 : stated.maxConcurrency().orElse(0),
        stated == null ? 0 : stated.requestsPerMinute().orElse(0),
        stated == null ? 0 : stated.tokensPerMinute().orElse(0));
  }

  @Override
  public Duration pausedFor(String account) {
    return counters.pausedFor(account);
  }

  public int leases(String account) {
    return counters.leases(account);
  }
}
