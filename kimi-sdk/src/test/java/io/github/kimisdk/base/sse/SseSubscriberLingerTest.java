package io.github.kimisdk.base.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.sse.SseLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * After the handler completes the stream, the subscriber reads the rest of the body so the HTTP
 * client can keep the connection, and gives the connection up on a timer or a byte budget.
 */
class SseSubscriberLingerTest {

  /** A timer that keeps its tasks until the test runs them. */
  static final class ManualTimer implements BiConsumer<Runnable, Duration> {
    final List<Runnable> tasks = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();

    @Override
    public void accept(Runnable task, Duration delay) {
      tasks.add(task);
      delays.add(delay);
    }

    void fire() {
      List<Runnable> due = new ArrayList<>(tasks);
      tasks.clear();
      due.forEach(Runnable::run);
    }
  }

  private final ManualTimer timer = new ManualTimer();
  private final SseSubscriber<String> body =
      new SseSubscriber<>(
          new SseSubscriberTest.StringHandler(),
          SseLimits.defaults(),
          timer,
          Duration.ofSeconds(2));
  private final FakeUpstream upstream = new FakeUpstream(body);

  private RecordingSubscriber<String> subscribe(long initialRequest) {
    return RecordingSubscriber.subscribedTo(body, initialRequest);
  }

  @Test
  void doneCompletesAtOnceAndReadsOnToTheEndOfTheBody() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: a\n\ndata: [DONE]\n\n");
    assertThat(s.items).containsExactly("message:a:");
    assertThat(s.completions).isEqualTo(1);
    assertThat(upstream.cancels).isZero();
    assertThat(upstream.requested).isEqualTo(1);
    assertThat(timer.delays).containsExactly(Duration.ofSeconds(2));

    upstream.complete(); // the end of the body: the HTTP client keeps the connection
    timer.fire();
    assertThat(upstream.cancels).isZero();
    assertThat(s.completions).isEqualTo(1);
    assertThat(s.errors).isZero();
  }

  @Test
  void bytesAfterDoneAreDiscardedWhileReadingGoesOn() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: [DONE]\n\n");
    upstream.deliver("data: late\n\n", "more");
    assertThat(s.items).isEmpty();
    assertThat(upstream.requested).isEqualTo(1);
    assertThat(upstream.cancels).isZero();
    upstream.complete();
    assertThat(upstream.cancels).isZero();
    assertThat(s.completions).isEqualTo(1);
  }

  @Test
  void theTimerGivesAHeldOpenConnectionUp() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: [DONE]\n\n");
    assertThat(upstream.cancels).isZero();
    timer.fire();
    assertThat(upstream.cancels).isEqualTo(1);
    assertThat(s.completions).isEqualTo(1);
    assertThat(s.errors).isZero();
  }

  @Test
  void tooManyBytesAfterDoneGiveTheConnectionUp() {
    subscribe(10);
    upstream.deliver("data: [DONE]\n\n");
    String block = "x".repeat(16 * 1024);
    int lists = 0;
    while (upstream.cancels == 0) {
      assertThat(lists).as("gave up within the byte budget").isLessThan(10);
      upstream.deliver(block);
      lists++;
    }
    assertThat(lists).isEqualTo(SseSubscriber.LINGER_MAX_BYTES / block.length() + 1);
    assertThat(upstream.cancels).isEqualTo(1);
  }

  @Test
  void aBodyThatAlreadyEndedNeedsNoLinger() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\ndata: b\n\ndata: [DONE]\n\n");
    upstream.complete();
    assertThat(s.items).containsExactly("message:a:");
    s.request(5);
    assertThat(s.items).containsExactly("message:a:", "message:b:");
    assertThat(s.completions).isEqualTo(1);
    assertThat(timer.tasks).isEmpty();
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void aBrokenConnectionWhileLingeringEndsItQuietly() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: [DONE]\n\n");
    upstream.fail(new IOException("reset"));
    timer.fire();
    assertThat(s.errors).isZero();
    assertThat(s.completions).isEqualTo(1);
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void aTimerThatRefusesTheTaskGivesTheConnectionUpAtOnce() {
    SseSubscriber<String> refusing =
        new SseSubscriber<>(
            new SseSubscriberTest.StringHandler(),
            SseLimits.defaults(),
            (task, delay) -> {
              throw new RejectedExecutionException("shut down");
            },
            Duration.ofSeconds(2));
    FakeUpstream up = new FakeUpstream(refusing);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(10);
    refusing.getBody().toCompletableFuture().join().subscribe(s);
    up.deliver("data: [DONE]\n\n");
    assertThat(s.completions).isEqualTo(1);
    assertThat(up.cancels).isEqualTo(1);
  }

  @Test
  void cancellingAfterDoneDoesNotCutTheLingerShort() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: [DONE]\n\n");
    s.subscription.cancel(); // a no-op once complete (Reactive Streams 3.7)
    assertThat(upstream.cancels).isZero();
    upstream.complete();
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void withoutATimerDoneCancelsUpstreamAtOnce() {
    SseSubscriber<String> plain =
        new SseSubscriber<>(new SseSubscriberTest.StringHandler(), SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(plain);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(10);
    plain.getBody().toCompletableFuture().join().subscribe(s);
    up.deliver("data: [DONE]\n\n");
    assertThat(s.completions).isEqualTo(1);
    assertThat(up.cancels).isEqualTo(1);
  }
}
