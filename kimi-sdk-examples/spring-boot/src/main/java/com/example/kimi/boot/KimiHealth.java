package com.example.kimi.boot;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.PingResult;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code kimi} component of {@code /actuator/health}: up when Kimi answers and accepts the key
 * ({@link KimiClient#ping()}), down otherwise, with what went wrong.
 */
@Component("kimi")
class KimiHealth implements HealthIndicator {

  private final KimiClient kimi;

  KimiHealth(KimiClient kimi) {
    this.kimi = kimi;
  }

  @Override
  public Health health() {
    PingResult ping = kimi.ping();
    Health.Builder health = ping.isOk() ? Health.up() : Health.down();
    health.withDetail("status", ping.status().name());
    health.withDetail("latencyMs", ping.latency().toMillis());
    if (ping.httpStatus() != 0) {
      health.withDetail("httpStatus", ping.httpStatus());
    }
    if (ping.error() != null) {
      health.withDetail("error", ping.error().getClass().getSimpleName());
      ping.error().requestId().ifPresent(id -> health.withDetail("requestId", id));
    }
    return health.build();
  }
}
