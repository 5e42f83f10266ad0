package io.github.kimisdk.base.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.sse.SseLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
    up.deliver("data: a\n\n");
    long start = now;
    for (int i = 0; i < 20; i++) {
      now += DRIP;
      up.deliver(i % 2 == 0 ? ": keep-alive\n\n" : "event: ping\ndata: {}\n\n");
    }
    assertThat(idle()).isEqualTo(now - start);
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
    up.deliver("data: a\n\ndata: {\"part\":1}\n");
    long start = now;
    for (int i = 0; i < 20; i++) {
      now += DRIP;
      up.deliver(": keep-alive\n");
    }
    assertThat(idle()).isEqualTo(now - start);
  }

  @Test
  void withTheAnyBytesClockEveryByteCounts() {
    up.deliver("data: a\n\n");
    drip(": keep-alive\n\n");
    now += DRIP;
    assertThat(sse.idleNanos(now, false)).isEqualTo(DRIP);
  }
}
