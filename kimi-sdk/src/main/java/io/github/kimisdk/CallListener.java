package io.github.kimisdk;

/**
 * Hears what a call does, moment by moment: the place to plug in logging, metrics or tracing (see
 * {@code docs/observability.md} for an OpenTelemetry GenAI mapping). Set it on the client ({@link
 * KimiClient.Builder#listener(CallListener)}) for every call, or on one call ({@link
 * RequestOptions.Builder#listener(CallListener)}); when both are set both hear the call, the
 * client's first.
 *
 * <p>For one call the moments come in this order: {@link #onRequest} for each attempt, {@link
 * #onHeaders} when that attempt's response headers arrive, {@link #onRetry} when a failed attempt
 * is to be sent again, {@link #onFallback} when a client with fallback targets moves the call to
 * another target instead, {@link #onRerouted} when routing sends an attempt elsewhere with no
 * failure (a conversation moved, a stream hedged or continued), {@link #onFirstChunk} once for a
 * stream, and last exactly one of {@link #onEnd} or {@link #onFailure}. Every method does nothing
 * unless overridden.
 *
 * <p><b>Threads.</b> A listener is called on the thread the moment happens on, possibly for many
 * calls at once: keep it cheap and thread-safe, and never block in it. Attempt 1's {@link
 * #onRequest} runs on the caller's thread: the one calling {@code chat} or {@code chatAsync}, or
 * the one that starts consuming a stream (iterating it, or requesting its first item); only a
 * client rate limiter that makes the call wait moves it to the limiter's timer. That is the moment
 * to read the caller's context (a tracing span's parent, a logging context). Every later moment may
 * run on any thread: the client's HTTP threads or timer ({@link #onHeaders}, {@link #onRetry} and
 * the attempts after it), the thread that delivers a stream's chunks ({@link #onFirstChunk}), and
 * whichever thread completes the call ({@link #onEnd}, {@link #onFailure}; a blocking call sends on
 * its caller's thread, which hears its end too), so carry what they need from the first {@code
 * onRequest} (keyed by {@link CallEvent.Call#id()}) rather than from thread-local state; or add a
 * {@link ContextPropagator} to the client, which makes the caller's thread-local context (an MDC, a
 * tracing context) current around every moment heard on another thread. The end or failure is heard
 * before the caller has the result: a call that returned (or a stream that ended) was already
 * heard.
 *
 * <p>A listener that throws does not break the call: the exception is caught, and logged once per
 * listener class at {@code WARNING} on {@code io.github.kimisdk.listener}, the line naming the
 * listener's class and saying what it threw (its class and message, escaped and cut). Events never
 * hold the API key; {@link CallEvent.Call#request()} holds a chat's request, messages included, but
 * no event's {@code toString} prints them.
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
   * Hears a call of a client with fallback targets move to another target after an attempt failed:
   * the next attempt goes there at once.
   *
   * @param event the event
   */
  default void onFallback(CallEvent.Fallback event) {}

  /**
   * Hears a call of a client whose targets share load go elsewhere with no attempt failing: its
   * conversation moved to another member, a slow stream was hedged, or a cut stream continued
   * ({@link CallEvent.Reroute}).
   *
   * @param event the event
   */
  default void onRerouted(CallEvent.Rerouted event) {}

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
