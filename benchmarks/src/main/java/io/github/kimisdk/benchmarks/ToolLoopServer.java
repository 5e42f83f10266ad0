package io.github.kimisdk.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model of {@link ToolLoopCost}'s tool loop, on loopback, answering at once from bodies built
 * in advance: a chat completion that calls the tool {@code notify} twice (in parallel, as one
 * turn), {@link #STEPS} turns in a row, and then an answer. It finds a request's turn by counting
 * the tool results it carries ({@code "tool_call_id"}, two a turn), so one server serves any number
 * of loops at once and each loop, of either build, gets the same bytes. A request whose tool
 * results are not whole turns (an odd count, more than {@link #STEPS} turns) is answered 400, so a
 * loop that lost or repeated a result fails its run instead of being measured.
 *
 * <p>Each body is sent in one write with its length (see {@link LoopbackServer} for why), from
 * sockets with {@code TCP_NODELAY}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.ToolLoopServer
 * </pre>
 *
 * <p>prints its base URL on one line and serves until killed.
 */
public final class ToolLoopServer implements AutoCloseable {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** The turns of tool calls before the answer: a loop makes {@code STEPS + 1} model calls. */
  public static final int STEPS = 10;

  /** The tool calls of one turn, run in parallel by the loop. */
  public static final int CALLS_PER_STEP = 2;

  /** The answer after the last turn. */
  public static final String ANSWER = "Told the 20 account holders.";

  /** The user's task that {@link #STEPS} turns of {@code notify} carry out. */
  public static final String TASK =
      "Tell each of the account holders acct-1 to acct-20 that their statement is ready, two at a"
          + " time.";

  private static final byte[] NO_TURN =
      ("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"the tool results do not"
              + " answer whole turns of this loop\"}}")
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[][] bodies = new byte[STEPS + 1][];
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * Starts the server on a free loopback port.
   *
   * @throws IOException if it cannot listen
   */
  public ToolLoopServer() throws IOException {
    for (int step = 0; step <= STEPS; step++) {
      bodies[step] = body(step).getBytes(StandardCharsets.UTF_8);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "tool-loop-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Serves until killed, its base URL printed on the first line.
   *
   * @param args none
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    ToolLoopServer server = new ToolLoopServer();
    System.out.println(server.baseUrl());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** The completion of turn {@code step} (0-based), or the answer after the last. */
  static String body(int step) {
    String message;
    String finish;
    if (step < STEPS) {
      StringBuilder calls = new StringBuilder();
      for (int i = 0; i < CALLS_PER_STEP; i++) {
        int account = step * CALLS_PER_STEP + i + 1;
        calls
            .append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"index\":%d,\"id\":\"notify:%d\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"notify\",\"arguments\":\"{\\\"to\\\":\\\"acct-%d\\\"}\"}}",
                    i,
                    account - 1,
                    account));
      }
      message =
          "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"Two more account"
              + " holders to tell.\",\"tool_calls\":["
              + calls
              + "]}";
      finish = "tool_calls";
    } else {
      message =
          "{\"role\":\"assistant\",\"content\":\""
              + ANSWER
              + "\",\"reasoning_content\":\"All told.\"}";
      finish = "stop";
    }
    int prompt = 180 + 90 * step;
    int completion = step < STEPS ? 48 : 12;
    return String.format(
        Locale.ROOT,
        "{\"id\":\"chatcmpl-loop-%d\",\"object\":\"chat.completion\",\"created\":1764320000,"
            + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":%s,\"finish_reason\":"
            + "\"%s\"}],\"usage\":{\"prompt_tokens\":%d,\"completion_tokens\":%d,"
            + "\"total_tokens\":%d}}",
        step,
        message,
        finish,
        prompt,
        completion,
        prompt + completion);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] request;
    try (InputStream in = exchange.getRequestBody()) {
      request = in.readAllBytes();
    }
    requests.incrementAndGet();
    byte[] answer;
    int status;
    int results = count(request, TOOL_CALL_ID);
    if (!exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
      status = 404;
      answer = NO_TURN;
    } else if (results % CALLS_PER_STEP != 0 || results / CALLS_PER_STEP > STEPS) {
      status = 400;
      answer = NO_TURN;
    } else {
      status = 200;
      answer = bodies[results / CALLS_PER_STEP];
    }
    if (status != 200) {
      refused.incrementAndGet();
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  private static final byte[] TOOL_CALL_ID = "\"tool_call_id\"".getBytes(StandardCharsets.UTF_8);

  /** Occurrences of {@code needle} in {@code hay}, in one pass. */
  static int count(byte[] hay, byte[] needle) {
    int n = 0;
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      n++;
      i += needle.length - 1;
    }
    return n;
  }

  /**
   * Returns the base URL, such as {@code http://127.0.0.1:1234/v1}.
   *
   * @return the URL
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Requests served. */
  long requests() {
    return requests.get();
  }

  /** Requests answered otherwise than 200. */
  long refused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
