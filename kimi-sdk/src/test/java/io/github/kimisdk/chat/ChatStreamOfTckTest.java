package io.github.kimisdk.chat;

import io.github.kimisdk.base.flow.PublisherTck;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.SkipException;

/**
 * The Reactive Streams TCK against {@link ChatStream#of} wrapping a publisher of the user's: the
 * relay in front of it keeps the rules the wrapped publisher leaves to it ({@code request(n <= 0)},
 * cancellation, a subscriber that throws).
 */
class ChatStreamOfTckTest extends PublisherTck<ChatCompletionChunk> {

  public ChatStreamOfTckTest() {
    // expected signals polled every 10 ms: with two arguments the TCK polls once per timeout, so
    // each expected error cost the whole timeout
    super(new TestEnvironment(2000, 200, 10));
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFlowPublisher(long elements) {
    ChatCompletionChunk chunk = ChatStreamTest.chunk("x");
    return ChatStream.of(
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  private final AtomicLong demand = new AtomicLong();
                  private volatile boolean cancelled;
                  private long sent;

                  @Override
                  public void request(long n) {
                    // a serial drain: whichever thread raises demand from zero emits
                    if (demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b)
                        != 0) {
                      return;
                    }
                    long missed = n;
                    while (true) {
                      long emitted = 0;
                      while (emitted < missed && sent < elements && !cancelled) {
                        sent++;
                        emitted++;
                        s.onNext(chunk);
                      }
                      if (sent == elements && !cancelled) {
                        cancelled = true;
                        s.onComplete();
                        return;
                      }
                      missed = demand.addAndGet(-emitted);
                      if (missed == 0 || cancelled) {
                        return;
                      }
                    }
                  }

                  @Override
                  public void cancel() {
                    cancelled = true;
                  }
                }));
  }

  @Override
  public Flow.Publisher<ChatCompletionChunk> createFailedFlowPublisher() {
    return ChatStream.of(
        s -> {
          s.onSubscribe(
              new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
              });
          s.onError(new IllegalStateException("the source failed"));
        });
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  @Override
  public void optional_spec111_maySupportMultiSubscribe() {
    throw new SkipException("a ChatStream is consumed once, by design");
  }
}
