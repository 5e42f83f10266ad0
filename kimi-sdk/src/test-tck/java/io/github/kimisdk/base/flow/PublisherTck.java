package io.github.kimisdk.base.flow;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK for a publisher of ours, every rule as the TCK checks it but one: rule
 * 3.13 (a cancelled publisher eventually drops its subscriber). The TCK checks it with one {@code
 * System.gc()} after a fixed sleep and then waits 100 ms for the reference to be cleared; on a
 * loaded machine the collector or the reference handler can take longer, so it failed there (once
 * beside two busy loops and a second build) with no leak. Here the same subscriber is cancelled the
 * same way, and the collector is asked again until the reference is cleared, for at most 30 s: a
 * publisher that keeps its subscriber still fails, after the bound.
 *
 * @param <T> what the publisher emits
 */
public abstract class PublisherTck<T> extends FlowPublisherVerification<T> {
  private final TestEnvironment env;

  /**
   * The timeouts of a publisher that a loaded machine's scheduler or an HTTP exchange can slow: 5 s
   * for a signal (a cancelled publisher backed by an exchange lets its subscriber go once the JDK's
   * client has cancelled the exchange, on its own thread, and 2 s were reached at a load of 15), and
   * expected signals polled every 10 ms (with two arguments the TCK polls once per timeout, so each
   * expected error would cost the whole timeout).
   *
   * @param noSignalsMillis how long the TCK waits to be sure that no signal comes
   * @return the environment
   */
  protected static TestEnvironment loaded(long noSignalsMillis) {
    return new TestEnvironment(5000, noSignalsMillis, 10);
  }

  /**
   * The TCK on {@code env}.
   *
   * @param env the TCK's timeouts
   */
  protected PublisherTck(TestEnvironment env) {
    super(env);
    this.env = env;
  }

  /**
   * The TCK on {@code env}; {@code gcTimeoutMillis} is the TCK's wait before its own check of rule
   * 3.13, which this class replaces.
   *
   * @param env the TCK's timeouts
   * @param gcTimeoutMillis unused by rule 3.13 here
   */
  protected PublisherTck(TestEnvironment env, long gcTimeoutMillis) {
    super(env, gcTimeoutMillis);
    this.env = env;
  }

  @Override
  @Test
  public void
      required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber()
          throws Throwable {
    long elements = dropCheckElements();
    if (elements > maxElementsFromPublisher()) {
      throw new SkipException(
          "the publisher cannot emit the " + elements + " elements this rule's check needs");
    }
    Publisher<T> pub = createPublisher(elements);
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> subscriber = subscribeTakeOneAndCancel(pub, queue);
    long end = System.nanoTime() + dropBound().toNanos();
    Reference<?> cleared = null;
    while (cleared == null && System.nanoTime() - end < 0) {
      System.gc();
      cleared = queue.remove(100);
    }
    if (cleared != subscriber) {
      env.flop(
          String.format(
              "Publisher %s did not drop reference to test subscriber within %s of its"
                  + " cancellation",
              pub, dropBound()));
    }
    env.verifyNoAsyncErrorsNoDelay();
  }

  /**
   * The size of the publisher rule 3.13's check takes one element of and cancels: 3, as the TCK's;
   * a publisher with no stream of 3 elements names a size it has.
   *
   * @return the number of elements
   */
  protected long dropCheckElements() {
    return 3;
  }

  /**
   * How long a cancelled publisher may keep its subscriber: 30 s.
   *
   * @return the bound
   */
  protected Duration dropBound() {
    return Duration.ofSeconds(30);
  }

  /** The TCK's steps: a subscriber that requests one element, takes it and cancels. */
  private WeakReference<Object> subscribeTakeOneAndCancel(
      Publisher<T> pub, ReferenceQueue<Object> queue) throws InterruptedException {
    TestEnvironment.ManualSubscriber<T> sub = env.newManualSubscriber(pub);
    WeakReference<Object> ref = new WeakReference<>(sub, queue);
    sub.request(1);
    sub.nextElement();
    sub.cancel();
    return ref;
  }
}
