package io.github.kimisdk.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.base.sse.SseSubscriber;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SSE body subscribers against a real HTTP/1.1 server on loopback. */
class SseBodySubscribersHttpTest {
  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static HttpClient client;
  private static final AtomicInteger paths = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  /** What a server handler writes. */
  interface Script {
    void run(HttpExchange exchange, OutputStream out) throws Exception;
  }

  /** Serves {@code script} as a chunked text/event-stream; returns the request URI. */
  private static URI serve(Script script) {
    String path = "/s" + paths.incrementAndGet();
    HttpHandler handler =
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          try {
            script.run(exchange, exchange.getResponseBody());
          } catch (Exception e) {
            // The client went away; the script saw what it needed to.
          } finally {
            exchange.close();
          }
        };
    server.createContext(path, handler);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static byte[] kimiStream() throws IOException {
    try (InputStream in =
        SseBodySubscribersHttpTest.class.getResourceAsStream(
            "/sse/moonshotai-usage-live.chunks.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder sse = new StringBuilder(": kimi stream\r\n");
      int n = 0;
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          // Mix line ends and fields so the trickle crosses every kind of boundary.
          sse.append(n % 3 == 0 ? "id: " + n + "\r\n" : "")
              .append("data: ")
              .append(line)
              .append(n % 2 == 0 ? "\n\n" : "\r\n\r\n");
          n++;
        }
      }
      sse.append("data: [DONE]\n\n");
      return sse.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static List<ServerSentEvent> parseWhole(byte[] bytes) {
    List<ServerSentEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(bytes, 0, bytes.length);
    parser.close();
    return events;
  }

  @Test
  void eventsTrickledInTinyChunksArriveIntact() throws Exception {
    byte[] body = kimiStream();
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              Random random = new Random(42);
              for (int i = 0; i < body.length; ) {
                int n = Math.min(body.length - i, 1 + random.nextInt(3));
                out.write(body, i, n);
                out.flush();
                i += n;
              }
            });
    HttpResponse<EventStream> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEventStream());
    List<ServerSentEvent> received;
    try (EventStream events = response.body()) {
      received = events.stream().collect(Collectors.toList());
    }
    assertThat(received).hasSize(20).isEqualTo(parseWhole(body));
    assertThat(received.get(0).data()).startsWith("{\"id\":\"chatcmpl-");
    assertThat(received.get(19).data()).isEqualTo("[DONE]");
  }

  @Test
  void closeMidEventDiscardsTheUnterminatedEvent() throws Exception {
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              write(out, "data: first\n\ndata: second\n\ndata: cut sho");
            });
    HttpResponse<EventStream> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEventStream());
    List<String> data = new ArrayList<>();
    try (EventStream events = response.body()) {
      for (ServerSentEvent event : events) {
        data.add(event.data());
      }
    }
    assertThat(data).containsExactly("first", "second");
  }

  @Test
  void brokenConnectionFailsAfterTheEventsBeforeIt() throws Exception {
    CountDownLatch clientGotFirst = new CountDownLatch(1);
    URI uri =
        serve(
            (exchange, out) -> {
              // Promise more bytes than are sent, then close: the client sees a broken body.
              exchange.sendResponseHeaders(200, 1000);
              write(out, "data: first\n\ndata: cut");
              // Crash only once the client holds the first event, so the break cannot race the
              // response headers (that would fail send() instead of the body).
              clientGotFirst.await(30, TimeUnit.SECONDS);
              throw new IOException("simulated crash");
            });
    HttpResponse<EventStream> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEventStream());
    try (EventStream events = response.body()) {
      Iterator<ServerSentEvent> it = events.iterator();
      assertThat(it.next().data()).isEqualTo("first");
      clientGotFirst.countDown();
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void stalledEventIsHeldUntilItsEndArrives() throws Exception {
    CountDownLatch clientGotOne = new CountDownLatch(1);
    CountDownLatch halfWritten = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              write(out, "data: one\n\n");
              clientGotOne.await();
              write(out, "data: tw");
              halfWritten.countDown();
              goOn.await();
              write(out, "o\n\n");
            });
    LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    SseSubscriber<String> body =
        new SseSubscriber<>(
            (type, data, off, len, id, out) ->
                out.emit(new String(data, off, len, StandardCharsets.UTF_8)),
            SseLimits.defaults());
    HttpResponse<Flow.Publisher<String>> response = client.send(get(uri), info -> body);
    response.body().subscribe(queueingSubscriber(signals, Long.MAX_VALUE));
    assertThat(signals.poll(10, TimeUnit.SECONDS)).isEqualTo("one");
    long afterOne = body.lastActivityNanos();
    clientGotOne.countDown();
    assertThat(halfWritten.await(10, TimeUnit.SECONDS)).isTrue();
    // Wait until the half event's bytes have reached the subscriber: nothing may be emitted.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (body.lastActivityNanos() == afterOne && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(body.lastActivityNanos()).isNotEqualTo(afterOne);
    assertThat(signals).isEmpty();
    goOn.countDown();
    assertThat(signals.poll(10, TimeUnit.SECONDS)).isEqualTo("two");
    assertThat(signals.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
  }

  @Test
  void abortOnAStalledStreamFailsItAndClosesTheConnection() throws Exception {
    CountDownLatch serverSawFailure = new CountDownLatch(1);
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              write(out, "data: one\n\n");
              // Stall, then keep probing until the closed connection makes a write fail.
              try {
                for (int i = 0; i < 1_000_000; i++) {
                  Thread.sleep(5);
                  write(out, ": ping\n");
                }
              } catch (IOException e) {
                serverSawFailure.countDown();
              }
            });
    LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    SseSubscriber<String> body =
        new SseSubscriber<>(
            new SseEventHandler<String>() {
              @Override
              public void onEvent(
                  String type, byte[] data, int off, int len, String id, Emitter<String> out) {
                out.emit(new String(data, off, len, StandardCharsets.UTF_8));
              }

              @Override
              public Throwable mapError(Throwable error) {
                return new IllegalStateException("idle timeout", error);
              }
            },
            SseLimits.defaults());
    HttpResponse<Flow.Publisher<String>> response = client.send(get(uri), info -> body);
    response.body().subscribe(queueingSubscriber(signals, 1));
    assertThat(signals.poll(10, TimeUnit.SECONDS)).isEqualTo("one");
    body.abort(new IOException("no bytes for 30 s"));
    Object error = signals.poll(10, TimeUnit.SECONDS);
    assertThat(error).isInstanceOf(IllegalStateException.class);
    assertThat((Throwable) error)
        .hasMessage("idle timeout")
        .hasRootCauseMessage("no bytes for 30 s");
    assertThat(serverSawFailure.await(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closingTheEventStreamEarlyClosesTheConnection() throws Exception {
    CountDownLatch serverSawFailure = new CountDownLatch(1);
    AtomicInteger written = new AtomicInteger();
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              try {
                while (true) {
                  write(out, "data: " + written.incrementAndGet() + "\n\n");
                }
              } catch (IOException e) {
                serverSawFailure.countDown();
              }
            });
    HttpResponse<EventStream> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEventStream());
    List<String> data = new ArrayList<>();
    try (EventStream events = response.body()) {
      for (ServerSentEvent event : events) {
        data.add(event.data());
        if (data.size() == 3) {
          break;
        }
      }
    }
    assertThat(data).containsExactly("1", "2", "3");
    assertThat(serverSawFailure.await(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void cancellingTheSubscriptionClosesTheConnection() throws Exception {
    CountDownLatch serverSawFailure = new CountDownLatch(1);
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              try {
                for (int i = 0; ; i++) {
                  write(out, "data: " + i + "\n\n");
                }
              } catch (IOException e) {
                serverSawFailure.countDown();
              }
            });
    HttpResponse<Flow.Publisher<ServerSentEvent>> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEvents());
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    List<ServerSentEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch gotTwo = new CountDownLatch(2);
    response
        .body()
        .subscribe(
            new Flow.Subscriber<ServerSentEvent>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(2);
              }

              @Override
              public void onNext(ServerSentEvent item) {
                seen.add(item);
                gotTwo.countDown();
              }

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
    assertThat(gotTwo.await(10, TimeUnit.SECONDS)).isTrue();
    subscription.get().cancel();
    subscription.get().cancel();
    assertThat(serverSawFailure.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).hasSize(2);
  }

  @Test
  void eventTooLargeFailsTheStreamWithSseException() throws Exception {
    CountDownLatch clientGotFirst = new CountDownLatch(1);
    URI uri =
        serve(
            (exchange, out) -> {
              exchange.sendResponseHeaders(200, 0);
              out.flush();
              write(out, "data: ok\n\n");
              // Send the oversized event only once the client holds the first one: the limit
              // cancels the body, and a cancel before send() returns would fail send() itself.
              clientGotFirst.await(30, TimeUnit.SECONDS);
              write(out, "data: " + "x".repeat(100) + "\n\n");
            });
    HttpResponse<EventStream> response =
        client.send(get(uri), info -> SseBodySubscribers.ofEventStream(new SseLimits(64, 64)));
    try (EventStream events = response.body()) {
      Iterator<ServerSentEvent> it = events.iterator();
      assertThat(it.next()).isEqualTo(ServerSentEvent.message("ok"));
      clientGotFirst.countDown();
      assertThatThrownBy(it::hasNext)
          .isInstanceOf(SseException.class)
          .hasMessageContaining("longer than 64 bytes");
    }
  }

  private static Flow.Subscriber<Object> queueingSubscriber(
      LinkedBlockingQueue<Object> signals, long request) {
    return new Flow.Subscriber<Object>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(request);
      }

      @Override
      public void onNext(Object item) {
        signals.add(item);
      }

      @Override
      public void onError(Throwable throwable) {
        signals.add(throwable);
      }

      @Override
      public void onComplete() {
        signals.add("complete");
      }
    };
  }
}
