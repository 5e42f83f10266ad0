package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.agents.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * What the health indicator of an agent's store reports, on either Spring line ({@code
 * KimiAgentStoreHealthIndicator} is each line's thin adapter): up when the store answers its check
 * ({@link RunStore#check()}: a read, PostgreSQL's or Redis's round trip), down with what failed
 * otherwise. As Kimi's check, a check's result answers every probe for {@code cacheFor}, at most
 * one check is in flight, and no probe waits longer than the timeout: a store that hangs is
 * reported down, not waited for. Each probe says when the check looked ({@code checkedAt}), how
 * long ago ({@code ageMs}) and when the next will ({@code nextCheckInMs}).
 *
 * <p>Thread model: {@link #report()} runs on the threads of whoever probes, any number at once; the
 * last result and the check in flight are guarded by {@code lock}. A check runs on a daemon thread
 * of its own (one at a time), since a store's check blocks; it only records its result.
 */
final class KimiAgentStoreCheck {

  /** What a probe waits beyond the timeout, for a check that is about to answer. */
  private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** One check's result and when it arrived. */
  private record Checked(KimiHealthCheck.Report report, long atNanos) {}

  private final RunStore store;
  private final long cacheForNanos;
  private final Duration timeout;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private Checked last; // guarded by lock
  private CompletableFuture<Checked> running; // guarded by lock

  KimiAgentStoreCheck(RunStore store, KimiHealthProperties properties) {
    this(store, properties.getCacheFor(), properties.getTimeout(), System::nanoTime);
  }

  KimiAgentStoreCheck(RunStore store, Duration cacheFor, Duration timeout, LongSupplier nanos) {
    this.store = store;
    this.cacheForNanos = cacheFor.toNanos();
    this.timeout = timeout;
    this.nanoTime = nanos;
  }

  /** What this probe reports: the last check's result while it is fresh, else a new check's. */
  KimiHealthCheck.Report report() {
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
      return KimiHealthCheck.Report.down()
          .withDetail("store", store.toString())
          .withDetail("message", "the store did not answer within " + timeout.toMillis() + " ms")
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return KimiHealthCheck.Report.unknown()
          .withDetail("message", "interrupted while waiting for the store")
          .build();
    } catch (ExecutionException e) {
      throw new AssertionError(e); // the check always completes normally
    }
  }

  private KimiHealthCheck.Report aged(Checked checked) {
    long age = Math.max(0, nanoTime.getAsLong() - checked.atNanos());
    return KimiHealthCheck.Report.status(checked.report().getStatus())
        .withDetails(checked.report().getDetails())
        .withDetail(KimiHealthCheck.AGE, TimeUnit.NANOSECONDS.toMillis(age))
        .withDetail(
            KimiHealthCheck.NEXT_CHECK,
            TimeUnit.NANOSECONDS.toMillis(Math.max(0, cacheForNanos - age)))
        .build();
  }

  /** Runs one check on a thread of its own; its result completes {@code check}. */
  private void start(CompletableFuture<Checked> check) {
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
              Checked checked =
                  new Checked(
                      report
                          .withDetail("store", store.toString())
                          .withDetail("checkedAt", at)
                          .withDetail(
                              "latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                          .build(),
                      nanoTime.getAsLong());
              synchronized (lock) {
                last = checked;
                running = null;
              }
              check.complete(checked);
            },
            "kimi-agent-store-check");
    t.setDaemon(true);
    t.start();
  }
}
