package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.PingResult;
import io.github.kimisdk.RequestOptions;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Kimi in {@code /actuator/health}: up when the API answers and accepts the key, down otherwise,
 * with what went wrong. Each check is the client's health check, {@code account().ping()} ({@code
 * GET /models}), which costs no tokens, sent once and bounded by {@link #TIMEOUT}.
 */
final class KimiHealthIndicator implements HealthIndicator {

  /** The longest one check takes; a slower answer is reported as unreachable. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final KimiClient client;

  KimiHealthIndicator(KimiClient client) {
    this.client = client;
  }

  @Override
  public Health health() {
    PingResult ping =
        client.withOptions(RequestOptions.builder().timeout(TIMEOUT).build()).account().ping();
    Health.Builder health = ping.isOk() ? Health.up() : Health.down();
    health.withDetail("status", ping.status().name());
    health.withDetail("endpoint", client.endpoint().baseUrl());
    health.withDetail("latencyMs", ping.latency().toMillis());
    if (ping.httpStatus() != 0) {
      health.withDetail("httpStatus", ping.httpStatus());
    }
    if (ping.error() != null) {
      // the SDK's messages never hold the key; they say what to fix (a base URL without /v1)
      health.withDetail("error", ping.error().getClass().getSimpleName());
      health.withDetail("message", ping.error().getMessage());
      ping.error().requestId().ifPresent(id -> health.withDetail("requestId", id));
    }
    return health.build();
  }
}
