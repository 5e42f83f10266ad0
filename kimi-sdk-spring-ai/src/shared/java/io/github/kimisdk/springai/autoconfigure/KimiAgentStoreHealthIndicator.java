package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.agents.RunStore;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * An agent's run store in {@code /actuator/health/kimi}, as a Spring Boot health indicator: what
 * {@link KimiAgentStoreCheck} reports (up when the store answers its check, the result reused for
 * {@code cache-for}), as a {@link Health}. Any number of probes at once, on any thread.
 */
final class KimiAgentStoreHealthIndicator implements HealthIndicator {

  private final KimiAgentStoreCheck check;

  KimiAgentStoreHealthIndicator(RunStore store, KimiHealthProperties properties) {
    this.check = new KimiAgentStoreCheck(store, properties);
  }

  KimiAgentStoreHealthIndicator(
      RunStore store, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    this.check = new KimiAgentStoreCheck(store, cacheFor, timeout, nanos);
  }

  @Override
  public Health health() {
    KimiHealthCheck.Report report = check.report();
    return Health.status(report.status()).withDetails(report.details()).build();
  }
}
