package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The client's rate limit: each attempt of a future call waits for a permit (a slot unless the call
 * takes none, and its token charge) and gives it back when it ends. A stream's attempts take theirs
 * in the {@link StreamingCall} at the end of the chain, from the same limiter.
 */
final class Limiting implements Interceptor {

  private final RateLimiter limiter;

  Limiting(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    return limiter.call(
        sending.model(), sending.charge(), sending.slot(), () -> next.proceed(sending));
  }
}
