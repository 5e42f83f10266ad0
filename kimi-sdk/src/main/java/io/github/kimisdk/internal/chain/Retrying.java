package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.route.Outcome;
import io.github.kimisdk.internal.route.Route;
import io.github.kimisdk.internal.route.TargetParts;
import java.util.concurrent.CompletableFuture;

/**
 * Retries, and the client's close of a call in flight: turns a call into its attempts, each sent
 * through the rest of the chain as its {@link Retrier} says. A future call's attempts are futures
 * ({@link FutureCall}); a stream's are run by its {@link StreamingCall}, each passing the rest of
 * the chain as a future of its end. Each attempt is made here, the same way whichever target it
 * goes to ({@link #attempt}): the target's request from the call's legs, the target's account, the
 * call's overrides; the layers below read its target's parts from it.
 */
public final class Retrying implements Interceptor {

  /** Makes one attempt of a call. */
  @FunctionalInterface
  interface Attempts {
    /**
     * Returns attempt {@code n} of {@code call}.
     *
     * @param call the call
     * @param n the attempt number, from 1
     * @param here whether it is sent on the blocking caller's thread
     * @param target its target, as the retrier chose it
     * @param request the request it sends in place of the call's (a cut stream's continuation), in
     *     Kimi's form; null for the call's own
     * @param permit the room it holds in its target's gate, or null
     * @return the attempt
     * @throws RuntimeException if the target's model refuses the call's request
     */
    Sending attempt(
        Sending call,
        int n,
        boolean here,
        int target,
        ChatRequest request,
        ConcurrencyGate.Permit permit);
  }

  private final TargetParts[] parts;
  private final InFlight inFlight;
  private final Attempts attempts = this::attempt;

  public Retrying(TargetParts[] parts, InFlight inFlight) {
    this.parts = parts;
    this.inFlight = inFlight;
  }

  /**
   * Makes attempt {@code n} of {@code s} for {@code target}: a chat's request in that target's form
   * ({@link Leg.Legs}), sent for the call's tenant on its own target and for the target's account
   * on another; a call other than a chat goes to the target its settings name. A continuing attempt
   * of a cut stream sends {@code request} instead of the call's, and the layers below see it as the
   * call's request.
   */
  private Sending attempt(
      Sending s,
      int n,
      boolean here,
      int target,
      ChatRequest request,
      ConcurrencyGate.Permit permit) {
    CallSpec c = s.call();
    if (request != null && c.legs() != null) {
      c = c.sending(request);
      s = new Sending(c, s.attempt());
    }
    int own = c.settings().target();
    int t = c.legs() == null ? own : target;
    Leg leg = c.legs() == null ? null : c.legs().leg(t, c.request());
    Tenant tenant = t == own ? c.settings().tenant() : parts[t].tenant;
    return s.at(new Attempt(n, here, t, leg, c.settings().overrides(), tenant, null, permit, null));
  }

  /** The course of a call that may fall back, which its retrier keeps; null for another. */
  private static RetryState course(Sending s, boolean stream) {
    CallSpec c = s.call();
    return c.legs() == null
        ? null
        : c.settings().retrier().routedState(c.model(), c.request(), stream);
  }

  /**
   * Returns attempt {@code a} heard by its call's route: a response that began (a 2xx status) is
   * what proves a probed target up, told as its headers come rather than when the call ends, so
   * that the other calls stop finding the target's probe out as soon as its host answers.
   */
  private static Sending provedBy(Sending a, RetryState course) {
    if (course == null || course.route == null) {
      return a;
    }
    Route route = course.route;
    return a.at(
        a.attempt()
            .heardBy(
                new AttemptObserver() {
                  @Override
                  public void headers(int attempt, ResponseMetadata metadata, long atNanos) {
                    if (metadata.statusCode() / 100 == 2) {
                      route.record(Outcome.ANSWERED);
                    }
                  }
                }));
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    RetryState course = course(sending, false);
    FutureCall<T> call =
        sending
            .call()
            .settings()
            .retrier()
            .prepare(
                (n, here, target, permit) -> {
                  Sending a;
                  try {
                    a = attempt(sending, n, here, target, null, permit);
                  } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e); // the target refuses the request
                  }
                  return next.proceed(provedBy(a, course));
                },
                sending.call().blocking(),
                course);
    // The client's close ends the call here, where its attempts and their failures are known; the
    // layers above see it end as any failure.
    inFlight.closing(call.result(), call::stop);
    next.startWhenWrapped(call::start);
    return call.result();
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    RetryState course = course(sending, true);
    Attempts proved =
        course == null
            ? attempts
            : (call, n, here, target, request, permit) ->
                provedBy(attempt(call, n, here, target, request, permit), course);
    return next.retried(sending, proved, course, parts);
  }
}
