package io.github.kimisdk.internal.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A subscriber for tests that asks for everything, ignores the items and records how the stream
 * ended: whether it was subscribed to, and its failure ({@link #error} completes with it, or with
 * null when the stream completed).
 *
 * @param <T> the items
 */
public final class EndingSubscriber<T> implements Flow.Subscriber<T> {
  /** Whether the publisher called {@link #onSubscribe}. */
  public final AtomicBoolean subscribed = new AtomicBoolean();

  /** Counted down by {@link #onSubscribe}. */
  public final CountDownLatch subscribedLatch = new CountDownLatch(1);

  /** The stream's failure, or null once it completed. */
  public final CompletableFuture<Throwable> error = new CompletableFuture<>();

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscribed.set(true);
    subscribedLatch.countDown();
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(T item) {}

  @Override
  public void onError(Throwable t) {
    error.complete(t);
  }

  @Override
  public void onComplete() {
    error.complete(null);
  }
}
