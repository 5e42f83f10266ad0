package io.github.kimisdk;

import static io.github.kimisdk.ClientInternals.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.sse.SseBodySubscribers;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one stream contract, the same for every stream type the SDK hands out (a chat stream, the
 * {@code sse.EventStream} of {@code requestEvents}, a {@code ChatStream} over a publisher of your
 * own, and an {@code sse.EventStream} over a response body), one table run against each: a stream
 * is cold, consumed once, refuses a consumer after {@code close()} (and lets a source it never
 * consumed go), and its {@code stream()} closes it on close; closing it from another thread,
 * closing the client, interrupting its consumer and cancelling its subscription behave alike,
 * before and after the first item. Every failure of a Kimi stream is a {@link KimiException}: a
 * {@link CancelledException} naming the reason, carried by a {@link StreamAbortedException} with
 * what arrived where the stream keeps it (a chat stream's chunks); {@code sse}, which knows nothing
 * of Kimi, fails with the JDK's {@link CancellationException}. Nothing waits on a fixed sleep: the
 * consumer says when it holds the first item, and the server when the request arrived.
 */
@ExtendWith(FakeKimiExtension.class)
class StreamContractHttpTest {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  /** Reads a response body for {@code sse.EventStream}, as a user of {@code java.net.http} does. */
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A stream type: how to open one that sends one item and then holds the connection open. */
  enum Kind {
    CHAT("ChatStream", true, true, true),
    EVENTS("EventStream", true, true, true), // of requestEvents
    WRAPPED_PUBLISHER("ChatStream", false, false, true),
    EVENT_STREAM("EventStream", true, false, false);

    final String type;
    final boolean overHttp;
    final boolean ofClient;
    final boolean kimi;

    /**
     * Describes a stream type.
     *
     * @param type the public type's simple name
     * @param overHttp its items come from the fake over loopback
     * @param ofClient a {@code KimiClient} makes it (it sends its request when consumed, and the
     *     client's close stops it)
     * @param kimi it fails with {@code KimiException}s
     */
    Kind(String type, boolean overHttp, boolean ofClient, boolean kimi) {
      this.type = type;
      this.overHttp = overHttp;
      this.ofClient = ofClient;
      this.kimi = kimi;
    }
  }

  /** How the consumer is stopped. */
  enum Stop {
    CLOSE_STREAM,
    CLOSE_CLIENT,
    INTERRUPT,
    CANCEL
  }

  /**
   * An open stream of any kind, seen through what every kind offers.
   *
   * @param publisher the stream as a publisher
   * @param items the stream as an iterable
   * @param stream the stream to close
   * @param javaStream calls the stream's {@code stream()}
   * @param started tells whether it sent its request or subscribed to its source
   * @param sourceLetGo tells (waiting a while for it) whether its source was cancelled
   * @param holdUntilRequested waits until a consumer made it send or subscribe
   */
  record Opened(
      Flow.Publisher<?> publisher,
      Iterable<?> items,
      AutoCloseable stream,
      Supplier<Stream<?>> javaStream,
      BooleanSupplier started,
      BooleanSupplier sourceLetGo,
      Runnable holdUntilRequested) {}

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (Stop s : Stop.values()) {
        if (s == Stop.CLOSE_CLIENT && !k.ofClient) {
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

  /**
   * A daemon thread, started, that iterates what {@code items} opens into {@code seen}, running
   * {@code each} after every item, then completes {@code outcome} with its failure (null if it
   * ended) and {@code interruptKept} with whether its interrupt was still set.
   */
  private static Thread consuming(
      java.util.concurrent.Callable<Iterable<?>> items,
      List<Object> seen,
      Runnable each,
      CompletableFuture<Throwable> outcome,
      CompletableFuture<Boolean> interruptKept) {
    Thread consumer =
        new Thread(
            () -> {
              try {
                Iterator<?> it = items.call().iterator();
                while (it.hasNext()) {
                  seen.add(it.next());
                  each.run();
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
    return consumer;
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
      consumer = consuming(s::items, seen, first::countDown, outcome, interruptKept);
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
    if (!kind.kimi) {
      assertThat(t).isInstanceOf(CancellationException.class);
      if (stop == Stop.INTERRUPT) {
        assertThat(t).hasCauseInstanceOf(InterruptedException.class);
      } else {
        assertThat(t)
            .hasMessage("The EventStream was closed (close() on the stream) before it ended");
      }
    } else {
      assertKimiFailure(t, stop);
    }
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

  private static void assertKimiFailure(Throwable t, Stop stop) {
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
  }

  /** What is done with a stream before, or instead of, reading it through. */
  enum Life {
    /** Nothing is sent or subscribed before it is consumed. */
    COLD,
    /** A second consumer is refused. */
    CONSUMED_TWICE,
    /** A consumer after {@code close()} is refused, and the source it never consumed let go. */
    CLOSED_BEFORE_CONSUMED,
    /** Closing what {@code stream()} returned closes the stream. */
    STREAM_CLOSE_CLOSES
  }

  static Stream<Arguments> lives() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (Life l : Life.values()) {
        out.add(Arguments.of(k, l));
      }
    }
    return out.stream();
  }

  /**
   * What jshell shows for a stream and its iterator: the state, the items read and the response's
   * status and request id, never a message's text or the key.
   */
  @org.junit.jupiter.api.Test
  void aStreamAndItsIteratorDescribeThemselvesWithoutTheirContentsOrTheKey(FakeKimiServer server) {
    // the fake echoes the prompt: every chunk's text holds "secret"
    try (KimiClient kimi =
        KimiClient.builder().apiKey("sk-never-shown").baseUrl(server.baseUrl()).build()) {
      ChatStream stream = kimi.stream(ChatRequest.of("kimi-k2.6", "Tell me the secret"));
      assertThat(stream).hasToString("ChatStream[not started]");
      Iterator<ChatCompletionChunk> it = stream.iterator();
      while (it.hasNext()) {
        it.next();
      }
      assertThat(stream.toString())
          .matches("ChatStream\\[ended, \\d+ chunks? read, ResponseMetadata\\[status=200.*\\]\\]")
          .doesNotContain("secret")
          .doesNotContain("sk-never-shown");
      assertThat(it.toString()).isEqualTo("iterator of " + stream);
      stream.close();
      assertThat(stream.toString()).startsWith("ChatStream[closed, ");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("lives")
  void everyStreamLivesTheSameWay(Kind kind, Life life, FakeKimiServer server, KimiClient kimi)
      throws Exception {
    Opened s = open(kind, true, server, kimi);
    String type = kind.type;
    assertThat(s.started().getAsBoolean()).as("nothing is sent before it is consumed").isFalse();
    assertThat(s.stream()).hasToString(type + "[not started]");
    switch (life) {
      case COLD -> {
        Iterator<?> it = s.items().iterator();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.next()).isNotNull();
        assertThat(s.started().getAsBoolean()).as("consuming it sent it").isTrue();
        assertThat(s.stream().toString())
            .matches(
                type
                    + "\\[started, 1 (chunk|event) read"
                    + "(, ResponseMetadata\\[status=200[^\\]]*\\])?\\]");
        s.stream().close();
      }
      case CONSUMED_TWICE -> {
        s.items().iterator();
        String article = type.startsWith("E") ? "an " : "a ";
        assertRefused(
            s,
            "This "
                + type
                + " was already consumed; "
                + article
                + type
                + " can be consumed only once");
        s.stream().close();
      }
      case CLOSED_BEFORE_CONSUMED -> {
        s.stream().close();
        s.stream().close();
        assertRefused(s, "This " + type + " is closed");
        if (kind.ofClient) {
          assertThat(server.requestCount()).as("nothing was sent").isZero();
        }
      }
      case STREAM_CLOSE_CLOSES -> {
        try (Stream<?> items = s.javaStream().get()) {
          assertThat(items.findFirst()).isPresent();
        }
      }
    }
    assertThat(s.stream().toString()).matches(type + "\\[closed(, .*)?\\]");
    if (life != Life.CLOSED_BEFORE_CONSUMED || !kind.ofClient) {
      assertThat(s.sourceLetGo().getAsBoolean()).as("the source was let go").isTrue();
    }
  }

  /** Every way to consume {@code s} again is refused with {@code message}. */
  private static void assertRefused(Opened s, String message) throws Exception {
    assertThatThrownBy(() -> s.items().iterator())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> s.javaStream().get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(message);
    if (s.publisher() != null) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      s.publisher()
          .subscribe(cancellingAfterFirst(new ArrayList<>(), new CountDownLatch(1), outcome));
      assertThat(outcome.get(10, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(message);
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
        consuming(
            () -> {
              Iterable<?> items =
                  kind == Kind.CHAT
                      ? kimi.stream(HELLO)
                      : kimi.requestEvents("GET", "events", null);
              opened.complete((AutoCloseable) items);
              return items;
            },
            seen,
            () -> {},
            outcome,
            interruptKept);
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

  private static Opened open(Kind kind, boolean afterFirst, FakeKimiServer server, KimiClient kimi)
      throws Exception {
    BooleanSupplier sent = () -> server.requestCount() > 0;
    BooleanSupplier disconnected = () -> server.awaitDisconnect(Duration.ofSeconds(10));
    switch (kind) {
      case CHAT -> {
        server.enqueue(held(server, content("first"), afterFirst));
        ChatStream s = kimi.stream(HELLO);
        return new Opened(s, s, s, s::stream, sent, disconnected, server::takeRequest);
      }
      case EVENTS -> {
        server.enqueue(held(server, "first", afterFirst));
        EventStream s = kimi.requestEvents("GET", "events", null);
        return new Opened(s, s, s, s::stream, sent, disconnected, server::takeRequest);
      }
      case EVENT_STREAM -> {
        server.enqueue(held(server, "first", afterFirst));
        HttpRequest get =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/events"))
                .header("Authorization", "Bearer " + FakeKimiExtension.KEY)
                .build();
        Flow.Publisher<ServerSentEvent> body =
            HTTP.send(get, info -> SseBodySubscribers.ofEvents()).body();
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        EventStream s =
            EventStream.of(
                sub -> {
                  body.subscribe(sub);
                  subscribed.complete(null);
                });
        return new Opened(s, s, s, s::stream, subscribed::isDone, disconnected, subscribed::join);
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
        return new Opened(
            s,
            s,
            s,
            s::stream,
            subscribed::isDone,
            () -> subscribed.isDone() && pub.getNumberOfSubscribers() == 0,
            subscribed::join);
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
