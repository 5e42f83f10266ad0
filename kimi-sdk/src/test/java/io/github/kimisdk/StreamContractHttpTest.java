package io.github.kimisdk;

import static io.github.kimisdk.KimiClientHttpTest.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.internal.codec.ChatCodec;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one stream contract, the same for every stream type the SDK hands out (a chat stream, the
 * events of {@code requestEvents}, and a {@code ChatStream} over a publisher of your own): closing
 * it from another thread, closing the client, interrupting its consumer and cancelling its
 * subscription behave alike, before and after the first item. Every failure is a {@link
 * KimiException}: a {@link CancelledException} naming the reason, carried by a {@link
 * StreamAbortedException} with what arrived where the stream keeps it (a chat stream's chunks).
 * Nothing waits on a fixed sleep: the consumer says when it holds the first item, and the server
 * when the request arrived.
 */
@ExtendWith(FakeKimiExtension.class)
class StreamContractHttpTest {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  /** A stream type: how to open one that sends one item and then holds the connection open. */
  enum Kind {
    CHAT(true),
    EVENTS(true),
    WRAPPED_PUBLISHER(false);

    final boolean overHttp;

    Kind(boolean overHttp) {
      this.overHttp = overHttp;
    }
  }

  /** How the consumer is stopped. */
  enum Stop {
    CLOSE_STREAM,
    CLOSE_CLIENT,
    INTERRUPT,
    CANCEL
  }

  /** An open stream of any kind, seen through what every kind offers. */
  record Opened(
      Flow.Publisher<?> publisher,
      Iterable<?> items,
      AutoCloseable stream,
      BooleanSupplier sourceLetGo,
      Runnable holdUntilRequested) {}

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (Stop s : Stop.values()) {
        if (s == Stop.CLOSE_CLIENT && !k.overHttp) {
          continue; // a publisher of yours belongs to no client
        }
        out.add(Arguments.of(k, s, true));
        if (s != Stop.CANCEL) {
          out.add(Arguments.of(k, s, false));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} after the first item: {2}")
  @MethodSource("cases")
  void everyStreamStopsTheSameWay(
      Kind kind, Stop stop, boolean afterFirst, FakeKimiServer server, KimiClient kimi)
      throws Exception {
    Opened s = open(kind, afterFirst, server, kimi);
    CountDownLatch first = new CountDownLatch(1);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    List<Object> seen = new ArrayList<>();
    Thread consumer;
    if (stop == Stop.CANCEL) {
      consumer = null;
      s.publisher().subscribe(cancellingAfterFirst(seen, first, outcome));
    } else {
      consumer =
          new Thread(
              () -> {
                try {
                  Iterator<?> it = s.items().iterator();
                  while (it.hasNext()) {
                    seen.add(it.next());
                    first.countDown();
                  }
                  outcome.complete(null);
                } catch (Throwable e) {
                  outcome.complete(e);
                } finally {
                  interruptKept.complete(Thread.currentThread().isInterrupted());
                }
              });
      consumer.setDaemon(true);
      consumer.start();
    }
    if (afterFirst) {
      assertThat(first.await(10, TimeUnit.SECONDS)).as("the first item arrived").isTrue();
    } else {
      s.holdUntilRequested().run(); // the call is out (or subscribed), its answer held back
    }

    switch (stop) {
      case CLOSE_STREAM -> s.stream().close();
      case CLOSE_CLIENT -> kimi.close();
      case INTERRUPT -> consumer.interrupt();
      case CANCEL -> {} // the subscriber cancelled after its first item
    }

    if (stop == Stop.CANCEL) {
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(s.sourceLetGo().getAsBoolean()).as("the source was cancelled").isTrue();
      assertThat(outcome).as("no signal after a cancel").isNotDone();
      assertThat(seen).hasSize(1);
      return;
    }
    Throwable t = outcome.get(20, TimeUnit.SECONDS);
    CancelledException.Reason expected =
        switch (stop) {
          case CLOSE_STREAM -> CancelledException.Reason.CLOSED;
          case CLOSE_CLIENT -> CancelledException.Reason.CLIENT_CLOSED;
          default -> CancelledException.Reason.INTERRUPTED;
        };
    assertThat(t).as("every failure is a KimiException").isInstanceOf(KimiException.class);
    CancelledException cancelled =
        t instanceof StreamAbortedException a ? (CancelledException) a.reason() : null;
    if (cancelled == null) {
      assertThat(t).isInstanceOf(CancelledException.class);
      cancelled = (CancelledException) t;
    }
    assertThat(cancelled.reason()).isEqualTo(expected);
    if (kind == Kind.CHAT && afterFirst) {
      assertThat(t)
          .as("a chat stream keeps what arrived")
          .isInstanceOf(StreamAbortedException.class);
      assertThat(((StreamAbortedException) t).partial().text()).isEqualTo("first");
    }
    assertThat(interruptKept.get(10, TimeUnit.SECONDS))
        .as("the interrupt status is kept")
        .isEqualTo(stop == Stop.INTERRUPT);
    assertThat(seen).hasSize(afterFirst ? 1 : 0);
    assertThat(s.sourceLetGo().getAsBoolean()).as("the source was let go").isTrue();
    if (kind.overHttp) {
      assertThat(server.requestCount()).as("a stopped stream is never retried").isEqualTo(1);
    }
  }

  static Stream<Arguments> beforeHeaders() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : List.of(Kind.CHAT, Kind.EVENTS)) {
      for (Stop s : List.of(Stop.CLOSE_STREAM, Stop.CLOSE_CLIENT, Stop.INTERRUPT)) {
        out.add(Arguments.of(k, s));
      }
    }
    return out.stream();
  }

  /**
   * The same while the iterator's thread still waits for the response headers (it sends the request
   * itself, so that a call starts no thread of its own): the wait ends at once, long before the
   * held-back headers, with the same failure, never retried, and the consumer's interrupt status is
   * set after an interrupt only.
   */
  @ParameterizedTest(name = "{0} {1} before the response headers")
  @MethodSource("beforeHeaders")
  void aStreamWaitingForItsHeadersStopsTheSameWay(
      Kind kind, Stop stop, FakeKimiServer server, KimiClient kimi) throws Exception {
    FakeResponse late =
        FakeResponse.sse()
            .data(kind == Kind.CHAT ? content("late") : "late")
            .build()
            .withHeadersDelay(Duration.ofMinutes(10));
    server.enqueue(late);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    CompletableFuture<AutoCloseable> opened = new CompletableFuture<>();
    List<Object> seen = new ArrayList<>();
    Thread consumer =
        new Thread(
            () -> {
              try {
                Iterable<?> items =
                    kind == Kind.CHAT
                        ? kimi.stream(HELLO)
                        : kimi.requestEvents("GET", "events", null);
                opened.complete((AutoCloseable) items);
                Iterator<?> it = items.iterator();
                while (it.hasNext()) {
                  seen.add(it.next());
                }
                outcome.complete(null);
              } catch (Throwable e) {
                outcome.complete(e);
              } finally {
                interruptKept.complete(Thread.currentThread().isInterrupted());
              }
            });
    consumer.setDaemon(true);
    consumer.start();
    AutoCloseable stream = opened.get(10, TimeUnit.SECONDS);
    server.takeRequest(); // the request is out, its headers held back

    switch (stop) {
      case CLOSE_STREAM -> stream.close();
      case CLOSE_CLIENT -> kimi.close();
      case INTERRUPT -> consumer.interrupt();
      case CANCEL -> throw new AssertionError(stop);
    }

    Throwable t = outcome.get(20, TimeUnit.SECONDS);
    CancelledException.Reason expected =
        switch (stop) {
          case CLOSE_STREAM -> CancelledException.Reason.CLOSED;
          case CLOSE_CLIENT -> CancelledException.Reason.CLIENT_CLOSED;
          default -> CancelledException.Reason.INTERRUPTED;
        };
    assertThat(t).isInstanceOf(CancelledException.class);
    assertThat(((CancelledException) t).reason()).isEqualTo(expected);
    assertThat(interruptKept.get(10, TimeUnit.SECONDS))
        .as("the interrupt status is kept after an interrupt only")
        .isEqualTo(stop == Stop.INTERRUPT);
    assertThat(seen).isEmpty();
    assertThat(server.requestCount()).as("a stopped stream is never retried").isEqualTo(1);
  }

  private static Opened open(
      Kind kind, boolean afterFirst, FakeKimiServer server, KimiClient kimi) {
    switch (kind) {
      case CHAT -> {
        server.enqueue(held(server, content("first"), afterFirst));
        ChatStream s = kimi.stream(HELLO);
        return new Opened(
            s, s, s, () -> server.awaitDisconnect(Duration.ofSeconds(10)), server::takeRequest);
      }
      case EVENTS -> {
        server.enqueue(held(server, "first", afterFirst));
        KimiEventStream s = kimi.requestEvents("GET", "events", null);
        return new Opened(
            s, s, s, () -> server.awaitDisconnect(Duration.ofSeconds(10)), server::takeRequest);
      }
      case WRAPPED_PUBLISHER -> {
        SubmissionPublisher<ChatCompletionChunk> pub = new SubmissionPublisher<>(Runnable::run, 8);
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        Flow.Publisher<ChatCompletionChunk> source =
            sub -> {
              pub.subscribe(sub);
              subscribed.complete(null);
              if (afterFirst) {
                pub.submit(firstChunk());
              }
            };
        ChatStream s = ChatStream.of(source);
        return new Opened(s, s, s, () -> pub.getNumberOfSubscribers() == 0, subscribed::join);
      }
    }
    throw new AssertionError(kind);
  }

  /** One event (or none), then the connection held open. */
  private static FakeResponse held(FakeKimiServer server, String data, boolean afterFirst) {
    return afterFirst
        ? FakeResponse.sse().data(data).build().holdingOpen()
        : FakeResponse.sse().build().holdingOpen();
  }

  private static ChatCompletionChunk firstChunk() {
    byte[] b = content("first").getBytes(StandardCharsets.UTF_8);
    return ChatCodec.decodeChunk(b, 0, b.length);
  }

  private static Flow.Subscriber<Object> cancellingAfterFirst(
      List<Object> seen, CountDownLatch first, CompletableFuture<Throwable> outcome) {
    return new Flow.Subscriber<>() {
      private Flow.Subscription sub;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        sub = s;
        s.request(1);
      }

      @Override
      public void onNext(Object item) {
        seen.add(item);
        sub.cancel();
        first.countDown();
      }

      @Override
      public void onError(Throwable t) {
        outcome.complete(t);
      }

      @Override
      public void onComplete() {
        outcome.complete(null);
      }
    };
  }
}
