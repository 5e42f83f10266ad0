package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The host's concurrency, as its {@link ConcurrencyGate} has learned it: each attempt of a chat
 * call (one that takes a concurrency slot), a future call's or a stream's, waits for a permit of
 * the gate of the target it goes to and gives it back when it ends; the permit hears a refusal for
 * concurrency from the transport and lowers the gate's limit. Until a host first refuses, an
 * attempt only passes a counter. In every chain, below the retrier; an attempt whose permit arrives
 * on another thread than the one that asked is not sent on it, and a wait for a slot is bounded as
 * the rate limiter's queue is ({@code RateLimit.Builder.maxQueueWait}).
 */
final class Gating implements Interceptor {

  private final ConcurrencyGate gate;
  private final ClientCore core;

  Gating(ConcurrencyGate gate, ClientCore core) {
    this.gate = gate;
    this.core = core;
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
                    .heardBy(permit)),
        this::bound);
  }

  /**
   * Bounds a wait for a slot as the rate limiter bounds its queue ({@code
   * RateLimit.Builder.maxQueueWait}): past it the attempt fails unsent, as a call that waited too
   * long for the limiter does.
   */
  private void bound(CompletableFuture<ConcurrencyGate.Permit> waiting) {
    var limit = core.config().rateLimit();
    if (limit == null || limit.maxQueueWait().isEmpty()) {
      return;
    }
    java.time.Duration d = limit.maxQueueWait().get();
    Runnable withdraw =
        core.scheduler()
            .schedule(() -> waiting.completeExceptionally(core.errors().queueTimeout(d)), d);
    waiting.whenComplete((p, e) -> withdraw.run());
  }
}
