package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Kimi in {@code /actuator/health/kimi}: up when the API answers and accepts the key, down
 * otherwise, with what went wrong. A check is the client's health check, {@code
 * account().pingAsync()} ({@code GET /models}: no tokens), sent once and bounded by the timeout;
 * its result answers every probe for {@code cacheFor}, so that a load balancer probing every few
 * seconds costs Kimi one check per {@code cacheFor}, not one per probe. Each probe says when that
 * check looked ({@code checkedAt}), how long ago ({@code ageMs}) and when the next will ({@code
 * nextCheckInMs}): a cached UP is a statement about then, not now.
 *
 * <p>Thread model: {@link #health()} runs on the threads of whoever probes (the web server's, a JMX
 * thread), any number at once. The last result and the check in flight are guarded by {@code lock};
 * at most one check is in flight, and probes that find the result stale while it runs wait for that
 * one instead of sending their own. The check completes on the client's threads, which only record
 * its result; no probe waits longer than the timeout (and a little slack for the client's own bound
 * to fire first).
 */
final class KimiHealthIndicator implements HealthIndicator {

  /** What a probe waits beyond the timeout for the client's own bound to report first. */
  private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** One check's result and when it arrived. */
  private record Checked(Health health, long atNanos) {}

  /** The details a probe adds to the result it answers with: how old it is. */
  static final String AGE = "ageMs";

  /** The details a probe adds: how long until a probe checks again. */
  static final String NEXT_CHECK = "nextCheckInMs";

  private final KimiClient client;
  private final String endpoint;
  private final long cacheForNanos;
  private final Duration timeout;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private Checked last; // guarded by lock
  private CompletableFuture<Checked> running; // guarded by lock

  KimiHealthIndicator(KimiClient client, KimiHealthProperties properties) {
    this(client, properties.getCacheFor(), properties.getTimeout(), System::nanoTime);
  }

  KimiHealthIndicator(KimiClient client, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    this.client = client.withOptions(RequestOptions.builder().timeout(timeout).build());
    this.endpoint = client.endpoint().baseUrl();
    this.cacheForNanos = cacheFor.toNanos();
    this.timeout = timeout;
    this.nanoTime = nanos;
  }

  @Override
  public Health health() {
    CompletableFuture<Checked> check;
    boolean mine = false;
    synchronized (lock) {
      if (last != null && nanoTime.getAsLong() - last.atNanos() < cacheForNanos) {
        return aged(last);
      }
      if (running == null) {
        running = new CompletableFuture<>();
        mine = true;
      }
      check = running;
    }
    if (mine) {
      start(check);
    }
    try {
      return aged(check.get(timeout.toNanos() + SLACK_NANOS, TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      // the check goes on and records its result; this probe reports what it saw
      return Health.down()
          .withDetail("status", PingResult.Status.UNREACHABLE.name())
          .withDetail("endpoint", endpoint)
          .withDetail("message", "Kimi did not answer within " + timeout)
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.unknown().withDetail("message", "interrupted while waiting for Kimi").build();
    } catch (ExecutionException e) {
      throw new AssertionError(e); // the check always completes normally
    }
  }

  /** Returns {@code checked}'s result with how old it is now, and when the next check comes. */
  private Health aged(Checked checked) {
    long age = Math.max(0, nanoTime.getAsLong() - checked.atNanos());
    return Health.status(checked.health().getStatus())
        .withDetails(checked.health().getDetails())
        .withDetail(AGE, TimeUnit.NANOSECONDS.toMillis(age))
        .withDetail(NEXT_CHECK, TimeUnit.NANOSECONDS.toMillis(Math.max(0, cacheForNanos - age)))
        .build();
  }

  /** Sends one check; its result completes {@code check} and becomes the last result. */
  private void start(CompletableFuture<Checked> check) {
    CompletableFuture<PingResult> ping;
    try {
      ping = client.account().pingAsync();
    } catch (RuntimeException closed) { // a closed client
      ping = CompletableFuture.failedFuture(closed);
    }
    ping.handle(
        (result, error) -> {
          Health health = result != null ? describe(result) : failed(error);
          Checked checked = new Checked(health, nanoTime.getAsLong());
          synchronized (lock) {
            last = checked;
            running = null;
          }
          check.complete(checked);
          return null;
        });
  }

  private Health describe(PingResult ping) {
    Health.Builder health = ping.isOk() ? Health.up() : Health.down();
    health.withDetail("status", ping.status().name());
    health.withDetail("endpoint", endpoint);
    health.withDetail("latencyMs", ping.latency().toMillis());
    health.withDetail("checkedAt", Instant.now().toString());
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

  private Health failed(Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    return Health.down()
        .withDetail("status", PingResult.Status.ERROR.name())
        .withDetail("endpoint", endpoint)
        .withDetail("checkedAt", Instant.now().toString())
        .withDetail("error", cause.getClass().getSimpleName())
        .withDetail("message", String.valueOf(cause.getMessage()))
        .build();
  }
}
