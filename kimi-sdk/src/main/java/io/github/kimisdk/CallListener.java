package io.github.kimisdk;

/**
 * Hears what a call does, moment by moment: the place to plug in logging, metrics or tracing (see
 * the README, "Call listener", for an OpenTelemetry GenAI mapping). Set it on the client ({@link
 * KimiClient.Builder#listener(CallListener)}) for every call, or on one call ({@link
 * RequestOptions.Builder#listener(CallListener)}); when both are set both hear the call, the
 * client's first.
 *
 * <p>For one call the moments come in this order: {@link #onRequest} for each attempt, {@link
 * #onHeaders} when that attempt's response headers arrive, {@link #onRetry} when a failed attempt
 * is to be sent again, {@link #onFirstChunk} once for a stream, and last exactly one of {@link
 * #onEnd} or {@link #onFailure}. Every method does nothing unless overridden.
 *
 * <p>A listener is called on whichever thread the moment happens on, possibly for many calls at
 * once: keep it cheap and thread-safe, and never block in it. The contract: {@link #onRequest} of
 * the first attempt runs on the thread that started the call (the caller of {@code chat}, {@code
 * chatAsync} or {@code request}, a stream's iterator, or the caller of {@code Flow.subscribe}),
 * unless the call first waits for the rate limiter, so a tracing library finds the caller's context
 * there. A blocking call sends on its caller's thread, which hears its end too; an async call's
 * later moments run on the client's HTTP threads, retries on its timer's. A listener that throws
 * does not break the call: the exception is caught, and logged once per listener class at {@code
 * WARNING} on {@code io.github.kimisdk.listener}. Events never hold the API key or message
 * contents.
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .fromEnv()
 *     .listener(new CallListener() {
 *       @Override
 *       public void onEnd(CallEvent.End e) {
 *         System.out.println(e.call().model() + " took " + e.duration().toMillis() + " ms");
 *       }
 *     })
 *     .build();
 * }</pre>
 */
public interface CallListener {

  /**
   * An attempt is about to be sent.
   *
   * @param event the attempt
   */
  default void onRequest(CallEvent.Request event) {}

  /**
   * An attempt's response headers arrived (any status, errors included).
   *
   * @param event the status, request id and time to the headers
   */
  default void onHeaders(CallEvent.Headers event) {}

  /**
   * The first chunk of a stream reached its consumer; streams only, once per call.
   *
   * @param event the time to the first chunk
   */
  default void onFirstChunk(CallEvent.FirstChunk event) {}

  /**
   * An attempt failed and the call sends another after a wait.
   *
   * @param event why, and how long the call waits
   */
  default void onRetry(CallEvent.Retry event) {}

  /**
   * The call succeeded: the reply came whole, or the stream ended normally.
   *
   * @param event the finish reason, usage, cost, attempts and total time
   */
  default void onEnd(CallEvent.End event) {}

  /**
   * The call failed (retries spent, not retryable, timed out, cancelled or closed).
   *
   * @param event the failure, attempts and total time
   */
  default void onFailure(CallEvent.Failure event) {}
}
