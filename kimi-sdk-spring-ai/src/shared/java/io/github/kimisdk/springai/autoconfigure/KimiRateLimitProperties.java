package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.rate-limit.*} properties: the client's rate limit (a Moonshot tier, or
 * the limits themselves) and, with {@code account}, the account whose limits every process shares
 * through a {@link RateLimitStore} (with kimi-sdk-redis and Spring Data Redis in the application,
 * one kept in its Redis). Nothing set, no limit.
 */
@ConfigurationProperties(KimiRateLimitProperties.PREFIX)
public class KimiRateLimitProperties extends RateLimitValues {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi.rate-limit";

  /** What the shared store does while Redis cannot be reached. */
  private Fallback fallback = Fallback.FAIL_CLOSED;

  /**
   * How long a concurrency slot in Redis lasts unless its holder renews it: the longest a killed
   * process keeps its slots, from 3s to 30s.
   */
  private Duration leaseLength = Duration.ofSeconds(15);

  /**
   * Whether the Redis store waits a third of the lease plus 2 s on a Redis that just started before
   * its first slot, so that the leases of calls in flight across a restart are registered again
   * first. Set false only where no process can hold a lease when Redis starts, such as a test's own
   * fresh Redis.
   */
  private boolean restartWait = true;

  /** Creates the properties with nothing set. */
  public KimiRateLimitProperties() {}

  /**
   * Returns the client's rate limit from these properties.
   *
   * @param store the application's store, or null when it has none
   * @return the limit, or null when nothing is set (the client has no limit)
   * @throws IllegalStateException if {@code account} is set without a limit, or without a store
   * @throws IllegalArgumentException if a value is out of range
   */
  public RateLimit toRateLimit(RateLimitStore store) {
    return toRateLimit(PREFIX, store);
  }

  /**
   * Returns what the shared store does while Redis cannot be reached.
   *
   * @return the fallback
   */
  public Fallback getFallback() {
    return fallback;
  }

  /**
   * Sets what the shared store does while Redis cannot be reached ({@code fallback}).
   *
   * @param fallback the fallback
   */
  public void setFallback(Fallback fallback) {
    this.fallback = fallback;
  }

  /**
   * Returns the length of a concurrency slot's lease in Redis.
   *
   * @return the lease
   */
  public Duration getLeaseLength() {
    return leaseLength;
  }

  /**
   * Sets the length of a concurrency slot's lease in Redis ({@code lease-length}).
   *
   * @param leaseLength from 3 to 30 seconds
   */
  public void setLeaseLength(Duration leaseLength) {
    this.leaseLength = leaseLength;
  }

  /**
   * Returns whether the Redis store waits on a Redis that just started.
   *
   * @return true unless set off
   */
  public boolean isRestartWait() {
    return restartWait;
  }

  /**
   * Sets whether the Redis store waits on a Redis that just started ({@code restart-wait}).
   *
   * @param restartWait false only where no process can hold a lease when Redis starts
   */
  public void setRestartWait(boolean restartWait) {
    this.restartWait = restartWait;
  }

  @Override
  public String toString() {
    return "KimiRateLimitProperties[tier="
        + getTier()
        + ", maxConcurrency="
        + getMaxConcurrency()
        + ", requestsPerMinute="
        + getRequestsPerMinute()
        + ", tokensPerMinute="
        + getTokensPerMinute()
        + ", account="
        + getAccount()
        + "]";
  }

  /** What the shared store does while Redis cannot be reached or cannot serve. */
  public enum Fallback {
    /** Each call fails, unsent, with a {@code ConnectionException} naming the store. */
    FAIL_CLOSED,
    /** Each process counts its calls alone, at the full limits, until Redis answers again. */
    IN_PROCESS
  }
}
