package io.github.kimisdk.base.body;

import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.flow.IdleWatch;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A body subscriber that takes a whole body and can be {@linkplain #abort aborted} at any moment
 * (the body idle watch, a refused header, a limit): what {@link BoundedBodySubscriber}, which keeps
 * the body in memory, and {@link FileBodySubscriber}, which writes it to a file, share, and what
 * the idle watch ({@link #watch}) reads of them. A subclass asks for the body in {@link #started}
 * and lets go of what it holds in {@link #release}, which runs at most once per failure and may
 * race with its own {@code onNext}: it guards its state with {@code this}.
 *
 * @param <T> the body's value
 */
public abstract sealed class WatchedBody<T> implements HttpResponse.BodySubscriber<T>
    permits BoundedBodySubscriber, FileBodySubscriber {

  /** The body's value or failure; completed once. */
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

  /**
   * Tells whether the body completed, failed or was aborted.
   *
   * @return true once it ended
   */
  public final boolean isDone() {
    return result.isDone();
  }

  /**
   * Fails the body with {@code error} and cancels the exchange (closing the connection); nothing
   * once the body ended. Any thread.
   *
   * @param error what the body fails with
   */
  public final void abort(Throwable error) {
    release();
    if (result.completeExceptionally(error)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  /**
   * Watches the body from now until it ends: when no bytes arrive for {@code idle} (the body
   * started counts as bytes), it is {@linkplain #abort aborted} with what {@code failure} gives.
   * The watch is withdrawn when the body ends, before anything that reads the body hears of it, so
   * a failed exchange's buffer is not kept until the next check and no check stays queued. Call
   * once, before {@link #getBody}.
   *
   * @param delayer runs the checks, on real time
   * @param idle the longest time without bytes
   * @param failure makes the failure, on the timer's thread
   */
  public final void watch(Delayer delayer, Duration idle, Supplier<? extends Throwable> failure) {
    IdleWatch watch =
        IdleWatch.start(
            delayer,
            idle,
            now -> isDone() ? 0 : now - lastActivityNanos,
            () -> abort(failure.get()));
    body = result.whenComplete((b, e) -> watch.stop());
  }

  @Override
  public final CompletionStage<T> getBody() {
    return body;
  }
}
