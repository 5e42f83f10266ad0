package io.github.kimisdk.internal.http;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * A subscriber for tests that records how its stream ended: {@link #error} holds the failure (null
 * when the stream completed) and {@link #done} is counted down either way. Subclasses ask for and
 * keep the items.
 *
 * @param <T> the items
 */
public abstract class LatchedSubscriber<T> implements Flow.Subscriber<T> {
  /** Counted down when the stream ends. */
  public final CountDownLatch done;

  /** The stream's failure, or null. */
  public volatile Throwable error;

  /**
   * A subscriber that counts {@code done} down when its stream ends.
   *
   * @param done the latch, which several subscribers may share
   */
  protected LatchedSubscriber(CountDownLatch done) {
    this.done = done;
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    done.countDown();
  }

  @Override
  public void onComplete() {
    done.countDown();
  }
}
