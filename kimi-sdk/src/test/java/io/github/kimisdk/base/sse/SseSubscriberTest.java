package io.github.kimisdk.base.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.base.flow.Pull;
import io.github.kimisdk.sse.SseException;
import io.github.kimisdk.sse.SseLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SseSubscriberTest {

  /** Emits "type:data:id" per event, completes on "[DONE]", fails on "boom". */
  static class StringHandler implements SseEventHandler<String> {
    int endOfInputCalls;

    @Override
    public void onEvent(
        String type, byte[] data, int off, int len, String lastEventId, Emitter<String> out)
        throws Exception {
      String text = new String(data, off, len, StandardCharsets.UTF_8);
      if (text.equals("[DONE]")) {
        out.complete();
        return;
      }
      if (text.equals("boom")) {
        throw new IOException("handler failed");
      }
      if (text.equals("fail")) {
        out.fail(new IllegalStateException("handler fail()"));
        return;
      }
      out.emit(type + ":" + text + ":" + lastEventId);
    }

    @Override
    public void onEndOfInput(Emitter<String> out) {
      endOfInputCalls++;
      SseEventHandler.super.onEndOfInput(out);
    }
  }

  private final StringHandler handler = new StringHandler();
  private final SseSubscriber<String> body = new SseSubscriber<>(handler, SseLimits.defaults());
  private final FakeUpstream upstream = new FakeUpstream(body);

  private RecordingSubscriber<String> subscribe(long initialRequest) {
    return RecordingSubscriber.subscribedTo(body, initialRequest);
  }

  @Test
  void aPullingConsumerParsesOnItsOwnThreadWhatAnotherThreadReceived() throws Exception {
    List<Thread> parsedOn = new ArrayList<>();
    SseSubscriber<String> sse =
        new SseSubscriber<>(
            new SseEventHandler<String>() {
              @Override
              public void onEvent(
                  String type, byte[] data, int off, int len, String id, Emitter<String> out) {
                parsedOn.add(Thread.currentThread());
                out.emit(new String(data, off, len, StandardCharsets.UTF_8));
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(sse);
    RecordingSubscriber<String> s = RecordingSubscriber.subscribedTo(sse, 10);
    Pull pull = (Pull) s.subscription;
    pull.pull(Thread.currentThread());
    assertThat(up.requested).isEqualTo(1);

    Thread http = new Thread(() -> up.deliver("data: a\n\ndata: b\n\n"));
    http.start();
    http.join();
    assertThat(s.items).as("the thread that received the bytes only queued them").isEmpty();
    assertThat(parsedOn).isEmpty();

    pull.pull(Thread.currentThread());
    assertThat(s.items).containsExactly("a", "b");
    assertThat(parsedOn).containsOnly(Thread.currentThread());
    assertThat(up.requested).as("the next list was asked for as this one was taken up").isOne();
  }

  @Test
  void withoutAPullTheThreadThatReceivesParses() throws Exception {
    RecordingSubscriber<String> s = subscribe(10);
    Thread http = new Thread(() -> upstream.deliver("data: a\n\n"));
    http.start();
    http.join();
    assertThat(s.items).containsExactly("message:a:");
  }

  @Test
  void bodyIsCompleteAtOnce() {
    assertThat(body.getBody().toCompletableFuture().isDone()).isTrue();
  }

  @Test
  void nothingIsRequestedUpstreamWithoutDownstreamDemand() {
    RecordingSubscriber<String> s = subscribe(0);
    assertThat(upstream.requested).isZero();
    s.request(1);
    assertThat(upstream.requested).isEqualTo(1);
  }

  @Test
  void deliversEventsByDemand() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\nid: 7\nevent: e\ndata: b\n\ndata: c\n\n");
    assertThat(s.items).containsExactly("message:a:");
    // b and c wait in the window; upstream is not asked for more while they wait.
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "e:b:7");
    assertThat(upstream.requested).isZero();
    s.request(5);
    assertThat(s.items).containsExactly("message:a:", "e:b:7", "message:c:7");
    assertThat(upstream.requested).isEqualTo(1);
  }

  @Test
  void parsesOneBufferOfAListAtATime() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\n", "data: b\n\n", "data: c\n\n");
    assertThat(s.items).containsExactly("message:a:");
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "message:b:");
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "message:b:", "message:c:");
    assertThat(upstream.requested).isZero();
    s.request(1);
    assertThat(upstream.requested).isEqualTo(1);
  }

  @Test
  void eventsSplitAcrossBuffersAndLists() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("da", "ta: he");
    upstream.deliver("llo\r");
    upstream.deliver("\n\r\n");
    assertThat(s.items).containsExactly("message:hello:");
  }

  @Test
  void emptyBuffersAndListsAreSkipped() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver();
    upstream.deliver("", "data: x\n\n", "");
    assertThat(s.items).containsExactly("message:x:");
  }

  @Test
  void endOfInputCompletesAndDiscardsUnterminatedEvent() {
    RecordingSubscriber<String> s = subscribe(10);
    upstream.deliver("data: a\n\ndata: partial\n");
    upstream.complete();
    assertThat(s.items).containsExactly("message:a:");
    assertThat(s.completions).isEqualTo(1);
    assertThat(handler.endOfInputCalls).isEqualTo(1);
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void completionWaitsForQueuedItemsButNotForDemand() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\ndata: b\n\n");
    upstream.complete();
    assertThat(s.completions).isZero();
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "message:b:");
    assertThat(s.completions).isEqualTo(1);
  }

  @Test
  void handlerCompleteCancelsUpstreamAndCompletesAfterQueuedItems() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\ndata: b\n\ndata: [DONE]\n\ndata: after\n\n");
    assertThat(upstream.cancels).isEqualTo(1);
    assertThat(s.completions).isZero();
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "message:b:");
    assertThat(s.completions).isEqualTo(1);
    assertThat(handler.endOfInputCalls).isZero();
  }

  @Test
  void handlerThrowFailsPromptlyAndCancelsUpstream() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\ndata: b\n\ndata: boom\n\n");
    assertThat(s.items).containsExactly("message:a:");
    assertThat(s.error).isInstanceOf(IOException.class).hasMessage("handler failed");
    assertThat(s.errors).isEqualTo(1);
    assertThat(upstream.cancels).isEqualTo(1);
    s.request(5);
    upstream.complete();
    assertThat(s.items).hasSize(1);
    assertThat(s.errors).isEqualTo(1);
    assertThat(s.completions).isZero();
  }

  @Test
  void handlerFailIsDeliveredThroughMapError() {
    SseSubscriber<String> mapped =
        new SseSubscriber<>(
            new StringHandler() {
              @Override
              public Throwable mapError(Throwable error) {
                return new RuntimeException("mapped: " + error.getMessage(), error);
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(mapped);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(5);
    mapped.getBody().toCompletableFuture().join().subscribe(s);
    up.deliver("data: fail\n\n");
    assertThat(s.error).hasMessage("mapped: handler fail()");
    assertThat(up.cancels).isEqualTo(1);
  }

  @Test
  void parserLimitFailsTheStream() {
    SseSubscriber<String> small = new SseSubscriber<>(handler, new SseLimits(16, 16));
    FakeUpstream up = new FakeUpstream(small);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(5);
    small.getBody().toCompletableFuture().join().subscribe(s);
    up.deliver("data: ok\n\ndata: 0123456789abcdef\n\n");
    assertThat(s.items).containsExactly("message:ok:");
    assertThat(s.error).isInstanceOf(SseException.class).hasMessageContaining("longer than 16");
    assertThat(up.cancels).isEqualTo(1);
  }

  @Test
  void upstreamErrorArrivesAfterTheEventsBeforeIt() {
    RecordingSubscriber<String> s = subscribe(1);
    upstream.deliver("data: a\n\ndata: b\n\ndata: cut");
    upstream.fail(new IOException("connection reset"));
    assertThat(s.items).containsExactly("message:a:");
    assertThat(s.error).isNull();
    s.request(1);
    assertThat(s.items).containsExactly("message:a:", "message:b:");
    assertThat(s.error).isInstanceOf(IOException.class).hasMessage("connection reset");
    assertThat(handler.endOfInputCalls).isZero();
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void abortFailsOnceEvenWithoutDemandAndCancelsUpstream() {
    RecordingSubscriber<String> s = subscribe(0);
    body.abort(new IOException("idle"));
    body.abort(new IOException("again"));
    assertThat(s.error).hasMessage("idle");
    assertThat(s.errors).isEqualTo(1);
    assertThat(upstream.cancels).isEqualTo(1);
  }

  @Test
  void abortBeforeSubscribersArriveIsDeliveredLater() {
    SseSubscriber<String> early = new SseSubscriber<>(handler, SseLimits.defaults());
    early.abort(new IOException("too late"));
    FakeUpstream up = new FakeUpstream(early);
    assertThat(up.cancels).isEqualTo(1);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(0);
    early.getBody().toCompletableFuture().join().subscribe(s);
    assertThat(s.error).hasMessage("too late");
  }

  @Test
  void abortAfterCompletionHasNoEffect() {
    RecordingSubscriber<String> s = subscribe(5);
    upstream.deliver("data: [DONE]\n\n");
    body.abort(new IOException("idle"));
    assertThat(s.completions).isEqualTo(1);
    assertThat(s.errors).isZero();
  }

  @Test
  void cancelIsIdempotentAndCancelsUpstreamOnce() {
    RecordingSubscriber<String> s = subscribe(1);
    s.subscription.cancel();
    s.subscription.cancel();
    assertThat(upstream.cancels).isEqualTo(1);
    s.request(3);
    assertThat(upstream.requested).isEqualTo(1); // the request made before cancel only
    assertThat(s.completions + s.errors).isZero();
  }

  @Test
  void secondSubscriberIsRejected() {
    subscribe(0);
    RecordingSubscriber<String> second = subscribe(0);
    assertThat(second.error)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one subscriber only");
  }

  @Test
  void nonPositiveRequestFailsTheStream() {
    RecordingSubscriber<String> s = subscribe(0);
    s.request(0);
    assertThat(s.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
    assertThat(upstream.cancels).isEqualTo(1);
  }

  @Test
  void throwingOnNextCancelsUpstream() {
    Flow.Subscriber<String> thrower =
        new RecordingSubscriber<>(5) {
          @Override
          public synchronized void onNext(String item) {
            throw new IllegalStateException("consumer bug");
          }
        };
    body.getBody().toCompletableFuture().join().subscribe(thrower);
    upstream.deliver("data: a\n\ndata: b\n\n");
    assertThat(upstream.cancels).isEqualTo(1);
    assertThat(((RecordingSubscriber<String>) thrower).errors).isZero();
  }

  @Test
  void throwingOnSubscribeCancelsUpstream() {
    Flow.Subscriber<String> thrower =
        new RecordingSubscriber<>(5) {
          @Override
          public synchronized void onSubscribe(Flow.Subscription s) {
            throw new IllegalStateException("consumer bug");
          }
        };
    body.getBody().toCompletableFuture().join().subscribe(thrower);
    assertThat(upstream.cancels).isEqualTo(1);
  }

  @Test
  void secondUpstreamSubscriptionIsCancelled() {
    FakeUpstream other = new FakeUpstream(body);
    assertThat(other.cancels).isEqualTo(1);
    assertThat(upstream.cancels).isZero();
  }

  @Test
  void lastActivityMovesWhenBytesArrive() {
    RecordingSubscriber<String> s = subscribe(1);
    long before = body.lastActivityNanos();
    long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
    while (System.nanoTime() < waitUntil) {
      Thread.onSpinWait();
    }
    upstream.deliver("data: a\n\n");
    assertThat(body.lastActivityNanos()).isGreaterThan(before);
    assertThat(s.items).hasSize(1);
  }

  @Test
  void endOfInputHandlerMayEmitAndFail() {
    List<String> seen = new ArrayList<>();
    SseSubscriber<String> truncating =
        new SseSubscriber<>(
            new SseEventHandler<String>() {
              @Override
              public void onEvent(
                  String type, byte[] d, int off, int len, String id, Emitter<String> out) {
                seen.add(new String(d, off, len, StandardCharsets.UTF_8));
                out.emit("e" + seen.size());
              }

              @Override
              public void onEndOfInput(Emitter<String> out) {
                out.emit("partial");
                out.fail(new IOException("stream truncated before [DONE]"));
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(truncating);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(10);
    truncating.getBody().toCompletableFuture().join().subscribe(s);
    up.deliver("data: x\n\n");
    up.complete();
    // Emitted with demand outstanding, "partial" goes out before the failure.
    assertThat(s.items).containsExactly("e1", "partial");
    assertThat(s.error).hasMessage("stream truncated before [DONE]");
  }

  @Test
  void endOfInputHandlerThatDoesNothingStillCompletes() {
    AtomicInteger calls = new AtomicInteger();
    SseSubscriber<String> silent =
        new SseSubscriber<>(
            new SseEventHandler<String>() {
              @Override
              public void onEvent(
                  String type, byte[] d, int off, int len, String id, Emitter<String> out) {}

              @Override
              public void onEndOfInput(Emitter<String> out) {
                calls.incrementAndGet();
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(silent);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
    silent.getBody().toCompletableFuture().join().subscribe(s);
    up.complete();
    assertThat(calls.get()).isEqualTo(1);
    assertThat(s.completions).isEqualTo(1);
  }

  @Test
  void throwingEndOfInputHandlerFails() {
    SseSubscriber<String> throwing =
        new SseSubscriber<>(
            new SseEventHandler<String>() {
              @Override
              public void onEvent(
                  String type, byte[] d, int off, int len, String id, Emitter<String> out) {}

              @Override
              public void onEndOfInput(Emitter<String> out) {
                throw new IllegalStateException("eof handler");
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(throwing);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
    throwing.getBody().toCompletableFuture().join().subscribe(s);
    up.complete();
    assertThat(s.error).hasMessage("eof handler");
    assertThat(s.completions).isZero();
  }

  @Test
  void throwingMapErrorDeliversItsOwnError() {
    SseSubscriber<String> bad =
        new SseSubscriber<>(
            new StringHandler() {
              @Override
              public Throwable mapError(Throwable error) {
                throw new IllegalStateException("mapper broke");
              }
            },
            SseLimits.defaults());
    new FakeUpstream(bad);
    RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
    bad.getBody().toCompletableFuture().join().subscribe(s);
    bad.abort(new IOException("idle"));
    assertThat(s.error).hasMessage("mapper broke");
    assertThat(s.error.getSuppressed()).hasSize(1);
  }

  @Test
  void unboundedDemandDeliversEverything() {
    RecordingSubscriber<String> s = subscribe(Long.MAX_VALUE);
    s.request(Long.MAX_VALUE);
    for (int i = 0; i < 100; i++) {
      upstream.deliver("data: " + i + "\n\n");
    }
    upstream.complete();
    assertThat(s.items).hasSize(100);
    assertThat(s.completions).isEqualTo(1);
  }

  @Test
  void endOfEmptyInputCompletesWithoutDemand() {
    RecordingSubscriber<String> s = subscribe(0);
    upstream.complete();
    assertThat(s.completions).isEqualTo(1);
  }

  @Test
  void upstreamErrorWithNothingBufferedArrivesWithoutDemand() {
    RecordingSubscriber<String> s = subscribe(0);
    upstream.fail(new IOException("refused"));
    assertThat(s.error).hasMessage("refused");
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> new SseSubscriber<String>(null, SseLimits.defaults()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> body.abort(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> body.getBody().toCompletableFuture().join().subscribe(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void onlyDataEventsThatAreNoKeepAliveCountAsProgress() {
    SseSubscriber<String> sse =
        new SseSubscriber<>(
            new StringHandler() {
              @Override
              public boolean isKeepAlive(String type) {
                return type.equals("ping");
              }
            },
            SseLimits.defaults());
    FakeUpstream up = new FakeUpstream(sse);
    RecordingSubscriber<String> s = RecordingSubscriber.subscribedTo(sse, 10);
    long later = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    assertThat(sse.progressed(true)).isFalse();
    assertThat(sse.progressed(false)).isFalse();

    up.deliver(": keep-alive\n\nevent: ping\ndata: {}\n\n");
    assertThat(s.items).containsExactly("ping:{}:"); // the handler still sees the ping
    assertThat(sse.progressed(false)).as("bytes arrived").isTrue();
    assertThat(sse.progressed(true)).as("no data event yet").isFalse();
    long sinceStart = sse.idleNanos(later, true);
    assertThat(sinceStart)
        .as("the data-event clock still runs from the start")
        .isGreaterThanOrEqualTo(sse.idleNanos(later, false))
        .isGreaterThanOrEqualTo(TimeUnit.MINUTES.toNanos(1));

    up.deliver("data: a\n\n");
    assertThat(sse.progressed(true)).isTrue();
    assertThat(sse.idleNanos(later, true)).as("restarted by the data event").isLessThan(sinceStart);
  }
}
