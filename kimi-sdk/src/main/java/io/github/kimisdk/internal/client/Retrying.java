package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * Retries, and the client's close of a call in flight: turns a call into its attempts, each sent
 * through the rest of the chain as its {@link Retrier} says. A future call's attempts are futures
 * ({@link Retrier.FutureCall}); a stream's are run by its {@link StreamingCall}, each passing the
 * rest of the chain as a future of its end.
 */
final class Retrying implements Interceptor {

  private final ClientCore core;

  Retrying(ClientCore core) {
    this.core = core;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Retrier.FutureCall<T> call =
        sending
            .call()
            .retrier()
            .prepare(
                (n, here, target) -> next.proceed(sending.attempt(n, here, target)),
                sending.blocking(),
                sending.route());
    // The client's close ends the call here, where its attempts and their failures are known; the
    // interceptors above see it end as any failure.
    core.closing(call.result(), call::stop);
    next.startWhenWrapped(call::start);
    return call.result();
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    return next.retried(sending);
  }
}
