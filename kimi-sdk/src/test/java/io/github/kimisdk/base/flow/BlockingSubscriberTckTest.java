package io.github.kimisdk.base.flow;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/** The Reactive Streams TCK (subscriber, black box) against {@link BlockingSubscriber}. */
class BlockingSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

  public BlockingSubscriberTckTest() {
    // expected signals polled every 10 ms: with two arguments the TCK polls once per timeout, so
    // each expected error cost the whole timeout
    super(new TestEnvironment(5000, 200, 10));
  }

  @Override
  public Flow.Subscriber<Integer> createFlowSubscriber() {
    return new BlockingSubscriber<>(4);
  }

  @Override
  public Integer createElement(int element) {
    return element;
  }
}
