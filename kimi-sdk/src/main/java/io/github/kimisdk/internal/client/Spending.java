package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * The spend: counts the usage of each chat reply or stream before its caller sees it, on the meter
 * of the call's tenant (the client's own, or a {@code withCredentials} client's).
 */
final class Spending implements Interceptor {

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

  private static SpendMeter meter(Sending sending) {
    return sending.call().tenant().meter();
  }
}
