package io.github.kimisdk.base.flow;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK against {@link Relay}: as a publisher in front of an upstream attached
 * after the subscriber got its subscription, and failed by its owner before any upstream.
 */
class RelayTckTest extends PublisherTck<Integer> {

  public RelayTckTest() {
    // expected signals polled every 10 ms: with two arguments the TCK polls once per timeout, so
    // each expected error cost the whole timeout
    super(new TestEnvironment(2000, 200, 10));
  }

  @Override
  public Flow.Publisher<Integer> createFlowPublisher(long elements) {
    return s -> {
      Relay<Integer> relay = new Relay<>(s, (error, cancelled) -> {});
      relay.start();
      new Range(elements).subscribe(relay);
    };
  }

  @Override
  public Flow.Publisher<Integer> createFailedFlowPublisher() {
    return s -> {
      Relay<Integer> relay = new Relay<>(s, (error, cancelled) -> {});
      relay.start();
      relay.fail(new IllegalStateException("the owner failed it"));
    };
  }

  @Override
  public long maxElementsFromPublisher() {
    return Long.MAX_VALUE - 1;
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a relay serves one subscriber");
  }
}
