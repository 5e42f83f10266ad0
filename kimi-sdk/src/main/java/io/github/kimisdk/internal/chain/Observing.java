package io.github.kimisdk.internal.chain;

import io.github.kimisdk.base.flow.StoppablePublisher;
import java.util.concurrent.CompletableFuture;

/**
 * The call's listeners (the client's, Flight Recorder's, the call's) and its attempt log: finds
 * them once per call ({@link Listening}), lets them hear the call's attempts and retries, and its
 * end or failure.
 */
public final class Observing implements Interceptor {

  private final Listening listening;
  private final Calls calls;

  public Observing(Listening listening, Calls calls) {
    this.listening = listening;
    this.calls = calls;
  }

  private Sending heard(Sending s) {
    CallSpec c = s.call();
    CallTrace trace =
        listening.traced(
            c.settings().options().listeners(),
            c.operation(),
            c.model(),
            c.path(),
            c.legs() == null ? null : c.legs().leg(0, c.request()).estimate,
            c.request(),
            c.interception() == null ? Interception.nextId() : c.interception().id(),
            c.context());
    return trace == null ? s : s.heard(c.settings().observed(trace), trace);
  }

  @Override
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Sending s = heard(sending);
    CompletableFuture<T> f = next.proceed(s);
    CallTrace t = s.call().trace();
    return t == null ? f : t.observe(f, calls);
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    Sending s = heard(sending);
    StoppablePublisher<T> p = next.proceed(s);
    CallTrace t = s.call().trace();
    return t == null ? p : t.observe(p, calls);
  }
}
