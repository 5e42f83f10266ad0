package io.github.kimisdk.sse;

import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.base.sse.GeneratingUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;

/** The Reactive Streams TCK against the publisher of {@link SseBodySubscribers#ofEvents()}. */
class SseBodySubscribersTckTest extends PublisherTck<ServerSentEvent> {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  public SseBodySubscribersTckTest() {
    super(loaded(200), 5000);
  }

  @AfterClass
  public void shutDown() {
    executor.shutdownNow();
  }

  @Override
  public Flow.Publisher<ServerSentEvent> createFlowPublisher(long elements) {
    HttpResponse.BodySubscriber<Flow.Publisher<ServerSentEvent>> body =
        SseBodySubscribers.ofEvents();
    new GeneratingUpstream(body, elements, executor).start();
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public Flow.Publisher<ServerSentEvent> createFailedFlowPublisher() {
    HttpResponse.BodySubscriber<Flow.Publisher<ServerSentEvent>> body =
        SseBodySubscribers.ofEvents();
    body.onSubscribe(new GeneratingUpstream(body, 0, Runnable::run));
    body.onError(new IOException("connection refused"));
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a response body is read once: one subscriber only, by design");
  }
}
