package io.github.kimisdk.internal.chain;

import io.github.kimisdk.Timeouts;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.internal.http.ErrorFactory;

/**
 * What every call of one client runs on, handed to the machinery once: the clock and delayer of
 * retries and deadlines ({@code scheduler}, virtual in tests), the real-time delayer of idle and
 * total-time checks ({@code watchdog}: they compare with {@link System#nanoTime()} stamps taken as
 * bytes arrive), the failure mapping, the timeouts and the log of retries.
 *
 * @param scheduler the clock and delayer of retries, waits and whole-call deadlines
 * @param watchdog the real-time delayer of stream idle and total-time checks
 * @param calls maps failures to {@code KimiException}s and chains futures
 * @param timeouts the client's timeouts
 * @param log where retries are logged
 */
public record CallContext(
    Scheduler scheduler, Delayer watchdog, Calls calls, Timeouts timeouts, System.Logger log) {

  /**
   * Returns the exception factory.
   *
   * @return the factory
   */
  public ErrorFactory errors() {
    return calls.errors();
  }
}
