package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** The rules of {@link Relay}, one small case each, and its serialisation under races. */
class RelayTest {

  /** Records the signals a subscriber got, and fails on overlapping or late ones. */
  static final class Recorder implements Flow.Subscriber<Integer> {
    final List<String> signals = new ArrayList<>();
    final List<Integer> items = new ArrayList<>();
    final AtomicBoolean busy = new AtomicBoolean();
    volatile Flow.Subscription subscription;
    volatile Throwable error;
    volatile boolean overlapped;
    volatile boolean afterEnd;
    private volatile boolean ended;
    long initialRequest;

    Recorder(long initialRequest) {
      this.initialRequest = initialRequest;
    }

    private void enter() {
      if (!busy.compareAndSet(false, true)) {
        overlapped = true;
      }
      if (ended) {
        afterEnd = true;
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      enter();
      subscription = s;
      synchronized (this) {
        signals.add("subscribe");
      }
      if (initialRequest != 0) {
        s.request(initialRequest);
      }
      busy.set(false);
    }

    @Override
    public void onNext(Integer item) {
      enter();
      synchronized (this) {
        items.add(item);
      }
      busy.set(false);
    }

    @Override
    public void onError(Throwable t) {
      enter();
      error = t;
      synchronized (this) {
        signals.add("error:" + t.getMessage());
      }
      ended = true;
      busy.set(false);
    }

    @Override
    public void onComplete() {
      enter();
      synchronized (this) {
        signals.add("complete");
      }
      ended = true;
      busy.set(false);
    }
  }

  /** An owner that records the end and retries as told. */
  static final class Owner implements Relay.Owner {
    final List<String> ends = new ArrayList<>();
    boolean retry;
    Boolean deliveredAtFailure;

    @Override
    public Throwable upstreamFailed(Throwable error, boolean delivered) {
      deliveredAtFailure = delivered;
      return retry ? null : error;
    }

    @Override
    public synchronized void ended(Throwable error, boolean cancelled) {
      ends.add(cancelled ? "cancelled" : error == null ? "completed" : "failed");
    }
  }

  private final Owner owner = new Owner();

  private Relay<Integer> started(Recorder r) {
    Relay<Integer> relay = new Relay<>(r, owner);
    relay.start();
    return relay;
  }

  @Test
  void demandBeforeAnUpstreamIsPassedOnWhenItAttaches() {
    Recorder r = new Recorder(3);
    Relay<Integer> relay = started(r);
    r.subscription.request(4);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    assertThat(up.requests).containsExactly(7L);
  }

  @Test
  void demandAfterAttachGoesStraightThrough() {
    Recorder r = new Recorder(0);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    r.subscription.request(2);
    r.subscription.request(5);
    assertThat(up.requests).containsExactly(2L, 5L);
  }

  @Test
  void demandAfterTheFirstItemGoesStraightThroughAndNotAfterCancel() {
    Recorder r = new Recorder(1);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    relay.onNext(1);
    r.subscription.request(3);
    r.subscription.cancel();
    r.subscription.request(4);
    assertThat(up.requests).containsExactly(1L, 3L);
    assertThat(r.items).containsExactly(1);
  }

  @Test
  void aContinuingUpstreamIsAskedForTheDemandTheLastOneLeftUnmet() {
    Recorder r = new Recorder(2);
    Relay<Integer> relay = new Relay<>(r, owner);
    relay.continuable();
    relay.start();
    owner.retry = true;
    RecordedSubscription first = new RecordedSubscription();
    relay.onSubscribe(first);
    relay.onNext(1);
    r.subscription.request(3); // through the lock: counted for a continuing upstream
    relay.onNext(2);
    relay.onError(new IllegalStateException("cut"));
    assertThat(owner.deliveredAtFailure).isTrue();
    r.subscription.request(1); // between the two upstreams
    RecordedSubscription next = new RecordedSubscription();
    relay.onSubscribe(next);
    relay.onNext(3);
    assertThat(first.requests).containsExactly(2L, 3L);
    assertThat(next.requests).as("asked 2 + 3 + 1, delivered 2").containsExactly(4L);
    assertThat(r.items).containsExactly(1, 2, 3);
    assertThat(r.signals).containsExactly("subscribe");
  }

  @Test
  void aContinuingUpstreamOfAnUnboundedSubscriberIsAskedForEverything() {
    Recorder r = new Recorder(Long.MAX_VALUE);
    Relay<Integer> relay = new Relay<>(r, owner);
    relay.continuable();
    relay.start();
    owner.retry = true;
    relay.onSubscribe(new RecordedSubscription());
    relay.onNext(1);
    relay.onError(new IllegalStateException("cut"));
    RecordedSubscription next = new RecordedSubscription();
    relay.onSubscribe(next);
    assertThat(next.requests).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void demandAddsUpToLongMaxValue() {
    Recorder r = new Recorder(Long.MAX_VALUE);
    Relay<Integer> relay = started(r);
    r.subscription.request(Long.MAX_VALUE);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    assertThat(up.requests).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void cancelBeforeAttachRefusesTheUpstreamAndSignalsNothing() {
    Recorder r = new Recorder(1);
    Relay<Integer> relay = started(r);
    r.subscription.cancel();
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    relay.onNext(1);
    relay.onComplete();
    assertThat(up.cancels).isEqualTo(1);
    assertThat(up.requests).isEmpty();
    assertThat(r.signals).containsExactly("subscribe");
    assertThat(owner.ends).containsExactly("cancelled");
  }

  @Test
  void cancelAfterAttachCancelsTheUpstreamAndDropsLateSignals() {
    Recorder r = new Recorder(1);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    r.subscription.cancel();
    r.subscription.cancel();
    relay.onNext(1);
    relay.onError(new IllegalStateException("late"));
    assertThat(up.cancels).isEqualTo(1);
    assertThat(r.items).isEmpty();
    assertThat(r.signals).containsExactly("subscribe");
    assertThat(owner.ends).containsExactly("cancelled");
  }

  @Test
  void requestOfZeroFailsOnceAndCancelsTheUpstream() {
    Recorder r = new Recorder(0);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    r.subscription.request(0);
    r.subscription.request(-1);
    relay.onComplete();
    assertThat(r.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
    assertThat(r.signals).hasSize(2);
    assertThat(up.cancels).isEqualTo(1);
    assertThat(owner.ends).containsExactly("failed");
  }

  @Test
  void aNegativeRequestBeforeAnyUpstreamFailsToo() {
    Recorder r = new Recorder(-5);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    assertThat(r.signals).containsExactly("subscribe", "error:" + r.error.getMessage());
    assertThat(up.cancels).as("an upstream after the end is refused").isEqualTo(1);
  }

  @Test
  void aTerminalRaisedDuringOnSubscribeWaitsUntilItReturned() {
    List<String> order = new ArrayList<>();
    Flow.Subscriber<Integer> s =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            order.add("subscribe-start");
            sub.request(0);
            order.add("subscribe-end");
          }

          @Override
          public void onNext(Integer item) {}

          @Override
          public void onError(Throwable t) {
            order.add("error");
          }

          @Override
          public void onComplete() {}
        };
    new Relay<>(s, owner).start();
    assertThat(order).containsExactly("subscribe-start", "subscribe-end", "error");
  }

  @Test
  void itemsAndCompletionPassThrough() {
    Recorder r = new Recorder(10);
    Relay<Integer> relay = started(r);
    new Range(3).subscribe(relay);
    assertThat(r.items).containsExactly(0, 1, 2);
    assertThat(r.signals).containsExactly("subscribe", "complete");
    assertThat(relay.delivered()).isTrue();
    assertThat(relay.isEnded()).isTrue();
    assertThat(owner.ends).containsExactly("completed");
  }

  @Test
  void theOwnerMayHoldTheSubscriberForAnotherUpstreamWhileNothingWasDelivered() {
    owner.retry = true;
    Recorder r = new Recorder(4);
    Relay<Integer> relay = started(r);
    RecordedSubscription first = new RecordedSubscription();
    relay.onSubscribe(first);
    relay.onError(new IllegalStateException("attempt 1"));
    assertThat(owner.deliveredAtFailure).isFalse();
    assertThat(r.signals).containsExactly("subscribe");
    r.subscription.request(1);
    owner.retry = false;
    new Range(2).subscribe(relay);
    assertThat(first.requests).containsExactly(4L);
    assertThat(r.items).containsExactly(0, 1);
    assertThat(r.signals).containsExactly("subscribe", "complete");
  }

  @Test
  void theOwnerNamesTheErrorToDeliver() {
    Relay.Owner rename =
        new Relay.Owner() {
          @Override
          public Throwable upstreamFailed(Throwable error, boolean delivered) {
            return new IllegalStateException("final: " + error.getMessage() + " " + delivered);
          }

          @Override
          public void ended(Throwable error, boolean cancelled) {}
        };
    Recorder r = new Recorder(5);
    Relay<Integer> relay = new Relay<>(r, rename);
    relay.start();
    relay.onSubscribe(new RecordedSubscription());
    relay.onNext(7);
    relay.onError(new IllegalStateException("boom"));
    assertThat(r.signals).containsExactly("subscribe", "error:final: boom true");
  }

  @Test
  void theOwnersFailureEndsTheStreamOnceAndCancelsTheUpstream() {
    Recorder r = new Recorder(5);
    Relay<Integer> relay = started(r);
    RecordedSubscription up = new RecordedSubscription();
    relay.onSubscribe(up);
    assertThat(relay.fail(new IllegalStateException("closed"))).isTrue();
    assertThat(relay.fail(new IllegalStateException("again"))).isFalse();
    relay.onComplete();
    relay.onError(new IllegalStateException("late"));
    assertThat(r.signals).containsExactly("subscribe", "error:closed");
    assertThat(up.cancels).isEqualTo(1);
    assertThat(owner.ends).containsExactly("failed");
  }

  @Test
  void aSubscriberThrowingFromOnNextCancels() {
    Flow.Subscriber<Integer> throwing =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(10);
          }

          @Override
          public void onNext(Integer item) {
            throw new IllegalStateException("bad subscriber");
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        };
    Relay<Integer> relay = new Relay<>(throwing, owner);
    relay.start();
    Range range = new Range(5);
    range.subscribe(relay);
    assertThat(range.cancelled).isTrue();
    assertThat(owner.ends).containsExactly("cancelled");
  }

  @Test
  void aSecondUpstreamWhileOneIsAttachedIsRefused() {
    Recorder r = new Recorder(1);
    Relay<Integer> relay = started(r);
    RecordedSubscription first = new RecordedSubscription();
    RecordedSubscription second = new RecordedSubscription();
    relay.onSubscribe(first);
    relay.onSubscribe(second);
    assertThat(second.cancels).isEqualTo(1);
    assertThat(first.cancels).isZero();
  }

  @Test
  void refusedSubscribersGetASubscriptionThenTheReason() {
    Recorder r = new Recorder(1);
    Relay.refuse(r, "only once");
    assertThat(r.signals).containsExactly("subscribe", "error:only once");
  }

  /**
   * Items delivered on one thread while another fails the relay: the subscriber sees a prefix of
   * the items and then exactly one error, never two signals at once, never one after the error.
   */
  @RepeatedTest(50)
  void aFailureRacingItemsIsSerialised(RepetitionInfo info) throws Exception {
    Random random = new Random(42 + info.getCurrentRepetition());
    int n = 2_000;
    Recorder r = new Recorder(Long.MAX_VALUE);
    Relay<Integer> relay = started(r);
    relay.onSubscribe(new RecordedSubscription());
    CyclicBarrier go = new CyclicBarrier(2);
    CountDownLatch done = new CountDownLatch(1);
    int failAfter = random.nextInt(n);
    AtomicInteger sent = new AtomicInteger();
    Thread producer =
        new Thread(
            () -> {
              try {
                go.await();
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              for (int i = 0; i < n; i++) {
                relay.onNext(i);
                sent.incrementAndGet();
              }
              done.countDown();
            });
    producer.start();
    go.await();
    while (sent.get() < failAfter) {
      Thread.onSpinWait();
    }
    relay.fail(new IllegalStateException("stop"));
    done.await();
    assertThat(r.overlapped).isFalse();
    assertThat(r.afterEnd).isFalse();
    assertThat(r.signals).containsExactly("subscribe", "error:stop");
    for (int i = 0; i < r.items.size(); i++) {
      assertThat(r.items.get(i)).isEqualTo(i);
    }
    assertThat(owner.ends).containsExactly("failed");
  }
}
