package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The fallback chain's switch, just below the retrier of a client with fallback targets: an attempt
 * to the client's own target passes on; one to another target continues through that target's part
 * of the chain (its gate, its rate limiter, its key: {@link ClientCore#forTarget}) as that target's
 * account sends it, to the same call's send step, which sends the body made for that target with
 * that target's transport.
 */
final class Routing implements Interceptor {

  private final Targets targets;

  Routing(Targets targets) {
    this.targets = targets;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    int t = sending.target();
    if (t == 0) {
      return next.proceed(sending);
    }
    ClientCore core = targets.route(t).core();
    RetryState st = sending.route();
    if (st == null || st.legs == null) {
      return next.proceed(sending); // not a chat call: never routed elsewhere
    }
    Sending.Encoded leg;
    long charge;
    try {
      leg = st.legs.encoded(t, sending.request());
      charge = st.legs.charge(t, sending.request());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // this target refuses what an interceptor changed
    }
    return next.on(core.chain()).proceed(sending.routed(core.tenant(), charge, leg));
  }
}
