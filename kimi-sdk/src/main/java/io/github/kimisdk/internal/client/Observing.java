package io.github.kimisdk.internal.client;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * The call's listeners (the client's, Flight Recorder's, the call's) and its attempt log: finds
 * them once per call, lets them hear the call's attempts and retries, and its end or failure.
 */
final class Observing implements Interceptor {

  private final ClientCore core;

  Observing(ClientCore core) {
    this.core = core;
  }

  private Sending heard(Sending s) {
    ClientCore.Traced t =
        core.traced(s.call(), s.operation(), s.model(), s.path(), s.estimate(), s.request());
    return s.heard(t.call(), t.trace());
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Sending s = heard(sending);
    CompletableFuture<T> f = next.proceed(s);
    return s.trace() == null ? f : s.trace().observe(f, core.calls());
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    Sending s = heard(sending);
    StoppablePublisher<T> p = next.proceed(s);
    return s.trace() == null ? p : s.trace().observe(p, core.calls());
  }
}
