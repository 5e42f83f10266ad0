package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
final class KimiHealthCheck extends CachedCheck<KimiHealthCheck.Found> {

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
  private static final Duration SLACK = Duration.ofMillis(500);

  /**
   * What one check found: each target's status with its check, or, when the check could not be made
   * at all (a closed client), what to answer; and when it looked.
   */
  record Found(List<TargetStatus> targets, Report failed, String at) {}

  /** The detail listing a chain's targets, in order. */
  static final String TARGETS = "targets";

  private final KimiClient client;
  private final String endpoint;

  KimiHealthCheck(KimiClient client, KimiHealthProperties properties) {
    this(client, properties.getCacheFor(), properties.getTimeout(), System::nanoTime);
  }

  KimiHealthCheck(KimiClient client, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    super(cacheFor, timeout, SLACK, nanos);
    this.client = client.withOptions(RequestOptions.builder().timeout(timeout).build());
    this.endpoint = client.endpoint().baseUrl();
  }

  @Override
  Report timedOut() {
    return Report.down()
        .withDetail("status", PingResult.Status.UNREACHABLE.name())
        .withDetail("endpoint", endpoint)
        .withDetail("message", "Kimi did not answer within " + timeout)
        .build();
  }

  @Override
  String checked() {
    return "Kimi";
  }

  /** What the check found, with the targets' states as they are now. */
  @Override
  Report describe(Found found) {
    return found.failed() != null
        ? found.failed()
        : found.targets().size() == 1
            ? describe(found.targets().get(0), found.at())
            : describe(found.targets(), found.at());
  }

  /** Sends one check; the client's threads hand its result over. */
  @Override
  void start(Consumer<Found> done) {
    CompletableFuture<List<TargetStatus>> targets;
    try {
      targets = client.account().checkTargetsAsync();
    } catch (RuntimeException closed) { // a closed client
      targets = CompletableFuture.failedFuture(closed);
    }
    targets.handle(
        (result, error) -> {
          String at = Instant.now().toString();
          done.accept(
              result != null
                  ? new Found(result, null, at)
                  : new Found(null, failed(error, at), at));
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
