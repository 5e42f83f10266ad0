package io.github.kimisdk.ui;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK against {@link UiResponse#events()} of a stream read from a log, as an
 * agent run's is: the log is written on a thread of its own (as a run writes it, whatever its
 * readers ask), {@code elements - 1} parts and then its end, which a reader reads as {@code
 * [DONE]}: {@code elements} events in all. Every stream ends with {@code [DONE]}, so the fewest is
 * one: asked for none, this gives that one (the TCK's cases that ask for none only subscribe); the
 * optional case that needs an empty stream is skipped. A failed publisher is one whose one
 * subscriber was taken: the next is sent {@code onSubscribe}, then {@code onError}.
 */
class RunEventsTckTest extends UiEventsTck {

  private final ExecutorService writers = Executors.newCachedThreadPool();

  public RunEventsTckTest() {
    // expected signals polled every 10 ms: with two arguments the TCK polls once per timeout, so
    // each expected error cost the whole timeout
    super(new TestEnvironment(2000, 200, 10));
  }

  @AfterClass
  public void stopWriters() {
    writers.shutdownNow();
  }

  @Override
  public Flow.Publisher<String> createFlowPublisher(long elements) {
    PartLog log = new PartLog(Long.MAX_VALUE);
    Flow.Publisher<String> events = UiResponse.stream(log.reader(0)).events();
    writers.execute(
        () -> {
          for (long i = 1; i < elements; i++) {
            log.single("{\"type\":\"data-tck\",\"data\":" + i + "}");
          }
          log.end();
        });
    return events;
  }

  @Override
  public Flow.Publisher<String> createFailedFlowPublisher() {
    PartLog log = new PartLog(Long.MAX_VALUE);
    log.end();
    return taken(UiResponse.stream(log.reader(0)).events());
  }
}
