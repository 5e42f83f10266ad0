package io.github.kimisdk.base.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.sse.SseLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * What restarts the data-event idle clock ({@link SseSubscriber#idleNanos(long, boolean)}), on
 * virtual time: a data event, and the bytes of one arriving however slowly (a server that sends its
 * whole response a byte per 50 ms); never a comment or a ping, whole or dripped, nor a comment
 * between the lines of an event that does not go on.
 */
class SseSubscriberIdleClockTest {

  static final long DRIP = TimeUnit.MILLISECONDS.toNanos(50);

  /** Virtual time, in nanoseconds. */
  long now = 1_000_000_000L;

  final SseSubscriber<String> sse =
      new SseSubscriber<>(
          new SseSubscriberTest.StringHandler() {
            @Override
            public boolean isKeepAlive(String type) {
              return type.equals("ping");
            }
          },
          SseLimits.defaults(),
          null,
          Duration.ZERO,
          () -> now);
  final FakeUpstream up = new FakeUpstream(sse);
  final RecordingSubscriber<String> s = RecordingSubscriber.subscribedTo(sse, 100);

  /** Delivers {@code text} one byte per {@link #DRIP}; returns the longest idle time seen. */
  long drip(String text) {
    long longest = 0;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      now += DRIP;
      longest = Math.max(longest, sse.idleNanos(now, true));
      up.deliver(new String(new byte[] {b}, StandardCharsets.ISO_8859_1));
    }
    return longest;
  }

  long idle() {
    return sse.idleNanos(now, true);
  }

  /**
   * A subscriber of plain events, with the default limits and no lingering, timed by {@code clock}.
   */
  static SseSubscriber<String> timedBy(LongSupplier clock) {
    return new SseSubscriber<>(
        new SseSubscriberTest.StringHandler(), SseLimits.defaults(), null, Duration.ZERO, clock);
  }

  /**
   * Delivers {@code first}, then twenty pieces one {@link #DRIP} apart ({@code piece} gives the
   * i-th); returns the time the twenty took.
   */
  long twentyPiecesAfter(String first, IntFunction<String> piece) {
    up.deliver(first);
    long start = now;
    for (int i = 0; i < 20; i++) {
      now += DRIP;
      up.deliver(piece.apply(i));
    }
    return now - start;
  }

  @Test
  void aDataEventArrivingAByteAtATimeKeepsTheClockAtOneDrip() {
    String events =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n";

    long longest = drip(events);

    assertThat(s.items).hasSize(2);
    assertThat(longest)
        .as(
            "the clock never ran longer than the gap between two bytes, over %d ms of events",
            TimeUnit.NANOSECONDS.toMillis(DRIP * events.length()))
        .isEqualTo(DRIP);
  }

  @Test
  void aDataLineArrivingInPiecesIsProgressEvenBeforeTheFirstEvent() {
    now += TimeUnit.SECONDS.toNanos(5);
    up.deliver("data: {\"a\":");
    assertThat(idle()).isZero();
    assertThat(sse.progressed(true)).as("no event was dispatched yet").isFalse();

    now += DRIP;
    up.deliver("1}\n");
    now += DRIP;
    assertThat(idle()).isEqualTo(DRIP);
    up.deliver("\n");
    assertThat(sse.progressed(true)).isTrue();
    assertThat(s.items).containsExactly("message:{\"a\":1}:");
  }

  @Test
  void aCommentArrivingAByteAtATimeNeverRestartsTheClock() {
    up.deliver("data: a\n\n");
    long start = now;

    drip(": keep-alive\n\n: keep-alive\n\n");

    assertThat(idle()).isEqualTo(now - start);
  }

  @Test
  void aPingArrivingAByteAtATimeRestartsTheClockOnlyUntilItsTypeIsKnown() {
    up.deliver("data: a\n\n");

    drip("event: ping\n");
    long typed = now;
    drip("data: {\"type\":\"ping\"}\n\n");

    assertThat(s.items).containsExactly("message:a:", "ping:{\"type\":\"ping\"}:");
    assertThat(idle())
        .as("the bytes of its event line count until the line ends, as its type is not known")
        .isEqualTo(now - typed + DRIP); // the last byte that counted: the g of ping
  }

  @Test
  void wholePingsAndCommentsDoNotCount() {
    long took =
        twentyPiecesAfter(
            "data: a\n\n", i -> i % 2 == 0 ? ": keep-alive\n\n" : "event: ping\ndata: {}\n\n");
    assertThat(idle()).isEqualTo(took);
  }

  @Test
  void theRestOfAPingAndTheStartOfAnEventInOneBufferAreProgress() {
    up.deliver("data: a\n\nevent: ping\n");
    now += DRIP;
    up.deliver("data: {}\n\n");
    now += DRIP;
    assertThat(idle()).as("the rest of a ping").isEqualTo(2 * DRIP);

    up.deliver("event: ping\ndata: {}\n\ndata: {\"b");
    now += DRIP;
    assertThat(idle()).as("a whole ping, then the start of a data event").isEqualTo(DRIP);
  }

  @Test
  void commentsBetweenTheLinesOfAnEventThatStallsDoNotCount() {
    long took = twentyPiecesAfter("data: a\n\ndata: {\"part\":1}\n", i -> ": keep-alive\n");
    assertThat(idle()).isEqualTo(took);
  }

  @Test
  void withTheAnyBytesClockEveryByteCounts() {
    up.deliver("data: a\n\n");
    drip(": keep-alive\n\n");
    now += DRIP;
    assertThat(sse.idleNanos(now, false)).isEqualTo(DRIP);
  }

  /**
   * The first data event after keep-alives, to a subscriber that spends time on it (as a framework
   * whose handlers run inline does): while it does, the stream counts as started and the idle time
   * runs from that event, never from the subscription, so an idle limit shorter than the wait for
   * the first event does not fire the moment the first event is seen.
   */
  @Test
  void theFirstDataEventIsTimedBeforeItCountsAsSeen() {
    SseSubscriber<String> body = timedBy(() -> now);
    FakeUpstream upstream = new FakeUpstream(body);
    long[] seenWhileHandled = {-1, -1};
    RecordingSubscriber<String> slow =
        new RecordingSubscriber<>(10) {
          @Override
          public synchronized void onNext(String item) {
            super.onNext(item);
            if (items.size() == 1) {
              now += TimeUnit.MILLISECONDS.toNanos(150); // the subscriber's work on it
              seenWhileHandled[0] = body.progressed(true) ? 1 : 0;
              seenWhileHandled[1] = body.idleNanos(now, true);
            }
          }
        };
    body.getBody().toCompletableFuture().join().subscribe(slow);
    for (int i = 0; i < 8; i++) {
      now += TimeUnit.MILLISECONDS.toNanos(100);
      upstream.deliver(": keep-alive\n\n");
    }

    upstream.deliver("data: first\n\n");

    assertThat(slow.items).containsExactly("message:first:");
    assertThat(seenWhileHandled[0]).as("seen as started while it is handled").isEqualTo(1);
    assertThat(seenWhileHandled[1])
        .as("idle from the first event (150 ms), not from the subscription 950 ms before")
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
  }

  /**
   * A consumer that asks again long after its last item: an idle check at any moment of its request
   * finds either nothing wanted or a wait measured from the request, never the time since it last
   * wanted something.
   */
  @Test
  void demandIsTimedBeforeItRises() {
    java.util.List<Long> checked = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<SseSubscriber<String>> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    boolean[] probing = {false};
    SseSubscriber<String> body =
        timedBy(
            () -> {
              if (probing[0]) {
                checked.add(self.get().idleNanos(now, true)); // what a check would see at this read
              }
              return now;
            });
    self.set(body);
    FakeUpstream upstream = new FakeUpstream(body);
    RecordingSubscriber<String> rec = RecordingSubscriber.subscribedTo(body, 1);
    upstream.deliver("data: a\n\n");
    assertThat(rec.items).hasSize(1);
    now += TimeUnit.SECONDS.toNanos(5); // the consumer works on it, wanting nothing

    probing[0] = true;
    rec.request(1);
    probing[0] = false;

    assertThat(checked).as("the clock was read for the request").isNotEmpty();
    assertThat(checked).as("no read saw the 5 s without demand as idle").containsOnly(0L);
    assertThat(body.idleNanos(now, true)).isZero();
  }
}
