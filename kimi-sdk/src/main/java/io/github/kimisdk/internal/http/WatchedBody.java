package io.github.kimisdk.internal.http;

import io.github.kimisdk.errors.KimiException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body subscriber that takes a whole body and can be {@linkplain #abort aborted} at any moment
 * (the body idle watch, a refused header, a limit): what {@link BoundedBodySubscriber}, which keeps
 * the body in memory, and {@link FileBodySubscriber}, which writes it to a file, share, and what
 * the transport's idle watch reads of them. A subclass asks for the body in {@link #started} and
 * lets go of what it holds in {@link #release}, which runs at most once per failure and may race
 * with its own {@code onNext}: it guards its state with {@code this}.
 *
 * @param <T> the body's value
 */
abstract class WatchedBody<T> implements HttpResponse.BodySubscriber<T> {

  final CompletableFuture<T> result = new CompletableFuture<>();
  private volatile CompletionStage<T> body = result;
  volatile Flow.Subscription subscription;
  private volatile long lastActivityNanos = System.nanoTime();

  @Override
  public final void onSubscribe(Flow.Subscription s) {
    subscription = s;
    touch();
    if (result.isDone()) {
      s.cancel(); // aborted before the body started
      return;
    }
    started(s);
  }

  /** Asks for the body, once subscribed and not aborted. */
  abstract void started(Flow.Subscription s);

  /** Lets go of what the body holds: its buffer, its file. */
  abstract void release();

  /** Notes that bytes arrived. */
  final void touch() {
    lastActivityNanos = System.nanoTime();
  }

  /** Returns when bytes last arrived (or the body started), as {@link System#nanoTime()}. */
  final long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Tells whether the body completed, failed or was aborted. */
  final boolean isDone() {
    return result.isDone();
  }

  /** Fails the body with {@code error} and cancels the exchange (closing the connection). */
  final void abort(KimiException error) {
    release();
    if (result.completeExceptionally(error)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  /**
   * Runs {@code done} when the body ends, before anything that reads the body hears of it: the
   * body's idle watch is withdrawn before the call it belongs to ends. Call before {@link
   * #getBody}.
   */
  final void whenDone(Runnable done) {
    body = result.whenComplete((b, e) -> done.run());
  }

  @Override
  public final CompletionStage<T> getBody() {
    return body;
  }
}
