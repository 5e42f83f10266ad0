package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The rate limit: each attempt, a future call's or a stream's, waits for a permit of its tenant's
 * limiter (a slot unless the call takes none, and its token charge) and gives it back when it ends,
 * with its outcome (a 429 pauses the limiter: the permit hears it from the transport, before the
 * failure is built, see {@link RateLimiter.Permit#refused}). An attempt whose permit arrives on
 * another thread than the one that asked is not sent on it: only a blocking caller's own thread may
 * wait for an exchange. In the chain of a client with a rate limit, whose every tenant has a
 * limiter.
 */
final class Limiting implements Interceptor {

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Thread asking = Thread.currentThread();
    return sending
        .call()
        .tenant()
        .limiter()
        .call(
            sending.model(),
            sending.charge(),
            sending.slot(),
            permit ->
                next.proceed(
                    (!sending.here() || Thread.currentThread() == asking
                            ? sending
                            : sending.attempt(sending.attempt(), false))
                        .heardBy(permit)));
  }
}
