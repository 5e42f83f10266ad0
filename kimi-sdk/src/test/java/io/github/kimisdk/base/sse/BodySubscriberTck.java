package io.github.kimisdk.base.sse;

import io.github.kimisdk.base.flow.PublisherTck;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK against the publisher an SSE body subscriber hands over, its body played
 * by a {@link GeneratingUpstream} on two threads (a failed one: refused before any byte); a suite
 * says only which body subscriber.
 *
 * @param <T> what the publisher emits
 */
public abstract class BodySubscriberTck<T> extends PublisherTck<T> {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  /** The TCK on a loaded machine's timeouts, waiting 200 ms to be sure that no signal comes. */
  protected BodySubscriberTck() {
    super(loaded(200), 5000);
  }

  /**
   * A new body subscriber, not yet subscribed.
   *
   * @return the body subscriber under test
   */
  protected abstract HttpResponse.BodySubscriber<Flow.Publisher<T>> body();

  /** Stops the threads that play the bodies. */
  @AfterClass
  public void shutDown() {
    executor.shutdownNow();
  }

  @Override
  public Flow.Publisher<T> createFlowPublisher(long elements) {
    HttpResponse.BodySubscriber<Flow.Publisher<T>> body = body();
    new GeneratingUpstream(body, elements, executor).start();
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public Flow.Publisher<T> createFailedFlowPublisher() {
    HttpResponse.BodySubscriber<Flow.Publisher<T>> body = body();
    body.onSubscribe(new GeneratingUpstream(body, 0, Runnable::run));
    body.onError(new IOException("connection refused"));
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a response body is read once: one subscriber only, by design");
  }
}
