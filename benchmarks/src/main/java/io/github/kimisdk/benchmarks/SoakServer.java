package io.github.kimisdk.benchmarks;

import static io.github.kimisdk.benchmarks.LoopbackHttp.chunk;
import static io.github.kimisdk.benchmarks.LoopbackHttp.endChunks;

import io.github.kimisdk.benchmarks.LoopbackHttp.Request;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault server of {@link Soak}: a raw HTTP/1.1 server on 127.0.0.1 (a {@link ServerSocket}, a
 * daemon thread per connection, keep-alive) that answers each chat-completions request, streamed or
 * not, with a fault chosen from the seed, the call and the attempt ({@link #plan}), so that a run's
 * fault script is the same whatever the threads' timing. The call is the number in the user
 * message's {@code soak-<n>} tag; the attempt is how many requests of that call the server received
 * so far.
 *
 * <p>It keeps, per call, every attempt it received and what it sent (for a whole reply its id,
 * content and usage), so the harness can compare what its caller received; and it watches that the
 * client gives up on a silent response within its idle timeout: a held response the client left
 * open past {@code holdBound} is recorded as an attempt past its bounds.
 *
 * <p>Threads: the accept loop and one thread per connection, all daemons named {@code
 * soak-server-*}. A connection thread owns its socket; {@link #close()} closes every socket from
 * outside, which ends every blocked read, and every hold ends by itself after {@code holdMillis}.
 */
final class SoakServer implements AutoCloseable {

  /** What the server does with one request. */
  enum Fault {
    /**
     * The whole reply, with its usage (streamed: role, content chunks, finish, [DONE]); one in ten
     * is long (80 to 120 chunks, streamed one every 50 to 90 ms).
     */
    WHOLE(70),
    /**
     * HTTP 429 with {@code Retry-After} 0 or 1 ({@code rate_limit_reached_error} or overload; with
     * {@code --concurrency-refusals}, Moonshot's refusal for the organization's concurrency).
     */
    RATE_LIMITED(4),
    /** HTTP 500 (JSON), 502 (an HTML page, as a proxy sends) or 503 (JSON). */
    SERVER_ERROR(5),
    /** The request is read, then the connection is reset (RST) before any byte of a response. */
    RESET(4),
    /** The reply is cut mid-way: a stream after some chunks, a body after half its bytes. */
    CUT(4),
    /** The whole reply after a wait of 100 to 600 ms before its first byte (within the bounds). */
    SLOW(4),
    /** HTTP 400 {@code invalid_request_error}. */
    BAD_REQUEST(3),
    /** A chunk (or a non-streamed body) that is not JSON, in an otherwise well-framed response. */
    MALFORMED(3),
    /** The response headers, then nothing: held until the client leaves or {@code holdMillis}. */
    SILENCE(3);

    final int weight;

    Fault(int weight) {
      this.weight = weight;
    }

    /**
     * Tells whether the client's retry policy retries this fault (a stream only before a chunk).
     */
    boolean retried() {
      return this == RATE_LIMITED
          || this == SERVER_ERROR
          || this == RESET
          || this == CUT
          || this == SILENCE;
    }

    /** Tells whether the fault answers with the whole reply. */
    boolean whole() {
      return this == WHOLE || this == SLOW;
    }
  }

  /** A whole reply as sent: its id, content (as a client decodes it) and usage. */
  record Reply(String id, String content, int promptTokens, int completionTokens) {}

  /**
   * What the server does with attempt {@code attempt} of call {@code call}: the fault and its
   * parameters, and the reply's pieces (sent whole, or some of them).
   *
   * @param fault the fault
   * @param status the HTTP status of an error answer (429, 500, 502, 503, 400)
   * @param retryAfter the {@code Retry-After} seconds of a 429
   * @param overloaded whether a 429 says {@code engine_overloaded_error}
   * @param concurrency whether a 429 is Moonshot's refusal for the organization's concurrency
   *     ({@code rate_limit_reached_error}, {@link #CONCURRENCY_REFUSAL}), never an overload
   * @param delayMillis the wait before the first byte of a slow reply
   * @param keep how many content pieces a cut or malformed stream sends first
   * @param topLevelUsage whether a whole stream also sends the usage chunk of {@code
   *     stream_options.include_usage} (choices empty, usage at the top level) after the finish one
   * @param reply the reply the attempt sends or starts sending
   * @param pieces the reply's content split into the stream's chunks, as JSON source (escapes
   *     included)
   * @param dripMillis the pause before each content chunk of a long stream (0 for a short one)
   */
  record Plan(
      Fault fault,
      int status,
      int retryAfter,
      boolean overloaded,
      boolean concurrency,
      int delayMillis,
      int keep,
      boolean topLevelUsage,
      Reply reply,
      List<String> pieces,
      int dripMillis) {

    /** Returns how long the stream's content chunks take to drip ({@code sent} of them). */
    long dripFor(int sent) {
      return (long) sent * dripMillis;
    }

    /** Returns the content a cut or malformed stream sends before it breaks, decoded. */
    String keptText() {
      return decoded(String.join("", pieces.subList(0, keep)));
    }
  }

  /** One request as received, and how the attempt ended on the server's side. */
  static final class Attempt {
    final Plan plan;
    final boolean stream;
    volatile long heldMillis = -1; // SILENCE: how long the client kept the silent response open
    volatile boolean gaveUp; // SILENCE: the server gave up before the client left

    Attempt(Plan plan, boolean stream) {
      this.plan = plan;
      this.stream = stream;
    }
  }

  /** Every attempt the server received for one call, in order. */
  static final class CallLog {
    private final List<Attempt> attempts = new ArrayList<>(3);

    synchronized Attempt add(Attempt a) {
      attempts.add(a);
      return a;
    }

    synchronized int size() {
      return attempts.size();
    }

    synchronized List<Attempt> attempts() {
      return List.copyOf(attempts);
    }
  }

  /**
   * What a storm's 429 says: Moonshot's words when an organization has more requests in flight than
   * its concurrency allows, with no number (issue 84's storm).
   */
  static final String CONCURRENCY_REFUSAL =
      "request reached organization max concurrency, please slow down";

  private static final Pattern TAG = Pattern.compile("soak-(\\d+)");
  private static final String[] WORDS = {
    "soak",
    "kimi",
    "stream",
    "retry",
    "idle",
    "bound",
    "über",
    "naïve",
    "日本語",
    "测试",
    "ok",
    "\\\"quoted\\\"",
    "tab\\there",
    "line\\nbreak",
    "😀",
    "déjà",
    "end",
    "α",
    "β"
  };
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final long seed;
  private final int concurrencyRefusals;
  private final long holdMillis;
  private final long holdBoundMillis;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Object changes = new Object(); // notified when a connection is idle or closed
  private final Map<Integer, CallLog> calls = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong untagged = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<Integer, String> overheld = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /**
   * Starts the server on 127.0.0.1 on a free port.
   *
   * @param seed the seed of every fault script
   * @param holdMillis how long a silent response is held before the server gives up on it
   * @param holdBoundMillis how long a client may keep a silent response open (its idle timeout and
   *     a margin); longer is recorded as an attempt past its bounds
   */
  SoakServer(long seed, long holdMillis, long holdBoundMillis) throws IOException {
    this(seed, 0, holdMillis, holdBoundMillis);
  }

  /**
   * Starts the server on 127.0.0.1 on a free port; {@code concurrencyRefusals} percent of the
   * attempts (0: the soak's usual 4, in Kimi's mixed words) are refused with Moonshot's 429 for the
   * organization's concurrency ({@link #plan(long, int, int, int)}).
   */
  SoakServer(long seed, int concurrencyRefusals, long holdMillis, long holdBoundMillis)
      throws IOException {
    if (concurrencyRefusals < 0 || concurrencyRefusals > MAX_CONCURRENCY_REFUSALS) {
      throw new IllegalArgumentException(
          "concurrency refusals must be in [0, " + MAX_CONCURRENCY_REFUSALS + "] percent");
    }
    this.seed = seed;
    this.concurrencyRefusals = concurrencyRefusals;
    this.holdMillis = holdMillis;
    this.holdBoundMillis = holdBoundMillis;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    this.acceptor = new Thread(this::acceptLoop, "soak-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Returns the fault script of one attempt: the same for the same seed, call and attempt.
   *
   * @param seed the run's seed
   * @param call the call's number
   * @param attempt the attempt's number, from 1
   * @return the plan
   */
  static Plan plan(long seed, int call, int attempt) {
    return plan(seed, call, attempt, 0);
  }

  /** The most percent of attempts {@code --concurrency-refusals} may refuse. */
  static final int MAX_CONCURRENCY_REFUSALS = 70;

  /**
   * Returns the fault script of one attempt of a storm of refusals for concurrency: as {@link
   * #plan(long, int, int)}, but {@code concurrencyRefusals} percent of the attempts (when positive)
   * are {@link Fault#RATE_LIMITED}, each Moonshot's refusal for the organization's concurrency, the
   * whole replies giving way to them; every other fault keeps its share, and the seed draws the
   * same numbers.
   *
   * @param seed the run's seed
   * @param call the call's number
   * @param attempt the attempt's number, from 1
   * @param concurrencyRefusals the percent refused for concurrency, or 0 for the usual soak
   * @return the plan
   */
  static Plan plan(long seed, int call, int attempt, int concurrencyRefusals) {
    SplittableRandom r = new SplittableRandom(mix(seed, call, attempt));
    int roll = r.nextInt(100);
    Fault fault = Fault.WHOLE;
    for (Fault f : Fault.values()) {
      int weight = weight(f, concurrencyRefusals);
      if (roll < weight) {
        fault = f;
        break;
      }
      roll -= weight;
    }
    // one reply in ten is long, and streamed it drips (4 to 11 s): a stream dropped after its first
    // chunk is then mid-answer and holds its connection until the client releases it
    boolean isLong = r.nextInt(10) == 0;
    int pieceCount = isLong ? 80 + r.nextInt(41) : 2 + r.nextInt(7);
    int drip = isLong ? 50 + r.nextInt(41) : 0;
    List<String> pieces = new ArrayList<>(pieceCount);
    StringBuilder content = new StringBuilder();
    for (int p = 0; p < pieceCount; p++) {
      String piece = (p == 0 ? "" : " ") + word(r) + (r.nextInt(3) == 0 ? " " + word(r) : "");
      pieces.add(piece);
      content.append(piece);
    }
    Reply reply =
        new Reply(
            "chatcmpl-soak-" + call + "-" + attempt,
            decoded(content.toString()),
            5 + r.nextInt(500),
            1 + r.nextInt(1000));
    int status =
        switch (fault) {
          case RATE_LIMITED -> 429;
          case SERVER_ERROR -> new int[] {500, 502, 503}[r.nextInt(3)];
          case BAD_REQUEST -> 400;
          default -> 200;
        };
    int retryAfter = r.nextInt(2);
    boolean overloaded = r.nextBoolean();
    boolean concurrency = concurrencyRefusals > 0 && fault == Fault.RATE_LIMITED;
    return new Plan(
        fault,
        status,
        retryAfter,
        overloaded && !concurrency,
        concurrency,
        100 + r.nextInt(501),
        fault == Fault.CUT ? 1 + r.nextInt(pieceCount - 1) : r.nextInt(pieceCount),
        r.nextBoolean(),
        reply,
        List.copyOf(pieces),
        drip);
  }

  /** A fault's share in percent: the storm's refusals taken from the whole replies. */
  private static int weight(Fault f, int concurrencyRefusals) {
    if (concurrencyRefusals == 0) {
      return f.weight;
    }
    if (f == Fault.RATE_LIMITED) {
      return concurrencyRefusals;
    }
    return f == Fault.WHOLE ? f.weight + Fault.RATE_LIMITED.weight - concurrencyRefusals : f.weight;
  }

  private static String word(SplittableRandom r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  private static long mix(long seed, int call, int attempt) {
    long z =
        seed * 0x9E3779B97F4A7C15L + call * 0xBF58476D1CE4E5B9L + attempt * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Returns the base URL, {@code http://127.0.0.1:<port>/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
  }

  /** Returns the chat requests received, every attempt of every call. */
  long requests() {
    return requests.get();
  }

  /** Returns the requests without a {@code soak-<n>} tag (answered 400; the harness sends none). */
  long untagged() {
    return untagged.get();
  }

  /** Returns the connections accepted so far. */
  int connectionsAccepted() {
    return connections.get();
  }

  /** Returns the connections open now (each is a descriptor of this process). */
  int openConnections() {
    return open.size();
  }

  /** Returns call {@code call}'s attempts, or an empty log when none arrived. */
  CallLog log(int call) {
    CallLog l = calls.get(call);
    return l == null ? new CallLog() : l;
  }

  /** Forgets call {@code call} once the harness checked it, so memory stays flat. */
  void forget(int call) {
    calls.remove(call);
  }

  /** Returns the calls whose silent response the client kept open too long, with the details. */
  Map<Integer, String> overheld() {
    return Map.copyOf(overheld);
  }

  /**
   * Closes every connection once it waits for its next request, and waits until none is open: call
   * it only when no call is in flight (a connection's next request could otherwise be lost), before
   * counting descriptors. A connection that is still writing its last answer, or holding a silent
   * response, is closed when its thread comes back for the next request (each tells {@link
   * #changes}), not by polling.
   *
   * @param timeout the longest wait
   * @return whether every connection closed in time
   * @throws InterruptedException if interrupted while waiting
   */
  boolean closeIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changes) {
      while (true) {
        for (Connection c : open) {
          if (c.idle) {
            c.close();
          }
        }
        long left = deadline - System.nanoTime();
        if (open.isEmpty() || left <= 0) {
          return open.isEmpty();
        }
        TimeUnit.NANOSECONDS.timedWait(changes, left);
      }
    }
  }

  /** Wakes {@link #closeIdle(Duration)}: a connection became idle or closed. */
  private void changed() {
    synchronized (changes) {
      changes.notifyAll();
    }
  }

  @Override
  public void close() {
    stopped = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing; nothing to release
    }
    for (Connection c : open) {
      c.close();
    }
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!stopped) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Connection c = new Connection(s, connections.incrementAndGet());
      open.add(c);
      if (stopped) {
        c.close();
      }
      Thread t = new Thread(c::serve, "soak-server-" + c.number);
      t.setDaemon(true);
      t.start();
    }
  }

  /** One accepted connection: requests read and answered in turn on its own thread. */
  private final class Connection {
    private final Socket socket;
    private final int number;
    volatile boolean idle = true; // waiting for the first byte of the next request

    Connection(Socket socket, int number) {
      this.socket = socket;
      this.number = number;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing; nothing to release
      }
    }

    void serve() {
      try {
        socket.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        boolean keepAlive = true;
        while (keepAlive && !stopped) {
          idle = true;
          changed();
          Request request = Request.read(in, () -> idle = false, MAX_BODY_BYTES);
          if (request == null) {
            break;
          }
          keepAlive = answer(request, in, out) && request.keepAlive;
        }
      } catch (IOException e) {
        // the client left, or close(): the connection ends either way
      } finally {
        close();
        open.remove(this);
        changed();
      }
    }

    /** Answers one request; returns whether the connection can carry another. */
    private boolean answer(Request request, InputStream in, OutputStream out) throws IOException {
      if (!request.method.equals("POST") || !request.path.endsWith("/chat/completions")) {
        error(out, 404, "Not Found", "not_found_error", "no such endpoint: " + request.path);
        return true;
      }
      String body = new String(request.body, StandardCharsets.UTF_8);
      Matcher tag = TAG.matcher(body);
      if (!tag.find()) {
        untagged.incrementAndGet();
        error(out, 400, "Bad Request", "invalid_request_error", "no soak-<n> tag in the request");
        return true;
      }
      int call = Integer.parseInt(tag.group(1));
      boolean stream = body.contains("\"stream\":true");
      CallLog log = calls.computeIfAbsent(call, k -> new CallLog());
      Attempt attempt;
      int number;
      synchronized (log) {
        number = log.size() + 1;
        attempt = log.add(new Attempt(plan(seed, call, number, concurrencyRefusals), stream));
      }
      requests.incrementAndGet();
      Plan p = attempt.plan;
      switch (p.fault()) {
        case WHOLE:
          return whole(out, p, stream);
        case SLOW:
          if (!pause(p.delayMillis())) {
            return false;
          }
          return whole(out, p, stream);
        case RATE_LIMITED:
          error(
              out,
              429,
              "Too Many Requests",
              p.overloaded() ? "engine_overloaded_error" : "rate_limit_reached_error",
              p.overloaded()
                  ? "The engine is currently overloaded, please try again later"
                  : p.concurrency()
                      ? CONCURRENCY_REFUSAL
                      : "Your account is rate limited, please try again after "
                          + p.retryAfter()
                          + " s",
              "Retry-After: " + p.retryAfter());
          return true;
        case SERVER_ERROR:
          if (p.status() == 502) {
            byte[] html =
                ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                        + "<center><h1>502 Bad Gateway</h1></center>\r\n"
                        + "<hr><center>nginx</center>\r\n"
                        + "</body>\r\n</html>\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            head(out, 502, "Bad Gateway", "text/html", html.length);
            out.write(html);
            out.flush();
          } else if (p.status() == 500) {
            error(out, 500, "Internal Server Error", "server_error", "internal error (soak)");
          } else {
            error(out, 503, "Service Unavailable", "server_error", "service unavailable (soak)");
          }
          return true;
        case BAD_REQUEST:
          error(
              out,
              400,
              "Bad Request",
              "invalid_request_error",
              "Invalid request: soak fault " + call + "-" + number);
          return true;
        case RESET:
          socket.setSoLinger(true, 0);
          return false; // closed with linger 0: an RST before any byte
        case CUT:
          if (stream) {
            head(out, 200, "OK", "text/event-stream", -1);
            chunk(out, roleChunk(p));
            pieces(out, p, 0, p.keep());
          } else {
            byte[] json = completion(p).getBytes(StandardCharsets.UTF_8);
            head(out, 200, "OK", "application/json", json.length);
            out.write(json, 0, json.length / 2);
          }
          out.flush();
          return false; // FIN without the rest: the reply is cut mid-way
        case MALFORMED:
          if (stream) {
            head(out, 200, "OK", "text/event-stream", -1);
            chunk(out, roleChunk(p));
            pieces(out, p, 0, p.keep());
            chunk(
                out,
                "data: {\"id\":\""
                    + p.reply().id()
                    + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"broken\n\n");
            // a server with a bug goes on as if nothing happened: a client that read on would
            // see [DONE] and report success, which the harness counts as corrupt
            pieces(out, p, p.keep(), p.pieces().size());
            chunk(out, finishChunk(p));
            chunk(out, "data: [DONE]\n\n");
            endChunks(out);
          } else {
            String json = completion(p);
            byte[] cut = json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8);
            head(out, 200, "OK", "application/json", cut.length);
            out.write(cut);
            out.flush();
          }
          return true;
        case SILENCE:
          if (stream) {
            head(out, 200, "OK", "text/event-stream", -1);
          } else {
            head(
                out,
                200,
                "OK",
                "application/json",
                completion(p).getBytes(StandardCharsets.UTF_8).length);
          }
          out.flush();
          hold(in, attempt, call, number);
          return false;
        default:
          throw new AssertionError(p.fault());
      }
    }

    /** Holds a silent response until the client leaves, the server gives up, or it stops. */
    private void hold(InputStream in, Attempt attempt, int call, int number) throws IOException {
      long start = System.nanoTime();
      long deadline = start + TimeUnit.MILLISECONDS.toNanos(holdMillis);
      socket.setSoTimeout(50);
      boolean left = false;
      while (!stopped && System.nanoTime() < deadline) {
        try {
          if (in.read() < 0) {
            left = true;
            break;
          }
        } catch (SocketTimeoutException e) {
          continue;
        } catch (IOException e) {
          left = true; // reset by the client
          break;
        }
      }
      long held = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      attempt.heldMillis = held;
      attempt.gaveUp = !left && !stopped;
      if (attempt.gaveUp || held > holdBoundMillis) {
        overheld.merge(
            call,
            "attempt "
                + number
                + (attempt.stream ? " (stream)" : " (chat)")
                + (attempt.gaveUp
                    ? ": the client kept the silent response open until the server gave up after "
                    : ": the client kept the silent response open for ")
                + held
                + " ms",
            (a, b) -> a + "; " + b);
      }
    }

    /** Waits before a slow reply's first byte; false when the server stops meanwhile. */
    private boolean pause(long millis) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      try {
        for (long left; !stopped && (left = deadline - System.nanoTime()) > 0; ) {
          TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return !stopped;
    }

    /** Writes content chunks {@code from} to {@code to}, each after the plan's drip pause. */
    private void pieces(OutputStream out, Plan p, int from, int to) throws IOException {
      for (int i = from; i < to; i++) {
        if (p.dripMillis() > 0 && !pause(p.dripMillis())) {
          throw new IOException("the server stops");
        }
        chunk(out, contentChunk(p, p.pieces().get(i)));
      }
    }

    private boolean whole(OutputStream out, Plan p, boolean stream) throws IOException {
      if (stream) {
        head(out, 200, "OK", "text/event-stream", -1);
        chunk(out, roleChunk(p));
        pieces(out, p, 0, p.pieces().size());
        chunk(out, finishChunk(p));
        if (p.topLevelUsage()) {
          chunk(
              out,
              "data: {\"id\":\""
                  + p.reply().id()
                  + "\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                  + "\"model\":\"kimi-k2.6\",\"choices\":[],\"usage\":"
                  + usage(p.reply())
                  + "}\n\n");
        }
        chunk(out, "data: [DONE]\n\n");
        endChunks(out);
      } else {
        byte[] json = completion(p).getBytes(StandardCharsets.UTF_8);
        head(out, 200, "OK", "application/json", json.length);
        out.write(json);
        out.flush();
      }
      return true;
    }
  }

  private static void error(
      OutputStream out, int status, String reason, String type, String message, String... headers)
      throws IOException {
    byte[] body =
        ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    head(out, status, reason, "application/json", body.length, headers);
    out.write(body);
    out.flush();
  }

  /** Writes a status line and headers: a fixed length, or chunked when {@code length < 0}. */
  private static void head(
      OutputStream out, int status, String reason, String type, long length, String... headers)
      throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    h.append("Content-Type: ").append(type);
    if (type.startsWith("text/") || type.equals("application/json")) {
      h.append("; charset=utf-8");
    }
    h.append("\r\n");
    h.append("x-request-id: soak-").append(Long.toHexString(System.nanoTime())).append("\r\n");
    if (length < 0) {
      h.append("Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n");
    } else {
      h.append("Content-Length: ").append(length).append("\r\n");
    }
    for (String extra : headers) {
      h.append(extra).append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    if (length < 0) {
      out.flush(); // a stream's headers go out at once, as a streaming server sends them
    }
  }

  private static String roleChunk(Plan p) {
    return "data: {\"id\":\""
        + p.reply().id()
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"finish_reason\":null}]}\n\n";
  }

  private static String contentChunk(Plan p, String piece) {
    return "data: {\"id\":\""
        + p.reply().id()
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + piece
        + "\"},\"finish_reason\":null}]}\n\n";
  }

  private static String finishChunk(Plan p) {
    return "data: {\"id\":\""
        + p.reply().id()
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":"
        + usage(p.reply())
        + "}]}\n\n";
  }

  private static String completion(Plan p) {
    return "{\"id\":\""
        + p.reply().id()
        + "\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + String.join("", p.pieces())
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":"
        + usage(p.reply())
        + "}";
  }

  private static String usage(Reply r) {
    return String.format(
        Locale.ROOT,
        "{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d}",
        r.promptTokens(),
        r.completionTokens(),
        r.promptTokens() + r.completionTokens());
  }

  /** Returns the text the server's JSON source of a string stands for (its escapes decoded). */
  private static String decoded(String json) {
    return json.replace("\\\"", "\"").replace("\\t", "\t").replace("\\n", "\n");
  }
}
