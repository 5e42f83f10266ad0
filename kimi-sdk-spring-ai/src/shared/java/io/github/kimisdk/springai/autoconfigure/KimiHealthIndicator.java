package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Kimi in {@code /actuator/health/kimi}, as a Spring Boot health indicator: what {@link
 * KimiHealthCheck} reports (up when Kimi answers and accepts the key, the check's result reused for
 * {@code cache-for}), as a {@link Health}. Any number of probes at once, on any thread.
 */
final class KimiHealthIndicator implements HealthIndicator {

  private final KimiHealthCheck check;

  KimiHealthIndicator(KimiClient client, KimiHealthProperties properties) {
    this.check = new KimiHealthCheck(client, properties);
  }

  KimiHealthIndicator(KimiClient client, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    this.check = new KimiHealthCheck(client, cacheFor, timeout, nanos);
  }

  @Override
  public Health health() {
    KimiHealthCheck.Report report = check.report();
    return Health.status(report.status()).withDetails(report.details()).build();
  }
}
