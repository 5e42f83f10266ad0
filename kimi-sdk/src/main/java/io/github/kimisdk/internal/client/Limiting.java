package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The client's rate limit: each attempt, a future call's or a stream's, waits for a permit (a slot
 * unless the call takes none, and its token charge) and gives it back when it ends, with its
 * outcome (a 429 pauses the limiter). An attempt whose permit arrives on another thread than the
 * one that asked is not sent on it: only a blocking caller's own thread may wait for an exchange.
 */
final class Limiting implements Interceptor {

  private final RateLimiter limiter;

  Limiting(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Thread asking = Thread.currentThread();
    return limiter.call(
        sending.model(),
        sending.charge(),
        sending.slot(),
        () ->
            next.proceed(
                !sending.here() || Thread.currentThread() == asking
                    ? sending
                    : sending.attempt(sending.attempt(), false)));
  }
}
