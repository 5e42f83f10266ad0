package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.TargetStatus;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * What Kimi's health indicator reports, on either Spring line ({@code KimiHealthIndicator} is each
 * line's thin adapter to its {@code Health}): up when the API answers and accepts the key, down
 * otherwise, with what went wrong. A check is the client's health check of each of its targets,
 * {@code account().checkTargetsAsync()} ({@code GET /models} of each host, with its own key: no
 * tokens), sent at once and bounded by the timeout; its result answers every probe for {@code
 * cacheFor}, so that a load balancer probing every few seconds costs each host one check per {@code
 * cacheFor}, not one per probe. Each probe says when that check looked ({@code checkedAt}), how
 * long ago ({@code ageMs}) and when the next will ({@code nextCheckInMs}): a cached UP is a
 * statement about then, not now.
 *
 * <p>A client without fallback targets is told as one endpoint ({@code status}, {@code endpoint},
 * {@code host}, {@code latencyMs}, ...). A client with fallback targets is up while any target
 * takes calls, and tells each, in order, under {@code targets}: its host, endpoint, model (when it
 * names one), state ({@code AVAILABLE}, {@code COOLING} with {@code cooldownLeftMs}, {@code
 * PROBING}), whether it takes calls ({@code available}), its {@code condition} ({@code UP}, {@code
 * OVERLOADED}, {@code MISCONFIGURED} for a model its host no longer lists or a key refused, {@code
 * DOWN}: {@code TargetStatus.condition()}) and its {@code check}. The states are read at each probe
 * (the client knows them, nothing is sent); the checks are the cached ones.
 *
 * <p>Thread model: {@link #report()} runs on the threads of whoever probes (the web server's, a JMX
 * thread), any number at once. The last result and the check in flight are guarded by {@code lock};
 * at most one check is in flight, and probes that find the result stale while it runs wait for that
 * one instead of sending their own. The check completes on the client's threads, which only record
 * its result; no probe waits longer than the timeout (and a little slack for the client's own bound
 * to fire first).
 */
final class KimiHealthCheck {

  /**
   * What one probe reports: Spring Boot's status code ({@code UP}, {@code DOWN}, {@code UNKNOWN})
   * and the details, in order.
   */
  record Report(String status, Map<String, Object> details) {

    static Builder up() {
      return new Builder("UP");
    }

    static Builder down() {
      return new Builder("DOWN");
    }

    static Builder unknown() {
      return new Builder("UNKNOWN");
    }

    static Builder status(String status) {
      return new Builder(status);
    }

    String getStatus() {
      return status;
    }

    Map<String, Object> getDetails() {
      return details;
    }
  }

  /** Builds a {@link Report}, as Spring Boot's {@code Health.Builder} builds a health. */
  static final class Builder {
    private final String status;
    private final Map<String, Object> details = new LinkedHashMap<>();

    private Builder(String status) {
      this.status = status;
    }

    Builder withDetail(String key, Object value) {
      details.put(key, value);
      return this;
    }

    Builder withDetails(Map<String, ?> more) {
      details.putAll(more);
      return this;
    }

    Report build() {
      return new Report(status, Collections.unmodifiableMap(new LinkedHashMap<>(details)));
    }
  }

  /** What a probe waits beyond the timeout for the client's own bound to report first. */
  private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * One check's result and when it arrived: each target's status with its check, or, when the check
   * could not be made at all (a closed client), what to answer.
   */
  private record Checked(List<TargetStatus> targets, Report failed, String at, long atNanos) {}

  /** The details a probe adds to the result it answers with: how old it is. */
  static final String AGE = "ageMs";

  /** The details a probe adds: how long until a probe checks again. */
  static final String NEXT_CHECK = "nextCheckInMs";

  /** The detail listing a chain's targets, in order. */
  static final String TARGETS = "targets";

  private final KimiClient client;
  private final String endpoint;
  private final long cacheForNanos;
  private final Duration timeout;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private Checked last; // guarded by lock
  private CompletableFuture<Checked> running; // guarded by lock

  KimiHealthCheck(KimiClient client, KimiHealthProperties properties) {
    this(client, properties.getCacheFor(), properties.getTimeout(), System::nanoTime);
  }

  KimiHealthCheck(KimiClient client, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    this.client = client.withOptions(RequestOptions.builder().timeout(timeout).build());
    this.endpoint = client.endpoint().baseUrl();
    this.cacheForNanos = cacheFor.toNanos();
    this.timeout = timeout;
    this.nanoTime = nanos;
  }

  /** What this probe reports: the last check's result while it is fresh, else a new check's. */
  Report report() {
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
      return Report.down()
          .withDetail("status", PingResult.Status.UNREACHABLE.name())
          .withDetail("endpoint", endpoint)
          .withDetail("message", "Kimi did not answer within " + timeout)
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Report.unknown().withDetail("message", "interrupted while waiting for Kimi").build();
    } catch (ExecutionException e) {
      throw new AssertionError(e); // the check always completes normally
    }
  }

  /**
   * Returns {@code checked}'s result, with the targets' states as they are now, how old the check
   * is, and when the next check comes.
   */
  private Report aged(Checked checked) {
    long age = Math.max(0, nanoTime.getAsLong() - checked.atNanos());
    Report health =
        checked.failed() != null
            ? checked.failed()
            : checked.targets().size() == 1
                ? describe(checked.targets().get(0), checked.at())
                : describe(checked.targets(), checked.at());
    return Report.status(health.getStatus())
        .withDetails(health.getDetails())
        .withDetail(AGE, TimeUnit.NANOSECONDS.toMillis(age))
        .withDetail(NEXT_CHECK, TimeUnit.NANOSECONDS.toMillis(Math.max(0, cacheForNanos - age)))
        .build();
  }

  /** Sends one check; its result completes {@code check} and becomes the last result. */
  private void start(CompletableFuture<Checked> check) {
    CompletableFuture<List<TargetStatus>> targets;
    try {
      targets = client.account().checkTargetsAsync();
    } catch (RuntimeException closed) { // a closed client
      targets = CompletableFuture.failedFuture(closed);
    }
    targets.handle(
        (result, error) -> {
          String at = Instant.now().toString();
          Checked checked =
              result != null
                  ? new Checked(result, null, at, nanoTime.getAsLong())
                  : new Checked(null, failed(error, at), at, nanoTime.getAsLong());
          synchronized (lock) {
            last = checked;
            running = null;
          }
          check.complete(checked);
          return null;
        });
  }

  /** A client without fallback targets: its one endpoint, as its check found it. */
  private Report describe(TargetStatus only, String at) {
    PingResult ping = only.ping();
    Builder health = ping.isOk() ? Report.up() : Report.down();
    health.withDetail("status", ping.status().name());
    health.withDetail("endpoint", endpoint);
    health.withDetail("host", only.target().host().name());
    health.withDetail("condition", only.condition().name());
    health.withDetail("latencyMs", ping.latency().toMillis());
    health.withDetail("checkedAt", at);
    check(ping).forEach(health::withDetail);
    return health.build();
  }

  /**
   * A client with fallback targets: up while any takes calls; each target with its state now and
   * its check then.
   */
  private Report describe(List<TargetStatus> checked, String at) {
    List<TargetStatus> now = client.account().targets(); // sends nothing
    List<Map<String, Object>> targets = new ArrayList<>(checked.size());
    boolean any = false;
    for (int i = 0; i < checked.size(); i++) {
      TargetStatus then = checked.get(i);
      TargetStatus status =
          i < now.size()
              ? new TargetStatus(
                  then.target(),
                  now.get(i).state(),
                  now.get(i).cooldownLeft(),
                  now.get(i).spend(),
                  then.ping())
              : then;
      any |= status.isAvailable();
      targets.add(target(i, status));
    }
    return (any ? Report.up() : Report.down())
        .withDetail("checkedAt", at)
        .withDetail(TARGETS, targets)
        .build();
  }

  /** One target of a chain: where, what, how it stands and what its check found. */
  private static Map<String, Object> target(int index, TargetStatus status) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("target", index);
    t.put("host", status.target().host().name());
    t.put("endpoint", status.target().host().endpoint().baseUrl());
    status.target().model().ifPresent(m -> t.put("model", m));
    t.put("state", status.state().name());
    if (status.state() == TargetStatus.State.COOLING) {
      t.put("cooldownLeftMs", status.cooldownLeft().toMillis());
    }
    t.put("available", status.isAvailable());
    t.put("condition", status.condition().name());
    PingResult ping = status.ping();
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("status", ping.status().name());
    check.put("latencyMs", ping.latency().toMillis());
    check.putAll(check(ping));
    t.put("check", check);
    return t;
  }

  /** What a check found beyond its outcome: the HTTP status and, after a failure, what failed. */
  private static Map<String, Object> check(PingResult ping) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (ping.httpStatus() != 0) {
      details.put("httpStatus", ping.httpStatus());
    }
    if (ping.error() != null) {
      // the SDK's messages never hold the key; they say what to fix (a base URL without /v1)
      details.put("error", ping.error().getClass().getSimpleName());
      details.put("message", ping.error().getMessage());
      ping.error().requestId().ifPresent(id -> details.put("requestId", id));
    }
    return details;
  }

  private Report failed(Throwable error, String at) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    return Report.down()
        .withDetail("status", PingResult.Status.ERROR.name())
        .withDetail("endpoint", endpoint)
        .withDetail("checkedAt", at)
        .withDetail("error", cause.getClass().getSimpleName())
        .withDetail("message", String.valueOf(cause.getMessage()))
        .build();
  }
}
