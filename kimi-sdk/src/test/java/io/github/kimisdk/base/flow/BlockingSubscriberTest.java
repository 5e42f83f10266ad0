package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BlockingSubscriberTest {

  /** A source that makes its items only when its consumer pulls, on the consumer's thread. */
  static final class PullOnly implements Flow.Subscription, Pull {
    final List<Thread> pulledOn = new ArrayList<>();
    Flow.Subscriber<String> subscriber;
    long demand;
    int next;

    @Override
    public void request(long n) {
      demand += n;
    }

    @Override
    public void cancel() {}

    @Override
    public void pull(Thread waiter) {
      pulledOn.add(waiter);
      if (next == 2) {
        subscriber.onComplete();
      } else if (demand > 0) {
        demand--;
        subscriber.onNext("item " + next++);
      }
    }
  }

  @Test
  @Timeout(60) // a consumer that did not pull would park for good: fail instead of hanging
  void aConsumerWithNothingQueuedPullsBeforeItParks() {
    PullOnly source = new PullOnly();
    BlockingSubscriber<String> b = new BlockingSubscriber<>(1, null);
    source.subscriber = b;
    b.onSubscribe(source);

    List<String> seen = new ArrayList<>();
    b.forEachRemaining(seen::add); // would park for good if it did not pull: nothing else signals

    assertThat(seen).containsExactly("item 0", "item 1");
    assertThat(source.pulledOn).containsOnly(Thread.currentThread()).hasSize(3);
  }

  /**
   * A thread that waits in {@code hasNext()} and keeps what it threw and whether it was still
   * interrupted then.
   */
  static final class Waiter extends Thread {
    final AtomicReference<Throwable> thrown = new AtomicReference<>();
    final AtomicReference<Boolean> flag = new AtomicReference<>();

    private final BlockingSubscriber<?> s;

    Waiter(BlockingSubscriber<?> s) {
      this.s = s;
    }

    @Override
    public void run() {
      try {
        s.hasNext();
      } catch (Throwable t) {
        thrown.set(t);
        flag.set(isInterrupted());
      }
    }
  }

  private final BlockingSubscriber<String> it = new BlockingSubscriber<>(4);
  private final RecordedSubscription subscription = new RecordedSubscription();

  @Test
  void requestsPrefetchThenHalfAgainAsItemsAreTaken() {
    it.onSubscribe(subscription);
    assertThat(subscription.requests).containsExactly(4L);
    for (int i = 0; i < 4; i++) {
      it.onNext("i" + i);
    }
    assertThat(it.next()).isEqualTo("i0");
    assertThat(subscription.requests).containsExactly(4L);
    assertThat(it.next()).isEqualTo("i1");
    assertThat(subscription.requests).containsExactly(4L, 2L);
  }

  @Test
  void iteratesItemsThenEnds() {
    it.onSubscribe(subscription);
    it.onNext("a");
    it.onNext("b");
    it.onComplete();
    List<String> seen = new ArrayList<>();
    it.forEachRemaining(seen::add);
    assertThat(seen).containsExactly("a", "b");
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void failureComesAfterTheItemsBeforeItAndRepeats() {
    it.onSubscribe(subscription);
    it.onNext("a");
    IllegalStateException boom = new IllegalStateException("boom");
    it.onError(boom);
    assertThat(it.next()).isEqualTo("a");
    assertThatThrownBy(it::hasNext).isSameAs(boom);
    assertThatThrownBy(it::next).isSameAs(boom);
  }

  @Test
  void ioFailureIsWrappedUnchecked() {
    it.onSubscribe(subscription);
    IOException reset = new IOException("connection reset");
    it.onError(reset);
    assertThatThrownBy(it::hasNext).isInstanceOf(UncheckedIOException.class).hasCause(reset);
  }

  @Test
  void otherCheckedFailureIsWrapped() {
    it.onSubscribe(subscription);
    Exception checked = new Exception("checked");
    it.onError(checked);
    assertThatThrownBy(it::hasNext).isExactlyInstanceOf(RuntimeException.class).hasCause(checked);
  }

  @Test
  void errorIsRethrownAsIs() {
    it.onSubscribe(subscription);
    AssertionError error = new AssertionError("bad");
    it.onError(error);
    assertThatThrownBy(it::hasNext).isSameAs(error);
  }

  @Test
  void closeCancelsOnceAndEndsIteration() {
    it.onSubscribe(subscription);
    it.onNext("a");
    assertThat(it.hasNext()).isTrue();
    it.close();
    it.close();
    assertThat(subscription.cancels).isEqualTo(1);
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void closeBeforeSubscriptionCancelsItOnArrival() {
    it.close();
    it.onSubscribe(subscription);
    assertThat(subscription.cancels).isEqualTo(1);
    assertThat(subscription.requests).isEmpty();
  }

  @Test
  void secondSubscriptionIsCancelled() {
    it.onSubscribe(subscription);
    RecordedSubscription second = new RecordedSubscription();
    it.onSubscribe(second);
    assertThat(second.cancels).isEqualTo(1);
    assertThat(subscription.cancels).isZero();
  }

  @Test
  void closeFromAnotherThreadWakesABlockedConsumer() throws Exception {
    it.onSubscribe(subscription);
    AtomicReference<Boolean> result = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread consumer =
        new Thread(
            () -> {
              result.set(it.hasNext());
              done.countDown();
            });
    consumer.start();
    it.close();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(result.get()).isFalse();
  }

  @Test
  void interruptWhileWaitingCancelsAndKeepsTheFlag() throws Exception {
    it.onSubscribe(subscription);
    Waiter consumer = new Waiter(it);
    consumer.start();
    consumer.interrupt();
    consumer.join(10_000);
    assertThat(consumer.thrown.get())
        .isInstanceOf(CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(consumer.flag.get()).isTrue();
    assertThat(subscription.cancels).isEqualTo(1);
  }

  @Test
  void anInterruptHandlerChoosesWhatTheInterruptedConsumerThrowsAndTheFlagStaysSet()
      throws Exception {
    List<InterruptedException> seen = new ArrayList<>();
    IllegalStateException stopped = new IllegalStateException("stopped by the interrupt");
    BlockingSubscriber<String> handled =
        new BlockingSubscriber<>(
            4,
            e -> {
              seen.add(e);
              return stopped;
            });
    handled.onSubscribe(subscription);
    Waiter consumer = new Waiter(handled);
    consumer.start();
    while (!handled.consumerWaiting()) {
      Thread.onSpinWait();
    }
    consumer.interrupt();
    consumer.join(10_000);
    assertThat(consumer.thrown.get()).isSameAs(stopped);
    assertThat(consumer.flag.get()).isTrue();
    assertThat(seen).hasSize(1);
    assertThat(subscription.cancels).as("the handler stops the stream its own way").isZero();
    assertThatThrownBy(handled::hasNext).isSameAs(stopped);
  }

  @Test
  void aFailureAfterClosingOvertakesTheQueuedItems() {
    it.onSubscribe(subscription);
    it.onNext("a");
    it.onNext("b");
    it.closing();
    IllegalStateException closed = new IllegalStateException("closed");
    it.onError(closed);
    assertThatThrownBy(it::hasNext).isSameAs(closed);
  }

  @Test
  void withoutClosingAFailureWaitsBehindTheItems() {
    it.onSubscribe(subscription);
    it.onNext("a");
    it.onError(new IllegalStateException("cut"));
    assertThat(it.next()).isEqualTo("a");
    assertThatThrownBy(it::hasNext).hasMessage("cut");
  }

  @Test
  void worksAcrossThreadsWithARealPublisher() {
    List<Integer> seen = new ArrayList<>();
    SubmissionPublisher<Integer> publisher = new SubmissionPublisher<>();
    BlockingSubscriber<Integer> ints = new BlockingSubscriber<>(3);
    publisher.subscribe(ints);
    Thread producer =
        new Thread(
            () -> {
              for (int i = 0; i < 1000; i++) {
                publisher.submit(i);
              }
              publisher.close();
            });
    producer.start();
    ints.forEachRemaining(seen::add);
    assertThat(seen).hasSize(1000);
    assertThat(seen.get(999)).isEqualTo(999);
  }

  @Test
  void prefetchMustBePositive() {
    assertThatThrownBy(() -> new BlockingSubscriber<String>(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefetch must be at least 1: 0");
  }

  @Test
  void nullSignalsRejected() {
    assertThatThrownBy(() -> it.onSubscribe(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> it.onNext(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> it.onError(null)).isInstanceOf(NullPointerException.class);
  }
}
