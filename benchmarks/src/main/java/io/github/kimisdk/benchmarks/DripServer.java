package io.github.kimisdk.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loopback server of {@link StreamScaleRun}, run in a JVM of its own: answers every chat
 * request whose prompt is {@code stream-<i>} with a Kimi-shaped event stream of {@code chunks}
 * chunks whose contents are {@code s<i>-<k> }, one every {@code intervalMillis}, then {@code
 * [DONE]}. A prompt that also says {@code hold} gets its first chunk at once and the rest only
 * after a {@code GET /release}, so a client can look at its heap with every stream open. Each
 * exchange runs on a virtual thread when the JVM has them (21 and later), else on a thread of a
 * cached pool. Prints its base URL on one line, then serves until killed.
 *
 * <p>Arguments: chunks per stream (default 20), milliseconds between chunks (default 50).
 */
public final class DripServer {

  private static final Pattern PROMPT = Pattern.compile("stream-(\\d+)( hold)?");

  private final int chunks;
  private final long intervalMillis;
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();

  private DripServer(int chunks, long intervalMillis) {
    this.chunks = chunks;
    this.intervalMillis = intervalMillis;
  }

  /**
   * Starts the server.
   *
   * @param args chunks per stream and milliseconds between chunks
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int chunks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long interval = args.length > 1 ? Long.parseLong(args[1]) : 50;
    DripServer drip = new DripServer(chunks, interval);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16384);
    server.setExecutor(executor());
    server.createContext("/v1/chat/completions", drip::chat);
    server.createContext("/release", drip::release);
    server.start();
    System.out.println("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    System.out.flush();
    Thread.currentThread().join();
  }

  /** A virtual thread per task where the JDK has them (found reflectively: built for 17). */
  static ExecutorService executor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      return Executors.newCachedThreadPool();
    }
  }

  private void release(HttpExchange exchange) throws IOException {
    CountDownLatch g = gate;
    gate = new CountDownLatch(1);
    g.countDown();
    byte[] body = ("released " + held.getAndSet(0) + "\n").getBytes(StandardCharsets.US_ASCII);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void chat(HttpExchange exchange) throws IOException {
    String request;
    try (InputStream in = exchange.getRequestBody()) {
      request = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = PROMPT.matcher(request);
    if (!m.find()) {
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
      return;
    }
    String id = m.group(1);
    boolean hold = m.group(2) != null;
    CountDownLatch g = gate;
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    exchange.getResponseBody().flush();
    try (OutputStream out = exchange.getResponseBody()) {
      for (int k = 0; k < chunks; k++) {
        if (k == 1 && hold) {
          held.incrementAndGet();
          g.await();
        } else if (k > 0) {
          Thread.sleep(intervalMillis);
        }
        out.write(chunk(id, k, k == chunks - 1));
        out.flush();
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] chunk(String id, int k, boolean last) {
    return ("data: {\"id\":\"chatcmpl-scale-"
            + id
            + "\",\"object\":\"chat.completion.chunk\",\"created\":1763870000,\"model\":\"kimi-k2.6\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"s"
            + id
            + "-"
            + k
            + " \"},\"finish_reason\":"
            + (last ? "\"stop\"" : "null")
            + "}]}\n\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
