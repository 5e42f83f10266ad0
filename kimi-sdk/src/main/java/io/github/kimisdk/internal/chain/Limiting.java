package io.github.kimisdk.internal.chain;

import io.github.kimisdk.internal.limit.RateLimiter;
import java.util.concurrent.CompletableFuture;

/**
 * The rate limit: each attempt, a future call's or a stream's, waits for a permit of its account's
 * limiter (a slot unless the call takes none, and its request's charge at its target) and gives it
 * back when it ends, with its outcome (a 429 pauses the limiter: the permit hears it from the
 * transport, before the failure is built, see {@link RateLimiter.Permit#refused}). An attempt whose
 * permit arrives on another thread than the one that asked is not sent on it: only a blocking
 * caller's own thread may wait for an exchange. An account without a rate limit has no limiter, and
 * its attempts pass.
 */
public final class Limiting implements Interceptor {

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Attempt a = sending.attempt();
    RateLimiter limiter = a.tenant().limiter();
    if (limiter == null) {
      return next.proceed(sending);
    }
    Thread asking = Thread.currentThread();
    return limiter.call(
        sending.call().model(),
        a.leg() == null ? 0 : a.leg().charge,
        sending.call().slot(),
        permit ->
            next.proceed(
                sending.at(
                    (!a.here() || Thread.currentThread() == asking ? a : a.elsewhere())
                        .limitedBy(permit))));
  }
}
