package io.github.kimisdk.base.sse;

import io.github.kimisdk.base.flow.PublisherTck;
import io.github.kimisdk.sse.SseLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;

/** The Reactive Streams TCK against the publisher of {@link SseSubscriber}. */
class SseSubscriberTckTest extends PublisherTck<String> {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  public SseSubscriberTckTest() {
    super(loaded(200), 5000);
  }

  @AfterClass
  public void shutDown() {
    executor.shutdownNow();
  }

  /** Emits each event's data as a string. */
  static final class DataHandler implements SseEventHandler<String> {
    @Override
    public void onEvent(
        String type, byte[] data, int off, int len, String lastEventId, Emitter<String> out) {
      out.emit(new String(data, off, len, StandardCharsets.UTF_8));
    }
  }

  @Override
  public Flow.Publisher<String> createFlowPublisher(long elements) {
    SseSubscriber<String> body = new SseSubscriber<>(new DataHandler(), SseLimits.defaults());
    new GeneratingUpstream(body, elements, executor).start();
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public Flow.Publisher<String> createFailedFlowPublisher() {
    SseSubscriber<String> body = new SseSubscriber<>(new DataHandler(), SseLimits.defaults());
    body.onSubscribe(new GeneratingUpstream(body, 0, Runnable::run));
    body.onError(new IOException("connection refused"));
    return body.getBody().toCompletableFuture().join();
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a response body is read once: one subscriber only, by design");
  }
}
