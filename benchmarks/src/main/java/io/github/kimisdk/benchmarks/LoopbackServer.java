package io.github.kimisdk.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 server that answers every request with the same pre-built {@code
 * text/event-stream} body, chunked as a streaming server sends it. It does no per-request work
 * beyond draining the request body, so it costs every client the same.
 *
 * <p>The server's sockets are set to {@code TCP_NODELAY} (the JDK server's {@code
 * sun.net.httpserver.nodelay} property, set here before the first server is created), as production
 * servers such as nginx set it. Without it, Nagle's algorithm on the server meeting the client's
 * delayed ACK stalls some responses for about 40 ms on Linux loopback: a run of 300 calls then
 * shows a median near 1 ms and a 90th percentile near 44 ms, and calls per second measure those
 * stalls rather than the clients.
 */
final class LoopbackServer implements AutoCloseable {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] body;
  private final Map<String, byte[]> byPath;
  private final AtomicLong requests = new AtomicLong();
  private final boolean whole;

  LoopbackServer(byte[] body) throws IOException {
    this(body, Map.of());
  }

  /**
   * A server that answers the paths of {@code byPath} with their bodies, and any other with one.
   */
  LoopbackServer(byte[] body, Map<String, byte[]> byPath) throws IOException {
    this(body, byPath, false);
  }

  /**
   * A server that answers as {@link #LoopbackServer(byte[], Map)}, and with {@code whole} sends
   * each body with its {@code Content-Length} in one write instead of chunked. The chunked server
   * writes a body in pieces of a few kilobytes, and how many of them one read of the client picks
   * up depends on which thread the two cores ran first, and with it how often the client's threads
   * wake: its CPU per call moves by a third from one JVM to the next. The whole body lands in the
   * client's socket at once, so every call is read the same way.
   */
  LoopbackServer(byte[] body, Map<String, byte[]> byPath, boolean whole) throws IOException {
    this.whole = whole;
    this.body = body;
    this.byPath = Map.copyOf(byPath);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "loopback-sse");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    requests.incrementAndGet();
    byte[] answer = byPath.getOrDefault(exchange.getRequestURI().getPath(), body);
    // a whole completion (ChatAnswer) is JSON; every other answer an event stream
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            answer.length > 0 && answer[0] == '{' ? "application/json" : "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, whole ? answer.length : 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  /** Returns the base URL, such as {@code http://127.0.0.1:1234/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
