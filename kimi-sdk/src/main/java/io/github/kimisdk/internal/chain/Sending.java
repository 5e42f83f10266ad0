package io.github.kimisdk.internal.chain;

import java.util.Map;

/**
 * What passes down the {@link Chain}, as every {@link Interceptor} sees it: the call, decided once
 * at the top ({@link CallSpec}), and below the retrier the attempt ({@link Attempt}). A layer
 * refines one or the other, never both at once.
 *
 * @param call what the call is
 * @param attempt the attempt, below the retrier; null above it
 */
public record Sending(CallSpec call, Attempt attempt) {

  /**
   * Starts a call down the chain.
   *
   * @param call the call
   * @return what the chain's first layer sees
   */
  public static Sending of(CallSpec call) {
    return new Sending(call, null);
  }

  /** Returns this call heard by {@code trace} (null: nobody listens), with {@code heard}. */
  Sending heard(Call heard, CallTrace trace) {
    return new Sending(call.heard(heard, trace), attempt);
  }

  /** Returns this call running its callbacks in {@code caller}'s context. */
  Sending carrying(CallerContext caller) {
    return new Sending(call.carrying(caller), attempt);
  }

  /** Returns the call's attempt {@code a}. */
  Sending at(Attempt a) {
    return new Sending(call, a);
  }

  /** The attempt's number, 0 above the retrier. */
  public int number() {
    return attempt == null ? 0 : attempt.number();
  }

  /**
   * Returns this call or attempt sending {@code fresh}'s request (prepared again after an
   * interceptor changed it: its model, path and legs), with {@code headers} added to every request
   * it sends from here on, on the calling thread's terms: {@code blocking}, and for an attempt
   * {@code here}, only when the thread that started it sends it.
   */
  Sending rewritten(CallSpec fresh, Map<String, String> headers, boolean sameThread) {
    Call settings = headers.isEmpty() ? call.settings() : call.settings().withHeaders(headers);
    CallSpec c =
        new CallSpec(
            call.operation(),
            fresh.path(),
            fresh.model(),
            fresh.request(),
            settings,
            call.trace(),
            call.blocking() && sameThread,
            call.interception(),
            fresh.legs(),
            call.context());
    if (attempt == null) {
      return new Sending(c, null);
    }
    Leg leg =
        fresh.legs() == null ? attempt.leg() : fresh.legs().leg(attempt.target(), fresh.request());
    return new Sending(
        c,
        attempt.sending(
            leg,
            headers.isEmpty() ? attempt.overrides() : attempt.overrides().withHeaders(headers),
            sameThread));
  }
}
