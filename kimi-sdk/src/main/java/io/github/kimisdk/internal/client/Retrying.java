package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * Retries: turns a future call into its attempts, each sent through the rest of the chain as its
 * {@link Retrier} says. A stream's attempts are retried by the {@link StreamingCall} at the end of
 * the chain, under the same retrier, so the stream hook passes the call on.
 */
final class Retrying implements Interceptor {

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Retrier.FutureCall<T> call =
        sending
            .call()
            .retrier()
            .prepare((n, here) -> next.proceed(sending.attempt(n, here)), sending.blocking());
    next.startWhenWrapped(call::start);
    return call.result();
  }
}
