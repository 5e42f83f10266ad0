package io.github.kimisdk.springai.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.health.*} properties: how long Kimi's health check is reused, how long
 * one check may take, and whether Kimi's status is part of the application's own ({@code
 * /actuator/health}). {@code management.health.kimi.enabled=false} turns the check off altogether.
 */
@ConfigurationProperties(KimiHealthProperties.PREFIX)
public class KimiHealthProperties {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi.health";

  /**
   * How long one check's result answers every probe before Kimi is asked again: a load balancer
   * probes every 5 to 30 seconds, and each probe would otherwise cost a request to Kimi. 0 asks
   * Kimi on every probe.
   */
  private Duration cacheFor = Duration.ofMinutes(2);

  /**
   * The longest one check waits for Kimi before it reports Kimi unreachable: well under a load
   * balancer's probe timeout (5 seconds on AWS's and Google Cloud's).
   */
  private Duration timeout = Duration.ofSeconds(2);

  /**
   * Whether Kimi's status counts in the application's own ({@code /actuator/health}); by default it
   * does not, so that Kimi being down does not take the application out of a load balancer's
   * service. Kimi's own status is at {@code /actuator/health/kimi} either way.
   */
  private boolean inRootStatus;

  /** Creates the properties with their defaults. */
  public KimiHealthProperties() {}

  /**
   * Returns how long one check's result is reused.
   *
   * @return the time; zero for a check on every probe
   */
  public Duration getCacheFor() {
    return cacheFor;
  }

  /**
   * Sets how long one check's result is reused ({@code cache-for}).
   *
   * @param cacheFor the time; zero for a check on every probe
   * @throws IllegalArgumentException if it is negative
   */
  public void setCacheFor(Duration cacheFor) {
    if (cacheFor == null || cacheFor.isNegative()) {
      throw new IllegalArgumentException(
          PREFIX + ".cache-for must be zero or more (0 checks on every probe): " + cacheFor);
    }
    this.cacheFor = cacheFor;
  }

  /**
   * Returns the longest one check waits for Kimi.
   *
   * @return the timeout
   */
  public Duration getTimeout() {
    return timeout;
  }

  /**
   * Sets the longest one check waits for Kimi ({@code timeout}).
   *
   * @param timeout the timeout, more than zero
   * @throws IllegalArgumentException if it is not positive
   */
  public void setTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(PREFIX + ".timeout must be more than zero: " + timeout);
    }
    this.timeout = timeout;
  }

  /**
   * Returns whether Kimi's status counts in the application's own.
   *
   * @return true if it does
   */
  public boolean isInRootStatus() {
    return inRootStatus;
  }

  /**
   * Sets whether Kimi's status counts in the application's own ({@code in-root-status}).
   *
   * @param inRootStatus true to make Kimi being down take {@code /actuator/health} down
   */
  public void setInRootStatus(boolean inRootStatus) {
    this.inRootStatus = inRootStatus;
  }

  @Override
  public String toString() {
    return "KimiHealthProperties[cacheFor="
        + cacheFor
        + ", timeout="
        + timeout
        + ", inRootStatus="
        + inRootStatus
        + "]";
  }
}
