package io.github.kimisdk.base.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** Records what a publisher signals; requests only when told to. */
class RecordingSubscriber<T> implements Flow.Subscriber<T> {
  final List<T> items = new ArrayList<>();
  Flow.Subscription subscription;
  Throwable error;
  int completions;
  int errors;
  long initialRequest;

  RecordingSubscriber() {
    this(0);
  }

  RecordingSubscriber(long initialRequest) {
    this.initialRequest = initialRequest;
  }

  /**
   * A recorder subscribed to the event stream of {@code body}, requesting {@code initialRequest}.
   */
  static <T> RecordingSubscriber<T> subscribedTo(SseSubscriber<T> body, long initialRequest) {
    RecordingSubscriber<T> s = new RecordingSubscriber<>(initialRequest);
    body.getBody().toCompletableFuture().join().subscribe(s);
    return s;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (initialRequest > 0) {
      s.request(initialRequest);
    }
  }

  @Override
  public synchronized void onNext(T item) {
    items.add(item);
  }

  @Override
  public synchronized void onError(Throwable e) {
    errors++;
    error = e;
  }

  @Override
  public synchronized void onComplete() {
    completions++;
  }

  void request(long n) {
    subscription.request(n);
  }
}
