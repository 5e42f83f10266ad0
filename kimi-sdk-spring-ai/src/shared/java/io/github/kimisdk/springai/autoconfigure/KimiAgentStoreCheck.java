package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.agents.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the health indicator of an agent's store reports, on either Spring line ({@code
 * KimiAgentStoreHealthIndicator} is each line's thin adapter): up when the store answers its check
 * ({@link RunStore#check()}: a read, PostgreSQL's or Redis's round trip), down with what failed
 * otherwise. As Kimi's check ({@link CachedCheck}), a check's result answers every probe for {@code
 * cacheFor}, at most one check is in flight, and no probe waits longer than the timeout: a store
 * that hangs is reported down, not waited for. Each probe says when the check looked ({@code
 * checkedAt}), how long ago ({@code ageMs}) and when the next will ({@code nextCheckInMs}).
 *
 * <p>Thread model: as {@link CachedCheck}'s; a check runs on a daemon thread of its own (one at a
 * time), since a store's check blocks.
 */
final class KimiAgentStoreCheck extends CachedCheck<KimiHealthCheck.Report> {

  /** What a probe waits beyond the timeout, for a check that is about to answer. */
  private static final Duration SLACK = Duration.ofMillis(100);

  private final RunStore store;

  KimiAgentStoreCheck(RunStore store, KimiHealthProperties properties) {
    this(store, properties.getCacheFor(), properties.getTimeout(), System::nanoTime);
  }

  KimiAgentStoreCheck(RunStore store, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    super(cacheFor, timeout, SLACK, nanos);
    this.store = store;
  }

  @Override
  KimiHealthCheck.Report describe(KimiHealthCheck.Report found) {
    return found;
  }

  @Override
  KimiHealthCheck.Report timedOut() {
    return KimiHealthCheck.Report.down()
        .withDetail("store", store.toString())
        .withDetail("message", "the store did not answer within " + timeout.toMillis() + " ms")
        .build();
  }

  @Override
  String checked() {
    return "the store";
  }

  /** Runs one check on a thread of its own. */
  @Override
  void start(Consumer<KimiHealthCheck.Report> done) {
    Thread t =
        new Thread(
            () -> {
              String at = Instant.now().toString();
              long start = System.nanoTime();
              KimiHealthCheck.Builder report;
              try {
                store.check();
                report = KimiHealthCheck.Report.up();
              } catch (RuntimeException e) {
                // the stores' messages name the store and what failed, never a password
                report =
                    KimiHealthCheck.Report.down()
                        .withDetail("error", e.getClass().getSimpleName())
                        .withDetail("message", String.valueOf(e.getMessage()));
              }
              done.accept(
                  report
                      .withDetail("store", store.toString())
                      .withDetail("checkedAt", at)
                      .withDetail(
                          "latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                      .build());
            },
            "kimi-agent-store-check");
    t.setDaemon(true);
    t.start();
  }
}
