package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.client.TestConfig;
import io.github.kimisdk.sse.ServerSentEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A streaming attempt aborted before its answer's headers came (a hedge handing the call over, a
 * bound that fired): the exchange is abandoned and its connection closed while the server still
 * holds the headers, the abort's cause reaches the failure callback once, and an answer whose
 * headers come anyway reaches nobody. On a server of raw sockets that holds its headers and tells
 * when the client closed the connection.
 */
class StreamAttemptAbortHttpTest {

  /** Far longer than any step of a test: a wait this long means it did not happen. */
  static final long BOUND_SECONDS = 20;

  HoldingServer server;
  HttpClient http;
  HttpTransport transport;

  @BeforeEach
  void start() throws IOException {
    server = new HoldingServer();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    transport =
        HttpTransport.builder(
                TestConfig.builder(Endpoint.of(server.baseUrl()), "sk-test")
                    .timeouts(
                        Timeouts.defaults()
                            .withResponseHeaders(Duration.ofSeconds(60))
                            .withStreamIdle(Duration.ofSeconds(60)))
                    .build(),
                CompletableFuture.completedFuture(http),
                TestErrors.factory())
            .logger(System.getLogger("test"))
            .bodyWatch(new ManualScheduler())
            .lingerTimer((task, delay) -> {})
            .build();
  }

  @AfterEach
  void stop() throws IOException {
    transport.release();
    server.close();
  }

  HttpStreamAttempt<ServerSentEvent> attempt() {
    return transport.events("POST", "chat/completions", "{}".getBytes(), Overrides.NONE, 1);
  }

  @Test
  void anAbortBeforeTheHeadersClosesTheConnectionAndTellsItsCauseOnce() throws Exception {
    server.holdHeaders(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    HttpStreamAttempt<ServerSentEvent> a = attempt();
    EndingSubscriber<ServerSentEvent> events = new EndingSubscriber<>();
    AtomicInteger told = new AtomicInteger();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    a.start(
        events,
        e -> {
          told.incrementAndGet();
          failed.complete(e);
        });
    assertThat(server.requested.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

    IllegalStateException cause = new IllegalStateException("hedged");
    a.abort(cause);

    assertThat(failed.get(BOUND_SECONDS, TimeUnit.SECONDS)).isSameAs(cause);
    assertThat(server.clientClosed.await(BOUND_SECONDS, TimeUnit.SECONDS))
        .as("the connection closed while the server still held the headers")
        .isTrue();
    a.abort(new IllegalStateException("again")); // no effect
    assertThat(told.get()).isEqualTo(1);
    assertThat(events.subscribed.get()).as("no event stream reached the subscriber").isFalse();
  }

  @Test
  void anAbortBeforeTheHeadersEndsABlockingSendWithoutLeavingItsThreadInterrupted()
      throws Exception {
    server.holdHeaders(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    HttpStreamAttempt<ServerSentEvent> a = attempt();
    EndingSubscriber<ServerSentEvent> events = new EndingSubscriber<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    Thread sender =
        new Thread(
            () -> {
              a.startBlocking(events, failed::complete);
              interruptedAfter.complete(Thread.currentThread().isInterrupted());
            });
    sender.start();
    assertThat(server.requested.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

    IllegalStateException cause = new IllegalStateException("hedged");
    a.abort(cause);

    assertThat(failed.get(BOUND_SECONDS, TimeUnit.SECONDS)).isSameAs(cause);
    assertThat(interruptedAfter.get(BOUND_SECONDS, TimeUnit.SECONDS))
        .as("the abort's interrupt is not left on the sending thread")
        .isFalse();
    assertThat(server.clientClosed.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(events.subscribed.get()).isFalse();
  }

  @Test
  void anAttemptAbortedBeforeItStartsSendsNothing() throws Exception {
    HttpStreamAttempt<ServerSentEvent> a = attempt();
    IllegalStateException cause = new IllegalStateException("hedged");
    a.abort(cause);
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    EndingSubscriber<ServerSentEvent> events = new EndingSubscriber<>();

    a.start(events, failed::complete);

    assertThat(failed.get(BOUND_SECONDS, TimeUnit.SECONDS)).isSameAs(cause);
    assertThat(server.connections.get()).isZero();
    assertThat(events.subscribed.get()).isFalse();
  }

  @Test
  void anAbortAfterTheEventsStartedEndsTheStreamWithItsCause() throws Exception {
    server.holdHeaders(0);
    HttpStreamAttempt<ServerSentEvent> a = attempt();
    EndingSubscriber<ServerSentEvent> events = new EndingSubscriber<>();
    AtomicInteger told = new AtomicInteger();
    a.start(events, e -> told.incrementAndGet());
    assertThat(events.subscribedLatch.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

    IllegalStateException cause = new IllegalStateException("idle");
    a.abort(cause);

    assertThat(events.error.get(BOUND_SECONDS, TimeUnit.SECONDS)).hasRootCause(cause);
    assertThat(told.get()).as("the stream's own end, not the failure callback").isZero();
    assertThat(server.clientClosed.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Accepts one connection, reads its request, holds its answer's headers for a while (then sends
   * an event stream's headers and keep-alive comments), and counts down when the client closes the
   * connection.
   */
  static final class HoldingServer implements AutoCloseable {
    final ServerSocket socket;
    final CountDownLatch requested = new CountDownLatch(1);
    final CountDownLatch clientClosed = new CountDownLatch(1);
    final AtomicInteger connections = new AtomicInteger();
    volatile long holdMillis;

    HoldingServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::serve, "holding-server");
      t.setDaemon(true);
      t.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    void holdHeaders(long millis) {
      holdMillis = millis;
    }

    private void serve() {
      try (Socket s = socket.accept()) {
        connections.incrementAndGet();
        InputStream in = s.getInputStream();
        readRequest(in);
        requested.countDown();
        // The client's close shows as the end of its input: watch it while holding the headers.
        Thread watcher =
            new Thread(
                () -> {
                  try {
                    while (in.read() >= 0) {
                      // nothing more is sent by a client waiting for its answer
                    }
                  } catch (IOException reset) {
                    // a reset is a close too
                  }
                  clientClosed.countDown();
                },
                "holding-server-watch");
        watcher.setDaemon(true);
        watcher.start();
        if (clientClosed.await(holdMillis, TimeUnit.MILLISECONDS)) {
          return;
        }
        OutputStream out = s.getOutputStream();
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (!clientClosed.await(100, TimeUnit.MILLISECONDS)) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException | InterruptedException gone) {
        clientClosed.countDown();
      }
    }

    /** Reads a request's head and its body of {@code Content-Length} bytes. */
    private static void readRequest(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.append((char) b);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      in.readNBytes(length);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
