package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * The spend: counts the usage of each chat reply or stream before its caller sees it, on the meter
 * of the call's tenant (the client's own, or a {@code withCredentials} client's), or, on a client
 * with fallback targets, on the meter of the target that served it.
 */
final class Spending implements Interceptor {

  private final ClientCore core;

  Spending(ClientCore core) {
    this.core = core;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    CompletableFuture<T> f = next.proceed(sending);
    return sending.spends() ? meter(sending).metered(sending.request(), f) : f;
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    StoppablePublisher<T> p = next.proceed(sending);
    return sending.spends() ? meter(sending).metered(sending.request(), p) : p;
  }

  /**
   * The meter a call counts on: its tenant's, or, for a call that may fall back, a view that counts
   * on the meter of the target that served it (each priced at its host's prices).
   */
  private SpendMeter meter(Sending sending) {
    SpendMeter own = sending.call().tenant().meter();
    RetryState route = sending.route();
    Targets targets = core.targets();
    if (route == null || targets == null) {
      return own;
    }
    return own.routed(() -> targets.route(Math.max(route.routed, 0)).core().meter());
  }
}
