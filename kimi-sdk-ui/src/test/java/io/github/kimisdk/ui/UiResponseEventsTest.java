package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.FinishReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UiResponse#events()} against the rules the TCK leaves untested or tests with sources that
 * cannot show them: a chat stream read one chunk at a time, each chunk's parts sent before the next
 * is asked for; a subscriber that throws is cancelled without the exception reaching the thread
 * that wrote the part (an agent run's) or the run's other readers; a non-positive request cancels
 * Kimi's call.
 */
class UiResponseEventsTest {

  private final ExecutorService upstreamThread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    upstreamThread.shutdownNow();
  }

  static ChatCompletionChunk content(String text) {
    return new ChatCompletionChunk(
        "c",
        1,
        "kimi-k2.6",
        List.of(
            new ChatCompletionChunk.ChunkChoice(
                0,
                new ChatCompletionChunk.Delta(null, text, null, List.of(), null, null),
                null,
                null,
                null,
                null)),
        null,
        null,
        null);
  }

  static ChatCompletionChunk finish() {
    return new ChatCompletionChunk(
        "c",
        1,
        "kimi-k2.6",
        List.of(
            new ChatCompletionChunk.ChunkChoice(
                0, ChatCompletionChunk.Delta.EMPTY, FinishReason.STOP, null, null, null)),
        null,
        null,
        null);
  }

  /**
   * Kimi's side of a chat stream: its chunks, sent on a thread of their own as they are asked for;
   * at each request it notes what the subscriber downstream had been sent, and whether it was
   * cancelled.
   */
  final class Upstream implements Flow.Publisher<ChatCompletionChunk> {
    final List<ChatCompletionChunk> chunks;
    final List<String> received;
    final List<List<String>> sentAtRequest = new CopyOnWriteArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);

    Upstream(List<ChatCompletionChunk> chunks, List<String> received) {
      this.chunks = chunks;
      this.received = received;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> s) {
      s.onSubscribe(
          new Flow.Subscription() {
            private int sent; // the upstream thread's

            @Override
            public void request(long n) {
              sentAtRequest.add(List.copyOf(received));
              upstreamThread.execute(
                  () -> {
                    for (long i = 0; i < n && sent <= chunks.size(); i++) {
                      if (sent == chunks.size()) {
                        sent++;
                        s.onComplete();
                      } else {
                        s.onNext(chunks.get(sent++));
                      }
                    }
                  });
            }

            @Override
            public void cancel() {
              cancelled.countDown();
            }
          });
    }
  }

  /** A subscriber that asks for everything and keeps what it was sent. */
  static class Taker implements Flow.Subscriber<String> {
    final List<String> received = new CopyOnWriteArrayList<>();
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final long demand;
    volatile Flow.Subscription subscription;

    Taker(long demand) {
      this.demand = demand;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (demand != 0) {
        s.request(demand);
      }
    }

    @Override
    public void onNext(String part) {
      received.add(part);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }

    boolean await() throws InterruptedException {
      return done.await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aChunkIsAskedForOnlyOnceThePartsOfTheOneBeforeWereSent() throws Exception {
    Taker taker = new Taker(Long.MAX_VALUE);
    Upstream kimi =
        new Upstream(
            List.of(content("w1"), content("w2"), content("w3"), finish()), taker.received);

    UiResponse.of(ChatStream.of(kimi)).events().subscribe(taker);

    assertThat(taker.await()).isTrue();
    assertThat(taker.error.get()).isNull();
    List<String> deltas = new ArrayList<>();
    for (String part : taker.received) {
      if (part.contains("\"text-delta\"")) {
        deltas.add(part);
      }
    }
    // one delta per chunk: a reader that keeps up reads each chunk's text as it came
    assertThat(deltas).hasSize(3);
    assertThat(kimi.sentAtRequest).hasSizeGreaterThanOrEqualTo(4);
    for (int k = 1; k <= 3; k++) {
      // the chunk after w<k> was asked for only once w<k>'s delta had been sent on
      String delta = deltas.get(k - 1);
      assertThat(kimi.sentAtRequest.get(k))
          .as("sent when chunk %d was asked for", k + 1)
          .contains(delta);
    }
  }

  /** Subscribes to a run's log as a page does: a response read from its start. */
  static Flow.Publisher<String> reading(PartLog log) {
    return UiResponse.stream(log.reader(0)).events();
  }

  @Test
  void aSubscriberThatThrowsIsCancelledAndTheRunsWriterAndOtherReadersGoOn() throws Exception {
    PartLog log = new PartLog(Long.MAX_VALUE);
    List<String> thrownOn = new CopyOnWriteArrayList<>();
    Taker thrower =
        new Taker(Long.MAX_VALUE) {
          @Override
          public void onNext(String part) {
            thrownOn.add(part);
            throw new IllegalStateException("a subscriber's own failure");
          }
        };
    Taker other = new Taker(Long.MAX_VALUE);
    reading(log).subscribe(thrower);
    reading(log).subscribe(other);

    // the test's thread is the run's: each write tells every reader on it
    log.single(Parts.start("run-1"));
    log.single(Parts.startStep());
    log.single(Parts.finishStep());
    log.single(Parts.finish("stop", null));
    log.end();

    assertThat(other.await()).isTrue();
    assertThat(other.error.get()).isNull();
    assertThat(other.received).hasSize(5).endsWith(Parts.DONE);
    assertThat(thrownOn).as("cancelled at its first throw").hasSize(1);
    assertThat(thrower.done.getCount()).as("no terminal signal after its cancellation").isOne();
  }

  @Test
  void aSubscriberThatThrowsFromOnSubscribeClosesTheChatStreamAndSubscribeReturns() {
    Upstream kimi = new Upstream(List.of(content("w1"), finish()), new ArrayList<>());
    ChatStream stream = ChatStream.of(kimi);
    Flow.Publisher<String> events = UiResponse.of(stream).events();

    events.subscribe(
        new Taker(1) {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            throw new IllegalStateException("a subscriber's own failure");
          }
        });

    assertThat(kimi.sentAtRequest).as("Kimi's stream was never read").isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(stream::iterator)
        .as("the stream was closed")
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * A subscription that ends inside {@code onSubscribe} (cancelled there, or sent its whole stream
   * there) leaves nothing of its subscriber on the log, which an agent chat keeps while the run
   * goes and a minute after: the subscriber is collected while the log is still held.
   */
  @Test
  void aSubscriptionThatEndsInOnSubscribeLeavesItsSubscriberCollectable() throws Exception {
    for (boolean cancel : new boolean[] {true, false}) {
      PartLog log = new PartLog(Long.MAX_VALUE);
      log.single(Parts.start("run-1"));
      if (!cancel) {
        log.end();
      }
      java.lang.ref.ReferenceQueue<Object> queue = new java.lang.ref.ReferenceQueue<>();
      java.lang.ref.WeakReference<Object> ref = subscribeAndEnd(log, cancel, queue);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      java.lang.ref.Reference<?> cleared = null;
      while (cleared == null && System.nanoTime() - end < 0) {
        System.gc();
        cleared = queue.remove(100);
      }
      assertThat(cleared).as("collected, cancelled in onSubscribe: %s", cancel).isSameAs(ref);
      log.single(Parts.finishStep()); // the log, still held, is written on
    }
  }

  private static java.lang.ref.WeakReference<Object> subscribeAndEnd(
      PartLog log, boolean cancel, java.lang.ref.ReferenceQueue<Object> queue)
      throws InterruptedException {
    Taker taker =
        new Taker(0) {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            if (cancel) {
              s.cancel();
            } else {
              s.request(Long.MAX_VALUE);
            }
          }
        };
    reading(log).subscribe(taker);
    if (!cancel) {
      assertThat(taker.await()).isTrue();
      assertThat(taker.received).endsWith(Parts.DONE);
    }
    return new java.lang.ref.WeakReference<>(taker, queue);
  }
}
