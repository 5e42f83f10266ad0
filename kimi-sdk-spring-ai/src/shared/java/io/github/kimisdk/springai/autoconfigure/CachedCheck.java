package io.github.kimisdk.springai.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A health check whose result answers every probe for {@code cacheFor}, with at most one check in
 * flight and no probe waiting longer than the timeout (and a little slack): what Kimi's check and
 * an agent store's check share. Each probe's report says how old the result is ({@code ageMs}) and
 * when the next check comes ({@code nextCheckInMs}).
 *
 * <p>Thread model: {@link #report()} runs on the threads of whoever probes, any number at once. The
 * last result and the check in flight are guarded by {@code lock}; probes that find the result
 * stale while a check runs wait for that one instead of starting their own. {@link #start} hands
 * its result over once, on any thread, which only records it.
 *
 * @param <T> what one check found
 */
abstract class CachedCheck<T> {

  /** The detail a probe adds to the result it answers with: how old it is. */
  static final String AGE = "ageMs";

  /** The detail a probe adds: how long until a probe checks again. */
  static final String NEXT_CHECK = "nextCheckInMs";

  /** One check's result and when it arrived. */
  private record Checked<T>(T found, long atNanos) {}

  private final long cacheForNanos;
  private final long slackNanos;
  final Duration timeout;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private Checked<T> last; // guarded by lock
  private CompletableFuture<Checked<T>> running; // guarded by lock

  CachedCheck(Duration cacheFor, Duration timeout, Duration slack, LongSupplier nanos) {
    this.cacheForNanos = cacheFor.toNanos();
    this.timeout = timeout;
    this.slackNanos = slack.toNanos();
    this.nanoTime = nanos;
  }

  /** Starts one check; {@code done} takes what it found, exactly once, on any thread. */
  abstract void start(Consumer<T> done);

  /** What a probe reports for what a check found (before its age is added). */
  abstract KimiHealthCheck.Report describe(T found);

  /** What a probe reports when the check did not answer within the timeout. */
  abstract KimiHealthCheck.Report timedOut();

  /** What a probe waits for, for the message of a probe interrupted while waiting. */
  abstract String checked();

  /** What this probe reports: the last check's result while it is fresh, else a new check's. */
  final KimiHealthCheck.Report report() {
    CompletableFuture<Checked<T>> check;
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
      CompletableFuture<Checked<T>> mineToComplete = check;
      start(
          found -> {
            Checked<T> checked = new Checked<>(found, nanoTime.getAsLong());
            synchronized (lock) {
              last = checked;
              running = null;
            }
            mineToComplete.complete(checked);
          });
    }
    try {
      return aged(check.get(timeout.toNanos() + slackNanos, TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      // the check goes on and records its result; this probe reports what it saw
      return timedOut();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return KimiHealthCheck.Report.unknown()
          .withDetail("message", "interrupted while waiting for " + checked())
          .build();
    } catch (ExecutionException e) {
      throw new AssertionError(e); // the check always completes normally
    }
  }

  private KimiHealthCheck.Report aged(Checked<T> checked) {
    long age = Math.max(0, nanoTime.getAsLong() - checked.atNanos());
    KimiHealthCheck.Report found = describe(checked.found());
    return KimiHealthCheck.Report.status(found.getStatus())
        .withDetails(found.getDetails())
        .withDetail(AGE, TimeUnit.NANOSECONDS.toMillis(age))
        .withDetail(NEXT_CHECK, TimeUnit.NANOSECONDS.toMillis(Math.max(0, cacheForNanos - age)))
        .build();
  }
}
