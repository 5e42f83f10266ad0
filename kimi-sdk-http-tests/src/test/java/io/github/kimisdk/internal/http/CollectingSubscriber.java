package io.github.kimisdk.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A subscriber for tests that asks for everything and collects a stream's items: {@link #end}
 * completes with them, or fails with the stream's failure.
 *
 * @param <T> the items
 */
public final class CollectingSubscriber<T> implements Flow.Subscriber<T> {
  final List<T> items = new ArrayList<>();

  /** The items once the stream completed, or its failure. */
  public final CompletableFuture<List<T>> end = new CompletableFuture<>();

  volatile boolean subscribed;

  /** Fails {@link #end} with a failure that came before any subscription. */
  void failBefore(Throwable t) {
    end.completeExceptionally(t);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscribed = true;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(T item) {
    items.add(item);
  }

  @Override
  public void onError(Throwable t) {
    end.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    end.complete(items);
  }
}
