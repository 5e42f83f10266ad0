package io.github.kimisdk.internal.client;

import java.util.concurrent.CompletableFuture;

/** The client's close: every future call is tracked until it ends, so a close can end it. */
final class Tracking implements Interceptor {

  private final ClientCore core;

  Tracking(ClientCore core) {
    this.core = core;
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    return core.tracked(next.proceed(sending));
  }
}
