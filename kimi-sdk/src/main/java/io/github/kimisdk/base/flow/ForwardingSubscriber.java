package io.github.kimisdk.base.flow;

import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * The one base of the SDK's stream decorators: passes every signal to {@code downstream} unchanged;
 * a decorator overrides the signals it hears (counting usage, telling listeners) and calls {@code
 * super} to pass them on. Signals arrive serially, as the Reactive Streams rules say, so a
 * subclass's own fields need no lock.
 *
 * @param <T> the item type
 */
public abstract class ForwardingSubscriber<T> implements Flow.Subscriber<T> {

  /** The subscriber every signal is passed to. */
  protected final Flow.Subscriber<? super T> downstream;

  /**
   * Creates a subscriber that passes every signal to {@code downstream}.
   *
   * @param downstream the subscriber decorated
   */
  protected ForwardingSubscriber(Flow.Subscriber<? super T> downstream) {
    this.downstream = Objects.requireNonNull(downstream, "downstream");
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    downstream.onSubscribe(subscription);
  }

  @Override
  public void onNext(T item) {
    downstream.onNext(item);
  }

  @Override
  public void onError(Throwable error) {
    downstream.onError(error);
  }

  @Override
  public void onComplete() {
    downstream.onComplete();
  }
}
