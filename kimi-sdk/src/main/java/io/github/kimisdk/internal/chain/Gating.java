package io.github.kimisdk.internal.chain;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.route.TargetParts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The host's concurrency, as its {@link ConcurrencyGate} has learned it: each attempt of a call
 * that takes a concurrency slot (every call but the platform's), a future call's or a stream's,
 * waits for a permit of the gate of the target it goes to and gives it back when it ends; the
 * permit hears a refusal for concurrency from the transport. Until a host first refuses, an attempt
 * only passes a counter. Below the retrier; an attempt whose permit arrives on another thread than
 * the one that asked is not sent on it, and a wait for a slot is bounded as the target's rate
 * limiter bounds its queue ({@code RateLimit.Builder.maxQueueWait}).
 */
public final class Gating implements Interceptor {

  private final TargetParts[] parts;
  private final Scheduler scheduler;

  public Gating(TargetParts[] parts, Scheduler scheduler) {
    this.parts = parts;
    this.scheduler = scheduler;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    if (!sending.call().slot()) {
      return next.proceed(sending); // platform calls take no slot of the host's
    }
    TargetParts target = parts[sending.attempt().target()];
    return target.gate.call(
        (permit, sameThread) ->
            next.proceed(
                sending.at(
                    (sameThread ? sending.attempt() : sending.attempt().elsewhere())
                        .heardBy(permit))),
        waiting -> bound(target, waiting),
        sending.attempt().permit());
  }

  /**
   * Bounds a wait for a slot as the target's rate limiter bounds its queue ({@code
   * RateLimit.Builder.maxQueueWait}): past it the attempt fails unsent, as a call that waited too
   * long for the limiter does.
   */
  private void bound(TargetParts target, CompletableFuture<ConcurrencyGate.Permit> waiting) {
    RateLimit limit = target.settings.rateLimit();
    if (limit == null || limit.maxQueueWait().isEmpty()) {
      return;
    }
    Duration d = limit.maxQueueWait().get();
    Runnable withdraw =
        scheduler.schedule(() -> waiting.completeExceptionally(target.errors.queueTimeout(d)), d);
    waiting.whenComplete((p, e) -> withdraw.run());
  }
}
