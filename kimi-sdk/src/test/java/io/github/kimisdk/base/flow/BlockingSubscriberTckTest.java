package io.github.kimisdk.base.flow;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/** The Reactive Streams TCK (subscriber, black box) against {@link BlockingSubscriber}. */
class BlockingSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

  public BlockingSubscriberTckTest() {
    super(new TestEnvironment(5000, 200));
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
