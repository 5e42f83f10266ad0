package io.github.kimisdk.internal.chain;

import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.internal.limit.RateLimiter;
import java.util.concurrent.CompletableFuture;

/**
 * The last look of each attempt before the transport sends it: with its account's rate limiter, the
 * attempt waits out a pause that began after its permit was granted (its key supplier slow, a busy
 * machine's scheduler between the take and the send), by this client or, through a shared store, by
 * another process of the account ({@link RateLimiter.Permit#lastLook}); after a pause of this
 * client, it goes as the one probe or waits for the probe's outcome, as a permit granted then
 * would. The permit's take decides whether the attempt may go; this decides only that it does not
 * go into a pause written since, nor beside the probe that follows it. An attempt of an account
 * without a rate limit passes. Cancelling the answer while it waits sends nothing.
 */
public final class LastLook implements Interceptor {

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    RateLimiter limiter = sending.attempt().tenant().limiter();
    if (limiter == null) {
      return next.proceed(sending);
    }
    RateLimiter.Permit permit = sending.attempt().rate();
    CompletableFuture<Void> ready = permit == null ? limiter.lastLook() : permit.lastLook();
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      return next.proceed(sending); // no pause: sent on this thread, as before
    }
    CompletableFuture<T> out = Futures.cancelling(new CompletableFuture<>(), ready);
    ready.whenComplete(
        (v, error) -> {
          if (out.isDone()) {
            return; // cancelled while it waited: nothing is sent
          }
          if (error != null) {
            out.completeExceptionally(Futures.unwrap(error));
            return;
          }
          CompletableFuture<T> f;
          try {
            f = next.proceed(sending.at(sending.attempt().elsewhere()));
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
            return;
          }
          Futures.cancelling(out, f);
          f.whenComplete(
              (r, e) -> {
                if (e != null) {
                  out.completeExceptionally(Futures.unwrap(e));
                } else {
                  out.complete(r);
                }
              });
        });
    return out;
  }
}
