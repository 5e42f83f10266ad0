package io.github.kimisdk.ui;

import io.github.kimisdk.base.flow.PublisherTck;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK as {@link UiResponse#events()}' suites run it, whatever the stream's
 * source: every stream ends with {@code [DONE]}, so none is empty, and is sent to one subscriber.
 */
abstract class UiEventsTck extends PublisherTck<String> {

  UiEventsTck(TestEnvironment env) {
    super(env);
  }

  /**
   * {@code events} with its one subscriber taken (one that cancels at once): a failed publisher.
   */
  static Flow.Publisher<String> taken(Flow.Publisher<String> events) {
    events.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.cancel();
          }

          @Override
          public void onNext(String item) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    return events;
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  @Override
  public void optional_spec105_emptyStreamMustTerminateBySignallingOnComplete() {
    throw new SkipException("no stream is empty: each ends with [DONE]");
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a response's body is sent once, to one subscriber, by design");
  }
}
