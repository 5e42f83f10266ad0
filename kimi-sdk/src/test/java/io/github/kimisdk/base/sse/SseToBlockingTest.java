package io.github.kimisdk.base.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.base.flow.BlockingSubscriber;
import io.github.kimisdk.sse.SseLimits;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SseSubscriber} feeding a {@link BlockingSubscriber} whose consumer waits on another
 * thread: the events of each buffer arrive in order, within the prefetch, and a failure after a
 * batch comes after that batch's events.
 */
@Timeout(60)
class SseToBlockingTest {

  private final SseSubscriber<String> body =
      new SseSubscriber<>(new SseSubscriberTest.StringHandler(), SseLimits.defaults());
  private final FakeUpstream upstream = new FakeUpstream(body);
  private final BlockingSubscriber<String> blocking = new BlockingSubscriber<>(8);
  private final List<String> taken = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Throwable> thrown = new AtomicReference<>();

  private Thread consumer() throws InterruptedException {
    body.getBody().toCompletableFuture().join().subscribe(blocking);
    Thread t =
        new Thread(
            () -> {
              try {
                while (blocking.hasNext()) {
                  taken.add(blocking.next());
                }
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.setDaemon(true);
    t.start();
    awaitParked();
    return t;
  }

  private void awaitParked() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!blocking.consumerWaiting()) {
      assertThat(System.nanoTime()).as("consumer parks").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  private static String events(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("data: e").append(i).append("\n\n");
    }
    return b.toString();
  }

  private static List<String> expected(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("message:e" + i + ":");
    }
    return out;
  }

  private void awaitTaken(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (taken.size() < n) {
      assertThat(System.nanoTime()).as("items arrive").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  @Test
  void buffersLargerThanThePrefetchArriveInOrderThenTheStreamCompletes() throws Exception {
    Thread t = consumer();
    // 20 events in one buffer, more than the prefetch of 8: the rest wait in the SSE subscriber
    // until the consumer asks for more.
    upstream.deliver(events(0, 20));
    awaitTaken(20);
    upstream.deliver(events(20, 23), "data: [DONE]\n\n");
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get()).isNull();
    assertThat(taken).containsExactlyElementsOf(expected(0, 23));
    assertThat(upstream.cancels).isEqualTo(1); // [DONE] closes the connection
  }

  @Test
  void aFailureInTheNextBufferComesAfterTheEventsOfTheFirst() throws Exception {
    Thread t = consumer();
    upstream.deliver(events(0, 5));
    awaitTaken(5);
    awaitParked();
    upstream.deliver(events(5, 7) + "data: boom\n\n");
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(taken).containsExactlyElementsOf(expected(0, 7));
    assertThat(thrown.get()).isInstanceOf(UncheckedIOException.class);
    assertThat(upstream.cancels).isEqualTo(1);
  }

  @Test
  void aBrokenConnectionAfterABatchFailsAfterItsEvents() throws Exception {
    Thread t = consumer();
    upstream.deliver(events(0, 4));
    awaitTaken(4);
    upstream.fail(new java.io.IOException("connection reset"));
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(taken).containsExactlyElementsOf(expected(0, 4));
    assertThat(thrown.get()).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void closingMidStreamCancelsTheConnection() throws Exception {
    Thread t = consumer();
    upstream.deliver(events(0, 20));
    awaitTaken(1);
    blocking.close();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(upstream.cancels).isEqualTo(1);
    assertThat(taken.size()).isBetween(1, 20);
    assertThat(taken).containsExactlyElementsOf(expected(0, taken.size()));
  }
}
