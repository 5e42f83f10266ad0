package io.github.kimisdk.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batched hand-over: items delivered inside a {@link WakeBatch} wake a parked consumer once, at the
 * batch's flush; terminal signals and {@code close()} wake it at once.
 */
@Timeout(60)
class BlockingSubscriberBatchTest {

  private final BlockingSubscriber<String> it = new BlockingSubscriber<>(8);
  private final BlockingSubscriberTest.Recorded subscription =
      new BlockingSubscriberTest.Recorded();

  /** A consumer thread that records what it took and what it threw. */
  private static final class Consumer extends Thread {
    private final BlockingSubscriber<String> source;
    final List<String> taken = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private final int limit;

    Consumer(BlockingSubscriber<String> source, int limit) {
      this.source = source;
      this.limit = limit;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (taken.size() < limit && source.hasNext()) {
          taken.add(source.next());
        }
      } catch (Throwable t) {
        thrown.set(t);
      }
    }
  }

  /** Starts a consumer and returns once it is parked on the empty queue. */
  private Consumer parkedConsumer(int limit) throws InterruptedException {
    Consumer c = new Consumer(it, limit);
    c.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(it.consumerWaiting() && c.getState() == Thread.State.WAITING)) {
      assertThat(System.nanoTime()).as("consumer parks").isLessThan(deadline);
      Thread.sleep(1);
    }
    return c;
  }

  @Test
  void itemsOfABatchWaitForTheFlushThenArriveTogetherInOrder() throws Exception {
    it.onSubscribe(subscription);
    Consumer c = parkedConsumer(3);
    WakeBatch batch = WakeBatch.open();
    try {
      it.onNext("a");
      it.onNext("b");
      it.onNext("c");
      // Not woken before the flush: still parked, nothing taken.
      Thread.sleep(50);
      assertThat(c.getState()).isEqualTo(Thread.State.WAITING);
      assertThat(c.taken).isEmpty();
      batch.flush();
    } finally {
      batch.close();
    }
    c.join(10_000);
    assertThat(c.isAlive()).isFalse();
    assertThat(c.thrown.get()).isNull();
    assertThat(c.taken).containsExactly("a", "b", "c");
  }

  @Test
  void closingTheOutermostBatchFlushes() throws Exception {
    it.onSubscribe(subscription);
    Consumer c = parkedConsumer(2);
    WakeBatch outer = WakeBatch.open();
    WakeBatch inner = WakeBatch.open();
    it.onNext("a");
    inner.close(); // nested: flushes what it holds, the outer batch stays open
    it.onNext("b");
    outer.close();
    c.join(10_000);
    assertThat(c.taken).containsExactly("a", "b");
    // The batch has ended: delivery outside a batch wakes at once.
    assertThat(WakeBatch.defer(it)).isFalse();
  }

  @Test
  void aFailureAfterABatchWakesAtOnceAndComesAfterItsItems() throws Exception {
    it.onSubscribe(subscription);
    Consumer c = parkedConsumer(10);
    IllegalStateException boom = new IllegalStateException("boom");
    WakeBatch batch = WakeBatch.open();
    try {
      it.onNext("a");
      it.onNext("b");
      it.onError(boom); // no flush: the failure itself must wake the consumer
      c.join(10_000);
    } finally {
      batch.close();
    }
    assertThat(c.isAlive()).isFalse();
    assertThat(c.taken).containsExactly("a", "b");
    assertThat(c.thrown.get()).isSameAs(boom);
  }

  @Test
  void completionInsideABatchWakesAtOnce() throws Exception {
    it.onSubscribe(subscription);
    Consumer c = parkedConsumer(10);
    WakeBatch batch = WakeBatch.open();
    try {
      it.onNext("a");
      it.onComplete();
      c.join(10_000);
    } finally {
      batch.close();
    }
    assertThat(c.isAlive()).isFalse();
    assertThat(c.thrown.get()).isNull();
    assertThat(c.taken).containsExactly("a");
  }

  @Test
  void closeMidBatchCancelsOnceAndDropsTheRest() throws Exception {
    it.onSubscribe(subscription);
    WakeBatch batch = WakeBatch.open();
    try {
      it.onNext("a");
      it.onNext("b");
      batch.flush();
      assertThat(it.next()).isEqualTo("a");
      it.close();
      it.onNext("c"); // in flight when the consumer closed
      batch.flush();
    } finally {
      batch.close();
    }
    assertThat(subscription.cancels).isEqualTo(1);
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void closeFromAnotherThreadWakesAConsumerWaitingOnAnOpenBatch() throws Exception {
    it.onSubscribe(subscription);
    Consumer c = parkedConsumer(10);
    WakeBatch batch = WakeBatch.open();
    try {
      it.onNext("a"); // deferred; never flushed before close
      it.close();
      c.join(10_000);
    } finally {
      batch.close();
    }
    assertThat(c.isAlive()).isFalse();
    // The consumer may have taken "a" in hasNext() just before close(); next() then finds the
    // iteration closed, as it always did.
    if (c.thrown.get() != null) {
      assertThat(c.thrown.get()).isInstanceOf(java.util.NoSuchElementException.class);
    }
    assertThat(subscription.cancels).isEqualTo(1);
  }

  /**
   * A producer thread honouring demand delivers 5,000 items in batches of random size (fixed seed),
   * each batch ending where the size or the demand runs out: the consumer sees every item in order,
   * and the items requested but not yet taken never exceed the prefetch.
   */
  @Test
  void randomBatchesArriveInOrderWithinThePrefetchBound() throws Exception {
    int total = 5_000;
    int prefetch = 8;
    BlockingSubscriber<Integer> ints = new BlockingSubscriber<>(prefetch);
    AtomicLong requested = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    AtomicLong takenCount = new AtomicLong();
    ints.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            // Later requests come from inside hasNext(), which has just taken one more item
            // than takenCount shows yet.
            long taken = requested.get() == 0 ? 0 : takenCount.get() + 1;
            long ahead = requested.addAndGet(n) - taken;
            maxAhead.accumulateAndGet(ahead, Math::max);
          }

          @Override
          public void cancel() {}
        });
    Thread producer =
        new Thread(
            () -> {
              Random random = new Random(11);
              int sent = 0;
              while (sent < total) {
                int size = 1 + random.nextInt(prefetch);
                WakeBatch batch = WakeBatch.open();
                try {
                  // Like SseSubscriber, a batch ends where demand runs out: waiting for demand
                  // with a flush still pending would leave the consumer parked.
                  for (int i = 0; i < size && sent < total && sent < requested.get(); i++) {
                    ints.onNext(sent++);
                  }
                  batch.flush();
                } finally {
                  batch.close();
                }
                while (sent < total && sent >= requested.get()) {
                  Thread.yield(); // no demand until the consumer takes more
                }
              }
              ints.onComplete();
            });
    producer.setDaemon(true);
    producer.start();
    List<Integer> seen = new ArrayList<>();
    while (ints.hasNext()) {
      takenCount.incrementAndGet();
      seen.add(ints.next());
    }
    producer.join(10_000);
    assertThat(seen).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
    assertThat(maxAhead.get()).isLessThanOrEqualTo(prefetch);
  }

  @Test
  void interruptOnEntryCancelsEvenWithItemsQueued() {
    it.onSubscribe(subscription);
    it.onNext("a");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(java.util.concurrent.CancellationException.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(subscription.cancels).isEqualTo(1);
    } finally {
      Thread.interrupted();
    }
  }
}
