package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The host's concurrency, as its {@link ConcurrencyGate} has learned it: each attempt of a chat
 * call (one that takes a concurrency slot), a future call's or a stream's, waits for a permit of
 * the gate of the target it goes to and gives it back when it ends; the permit hears a refusal for
 * concurrency from the transport and lowers the gate's limit. Until a host first refuses, an
 * attempt only passes a counter. In every chain, below the retrier; an attempt whose permit arrives
 * on another thread than the one that asked is not sent on it.
 */
final class Gating implements Interceptor {

  private final ConcurrencyGate gate;

  Gating(ConcurrencyGate gate) {
    this.gate = gate;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    if (!sending.slot()) {
      return next.proceed(sending); // platform calls take no slot of the host's
    }
    return gate.call(
        (permit, sameThread) ->
            next.proceed(
                (!sending.here() || sameThread
                        ? sending
                        : sending.attempt(sending.attempt(), false))
                    .heardBy(permit)));
  }
}
