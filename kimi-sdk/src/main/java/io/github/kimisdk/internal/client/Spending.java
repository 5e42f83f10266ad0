package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/** The client's spend: counts the usage of each chat reply or stream before its caller sees it. */
final class Spending implements Interceptor {

  private final SpendMeter meter;

  Spending(SpendMeter meter) {
    this.meter = meter;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    CompletableFuture<T> f = next.proceed(sending);
    return sending.spends() ? meter.metered(sending.request(), f) : f;
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    StoppablePublisher<T> p = next.proceed(sending);
    return sending.spends() ? meter.metered(sending.request(), p) : p;
  }
}
