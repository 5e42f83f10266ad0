package io.github.kimisdk.benchmarks;

import static io.github.kimisdk.benchmarks.LoopbackHttp.chunk;
import static io.github.kimisdk.benchmarks.LoopbackHttp.endChunks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hostile host of {@link FaultRun}, written from the protocol on raw sockets (a {@link
 * ServerSocket}, a daemon thread per connection, HTTP/1.1 keep-alive) and from nothing of the SDK
 * nor of its fake: a vLLM replica (OpenAI-compatible {@code /v1/chat/completions}, its busy 503
 * past its queue, a continuation by {@code continue_final_message} with {@code
 * add_generation_prompt: false}) or Moonshot (its 429 {@code engine_overloaded_error}, a
 * continuation by a last assistant message with {@code "partial": true}).
 *
 * <p>Every reply's text is known: the last user message carries the call's tag {@code fc-<n>}, and
 * the text is a number of words drawn from the seed and the call ({@link #fullText}). A
 * continuation is answered with exactly the rest of that text after the prefix it carries, and a
 * prefix that is not a prefix of the text, or a continuation in another host's form, is a violation
 * ({@link Ledger#violations}).
 *
 * <p>Each request meets a fault drawn from the seed, the call and how many requests of the call
 * arrived so far at any host of the ledger ({@link Script}); on top of it, per host and by time: a
 * full queue past {@code admits} requests in flight (vLLM's busy 503, Moonshot's overload), a burst
 * of 502s, and a restart (the listening socket closed, every connection reset, connections refused
 * for a while, then the same port again). Every request is recorded with what was done to it, when
 * its headers went out, how it ended and whether the client closed it first ({@link Req}); every
 * connection with when it opened and closed.
 *
 * <p>Threads: the accept loop, one thread per connection and the restarter, all daemons named
 * {@code fault-<host>-*}. A connection thread owns its socket; {@link #close()} closes every socket
 * from outside. The server may sleep to play time (a held header, a slow first token, a stall);
 * while it holds, it reads the socket to see the client leave.
 */
final class FaultServer implements AutoCloseable {

  /** Which host the server plays. */
  enum Dialect {
    VLLM,
    MOONSHOT
  }

  /** What a request meets. */
  enum Fault {
    /** The whole reply. */
    WHOLE,
    /** A stream: headers and the role chunk, then the connection closed (FIN): no text. */
    CUT_BEFORE_TEXT,
    /** Some of the text, then FIN (a body: half of it). */
    CUT_AFTER_TEXT,
    /** Some of the text, then half an SSE event, then FIN. */
    CUT_MID_EVENT,
    /** Some of the text, then a TCP reset (SO_LINGER 0). */
    RESET_AFTER_TEXT,
    /** The request read, then a TCP reset before any byte of the response. */
    RESET_BEFORE,
    /** Headers at once, the first token after {@link FaultServer#SLOW_MILLIS}. */
    SLOW_FIRST_TOKEN,
    /** Headers held back {@link FaultServer#SLOW_MILLIS}, then the whole reply at once. */
    LATE_HEADERS,
    /** Some of the text, then nothing for {@link FaultServer#STALL_MILLIS}, then the rest. */
    STALL,
    /** Headers, then nothing until {@link FaultServer#SILENCE_MILLIS}, then FIN. */
    SILENCE,
    /** Some of the text, then a chunk that is not JSON (the stream goes on as if fine). */
    MALFORMED,
    /** vLLM's busy 503 past its queue, or Moonshot's 429 {@code engine_overloaded_error}. */
    BUSY,
    /** 502 Bad Gateway (nginx's page), in a burst. */
    BURST_502,
    /** 400: the request is one the client must not retry. */
    BAD_REQUEST,
    /** Reset by a restart of the replica while it was served. */
    RESTART,
    /** Headers at once, keep-alive comments every 100 ms for 0.8 s, then the whole reply. */
    KEEP_ALIVE_FIRST;

    /** Tells whether the fault struck after the response began (a status was sent). */
    boolean afterResponseBegan() {
      return switch (this) {
        case CUT_BEFORE_TEXT,
            CUT_AFTER_TEXT,
            CUT_MID_EVENT,
            RESET_AFTER_TEXT,
            STALL,
            SILENCE,
            MALFORMED ->
            true;
        default -> false;
      };
    }

    /** Tells whether the fault is a refusal the docs let cool a target or move a call. */
    boolean refusal() {
      return this == BUSY || this == BURST_502 || this == RESET_BEFORE || this == RESTART;
    }

    /** Tells whether the fault cuts a reply after its text began (for a stream). */
    boolean cutsText() {
      return this == CUT_AFTER_TEXT
          || this == CUT_MID_EVENT
          || this == RESET_AFTER_TEXT
          || this == STALL
          || this == MALFORMED;
    }
  }

  /** How a request ended, as the server saw it. */
  enum Outcome {
    /** Still being answered (or held). */
    OPEN,
    /** The whole reply sent. */
    COMPLETED,
    /** An error status sent whole. */
    REFUSED,
    /** The server cut it, as its fault says. */
    CUT,
    /** The client closed the connection before the headers went out. */
    CLIENT_CLOSED_BEFORE_HEADERS,
    /** The client closed the connection after the headers, before the reply ended. */
    CLIENT_CLOSED_AFTER_HEADERS,
    /** Reset by a restart or by the server's close. */
    RESET
  }

  /** The fault of each request: the same for the same seed, call and arrival. */
  interface Script {
    Fault fault(int call, int arrival, boolean stream, boolean continuation);
  }

  /** How long a slow first token, or held headers, take. */
  static final int SLOW_MILLIS = 1000;

  /** How long a stall mid-stream lasts (past the run's 2 s idle timeout). */
  static final int STALL_MILLIS = 3000;

  /** How long headers then silence are held before the server closes. */
  static final int SILENCE_MILLIS = 4000;

  /** The pause before each content chunk. */
  static final int PACE_MILLIS = 3;

  static final String VLLM_BUSY =
      "The engine is currently busy and cannot accept new requests. Please try again later or on"
          + " a different instance.";

  static final String MOONSHOT_OVERLOADED =
      "The engine is currently overloaded, please try again later";

  private static final Pattern TAG = Pattern.compile("fc-(\\d+)(-bad)?");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final String[] WORDS = {
    "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heath", "iris", "juniper",
    "kelp", "larch", "maple", "nectar", "opal", "pine", "quartz", "reed", "sage", "tundra",
    "umber", "vale", "willow", "xenon", "yarrow", "zephyr", "über", "déjà", "日本", "α"
  };

  // ---- what the server knows of every request: shared by the hosts of one client ----

  /** One request as received, and how it ended. */
  static final class Req {
    final String host;
    final int call;
    final int arrival; // how many requests of the call arrived at any host before, plus one
    final boolean stream;
    final int prefixChars; // -1: not a continuation
    final long received;
    volatile Fault fault;
    volatile long headersAt; // 0: none sent
    volatile long endedAt; // 0: open
    volatile Outcome outcome = Outcome.OPEN;
    volatile int textSent; // characters of text sent

    Req(String host, int call, int arrival, boolean stream, int prefixChars) {
      this.host = host;
      this.call = call;
      this.arrival = arrival;
      this.stream = stream;
      this.prefixChars = prefixChars;
      this.received = System.nanoTime();
    }

    void end(Outcome o) {
      if (endedAt == 0) {
        outcome = o;
        endedAt = System.nanoTime();
      }
    }

    @Override
    public String toString() {
      return host
          + " call "
          + call
          + " #"
          + arrival
          + (prefixChars >= 0 ? " (continuation of " + prefixChars + " chars)" : "")
          + " "
          + fault
          + " -> "
          + outcome;
    }
  }

  /** Every request of every call, the violations and the down windows, for the hosts of a run. */
  static final class Ledger {
    final long seed;
    final Script script;
    final long start = System.nanoTime();
    private final Map<Integer, List<Req>> calls = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<Req> all = new CopyOnWriteArrayList<>();
    final AtomicLong untagged = new AtomicLong();

    Ledger(long seed, Script script) {
      this.seed = seed;
      this.script = script;
    }

    Req add(String host, int call, boolean stream, int prefixChars) {
      List<Req> l = calls.computeIfAbsent(call, k -> new ArrayList<>());
      Req r;
      synchronized (l) {
        r = new Req(host, call, l.size() + 1, stream, prefixChars);
        l.add(r);
      }
      all.add(r);
      return r;
    }

    /** Returns call {@code call}'s requests in arrival order. */
    List<Req> requests(int call) {
      List<Req> l = calls.get(call);
      if (l == null) {
        return List.of();
      }
      synchronized (l) {
        return List.copyOf(l);
      }
    }

    /** Returns the requests not yet ended. */
    List<Req> open() {
      List<Req> out = new ArrayList<>();
      for (Req r : all) {
        if (r.outcome == Outcome.OPEN) {
          out.add(r);
        }
      }
      return out;
    }

    /** Waits until no request is open, at most {@code timeout}; returns how many still are. */
    int awaitQuiet(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      int open;
      while ((open = open().size()) > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20); // polling the server's own books, not a client
      }
      return open;
    }

    String fullText(int call) {
      return FaultServer.fullText(seed, call);
    }
  }

  // ---- the text of a call ----

  /**
   * Returns call {@code call}'s whole reply: 20 to 50 words, each a word and its place, so a word
   * read twice shows.
   */
  static String fullText(long seed, int call) {
    SplittableRandom r = new SplittableRandom(mix(seed, call, 0x7E47));
    int n = 20 + r.nextInt(31);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]).append(i);
    }
    return b.toString();
  }

  /** Splits {@code text} into the stream's pieces: one to three words each, spaces kept. */
  static List<String> pieces(String text, long seed, int call) {
    SplittableRandom r = new SplittableRandom(mix(seed, call, 0x91EC));
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int words = 1 + r.nextInt(3);
      int j = i;
      for (int w = 0; w < words && j < text.length(); w++) {
        int space = text.indexOf(' ', j + 1);
        j = space < 0 ? text.length() : space;
      }
      out.add(text.substring(i, j));
      i = j;
    }
    return out;
  }

  static long mix(long seed, long a, long b) {
    long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---- the server ----

  final String name;
  final Dialect dialect;
  private final Ledger ledger;
  private final int admits; // requests in flight past which a request is refused busy; 0: none
  private final int port;
  private volatile ServerSocket listener;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final AtomicInteger connectionsClosed = new AtomicInteger();
  private final AtomicInteger connectionsClosedByClient = new AtomicInteger();
  private final AtomicInteger restarts = new AtomicInteger();
  private final List<long[]> downWindows = new CopyOnWriteArrayList<>();
  private volatile int burstEveryMillis; // 0: no bursts
  private volatile int burstMillis;
  private volatile int burstPhase;
  private volatile boolean stopped;
  private Thread restarter;

  /**
   * Starts a host on 127.0.0.1 on a free port.
   *
   * @param name its name in the books ({@code A}, {@code B}, {@code M}, ...)
   * @param dialect the host it plays
   * @param ledger the books it shares with the other hosts of the client
   * @param admits requests in flight past which it refuses busy (0: no limit)
   */
  FaultServer(String name, Dialect dialect, Ledger ledger, int admits) throws IOException {
    this.name = name;
    this.dialect = dialect;
    this.ledger = ledger;
    this.admits = admits;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    this.port = s.getLocalPort();
    this.listener = s;
    startAccepting(s);
  }

  /** Returns the base URL, {@code http://127.0.0.1:<port>/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  int port() {
    return port;
  }

  /** Sends 502s for {@code millis} out of every {@code everyMillis}, from a phase of the seed. */
  FaultServer bursts(int everyMillis, int millis) {
    this.burstPhase = Math.floorMod(mix(ledger.seed, name.hashCode(), 502), everyMillis);
    this.burstMillis = millis;
    this.burstEveryMillis = everyMillis;
    return this;
  }

  /**
   * Restarts the host every {@code everyMillis} (from a phase of the seed): the listening socket
   * closed and every connection reset, connections refused for {@code downMillis}, then the same
   * port listening again.
   */
  FaultServer restarts(int everyMillis, int downMillis) {
    SplittableRandom r = new SplittableRandom(mix(ledger.seed, name.hashCode(), 0x5E57));
    long first = everyMillis / 2 + r.nextInt(Math.max(1, everyMillis / 2));
    restarter =
        new Thread(
            () -> {
              long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(first);
              while (!stopped) {
                if (!sleepUntil(next)) {
                  return;
                }
                restart(downMillis);
                next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(everyMillis);
              }
            },
            "fault-" + name + "-restarter");
    restarter.setDaemon(true);
    restarter.start();
    return this;
  }

  /** Closes the listening socket and resets every connection, then listens again. */
  void restart(int downMillis) {
    long from = System.nanoTime();
    closeListenerAndReset();
    restarts.incrementAndGet();
    if (!sleepUntil(from + TimeUnit.MILLISECONDS.toNanos(downMillis))) {
      return;
    }
    downWindows.add(new long[] {from, System.nanoTime()});
    for (int tries = 0; tries < 100 && !stopped; tries++) {
      try {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        listener = s;
        startAccepting(s);
        return;
      } catch (IOException e) {
        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  /** Closes the listening socket for good (a dead replica: connections refused). */
  void kill() {
    stopped = true;
    closeListenerAndReset();
  }

  /** Closes the listening socket and resets every open connection. */
  private void closeListenerAndReset() {
    closeListener();
    for (Connection c : open) {
      c.reset();
    }
  }

  private void closeListener() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing
    }
  }

  private boolean sleepUntil(long deadline) {
    try {
      for (long left; !stopped && (left = deadline - System.nanoTime()) > 0; ) {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !stopped;
  }

  List<long[]> downWindows() {
    return List.copyOf(downWindows);
  }

  int restarts() {
    return restarts.get();
  }

  int connectionsOpened() {
    return connectionsOpened.get();
  }

  int connectionsClosed() {
    return connectionsClosed.get();
  }

  int connectionsClosedByClient() {
    return connectionsClosedByClient.get();
  }

  /** Returns the connections open now. */
  int openConnections() {
    return open.size();
  }

  /** Returns the connections open now that are serving a request (not idle in a pool). */
  int busyConnections() {
    int n = 0;
    for (Connection c : open) {
      if (!c.idle) {
        n++;
      }
    }
    return n;
  }

  /** Waits until no connection is open, at most {@code timeout}; returns how many still are. */
  int awaitNoConnection(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20); // the server's own books
    }
    return open.size();
  }

  @Override
  public void close() {
    stopped = true;
    closeListener();
    for (Connection c : open) {
      c.close();
    }
    if (restarter != null) {
      restarter.interrupt();
    }
  }

  private void startAccepting(ServerSocket s) {
    Thread t = new Thread(() -> acceptLoop(s), "fault-" + name + "-accept");
    t.setDaemon(true);
    t.start();
  }

  private void acceptLoop(ServerSocket s) {
    while (!stopped) {
      Socket socket;
      try {
        socket = s.accept();
      } catch (IOException e) {
        return; // closed: stopped or restarting
      }
      Connection c = new Connection(socket, connectionsOpened.incrementAndGet());
      open.add(c);
      if (stopped) {
        c.close();
      }
      Thread t = new Thread(c::serve, "fault-" + name + "-" + c.number);
      t.setDaemon(true);
      t.start();
    }
  }

  private boolean inBurst() {
    int every = burstEveryMillis;
    if (every == 0) {
      return false;
    }
    long t = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ledger.start) + burstPhase;
    return t % every < burstMillis;
  }

  /** One accepted connection: requests read and answered in turn on its own thread. */
  private final class Connection {
    private final Socket socket;
    private final int number;
    volatile boolean idle = true;
    private volatile boolean resetting;
    private Req current;

    Connection(Socket socket, int number) {
      this.socket = socket;
      this.number = number;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }

    void reset() {
      resetting = true;
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // closed already
      }
      close();
    }

    void serve() {
      boolean byClient = false;
      try {
        socket.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        boolean keepAlive = true;
        while (keepAlive && !stopped) {
          idle = true;
          Request request = Request.read(in, () -> idle = false, MAX_BODY_BYTES);
          if (request == null) {
            byClient = true; // the client closed an idle connection
            break;
          }
          keepAlive = answer(request, in, out) && request.keepAlive;
        }
      } catch (ClientLeft e) {
        byClient = true;
      } catch (IOException e) {
        // the client left, a reset, or close(): the connection ends either way
        byClient = !resetting && !stopped;
      } finally {
        Req r = current;
        if (r != null) {
          if (resetting) {
            r.fault = r.headersAt == 0 ? Fault.RESTART : r.fault;
            r.end(Outcome.RESET);
          } else if (byClient) {
            r.end(
                r.headersAt == 0
                    ? Outcome.CLIENT_CLOSED_BEFORE_HEADERS
                    : Outcome.CLIENT_CLOSED_AFTER_HEADERS);
          } else {
            r.end(Outcome.RESET);
          }
          inFlight.decrementAndGet();
        }
        if (byClient) {
          connectionsClosedByClient.incrementAndGet();
        }
        close();
        open.remove(this);
        connectionsClosed.incrementAndGet();
      }
    }

    /** Answers one request; returns whether the connection can carry another. */
    private boolean answer(Request request, InputStream in, OutputStream out) throws IOException {
      if (request.method.equals("GET") && request.path.endsWith("/models")) {
        String ids =
            dialect == Dialect.VLLM
                ? "{\"id\":\"moonshotai/Kimi-K3\",\"object\":\"model\",\"owned_by\":\"vllm\"},"
                    + "{\"id\":\"moonshotai/Kimi-K2.6\",\"object\":\"model\",\"owned_by\":\"vllm\"}"
                : "{\"id\":\"kimi-k3\",\"object\":\"model\",\"owned_by\":\"moonshot\"},"
                    + "{\"id\":\"kimi-k2.6\",\"object\":\"model\",\"owned_by\":\"moonshot\"}";
        json(out, 200, "OK", "{\"object\":\"list\",\"data\":[" + ids + "]}");
        return true;
      }
      if (!request.method.equals("POST") || !request.path.endsWith("/chat/completions")) {
        json(out, 404, "Not Found", error(404, "not_found", "no such endpoint: " + request.path));
        return true;
      }
      JsonNode body;
      try {
        body = JSON.readTree(request.body);
      } catch (IOException e) {
        json(out, 400, "Bad Request", error(400, "bad_json", "the body is not JSON"));
        return true;
      }
      JsonNode messages = body.path("messages");
      String lastUser = null;
      for (JsonNode m : messages) {
        if ("user".equals(m.path("role").asText())) {
          lastUser = text(m.path("content"));
        }
      }
      Matcher tag = lastUser == null ? null : TAG.matcher(lastUser);
      if (tag == null || !tag.find()) {
        ledger.untagged.incrementAndGet();
        json(out, 400, "Bad Request", error(400, "invalid_request_error", "no fc-<n> tag"));
        return true;
      }
      int call = Integer.parseInt(tag.group(1));
      boolean bad = tag.group(2) != null;
      boolean stream = body.path("stream").asBoolean(false);
      boolean usageChunk = body.path("stream_options").path("include_usage").asBoolean(false);
      String model = body.path("model").asText("kimi-k3");
      String full = ledger.fullText(call);
      JsonNode last = messages.size() == 0 ? null : messages.get(messages.size() - 1);
      String prefix = null;
      if (last != null && "assistant".equals(last.path("role").asText())) {
        prefix = text(last.path("content"));
        boolean partial = last.path("partial").asBoolean(false);
        boolean continues = body.path("continue_final_message").asBoolean(false);
        boolean prompt = body.path("add_generation_prompt").asBoolean(true);
        String form =
            dialect == Dialect.VLLM
                ? (continues && !prompt ? null : "vLLM needs continue_final_message")
                : (partial ? null : "Moonshot needs partial: true");
        if (form != null) {
          ledger.violations.add(
              name + " call " + call + ": a continuation in the wrong form (" + form + ")");
        }
        if (!full.startsWith(prefix)) {
          ledger.violations.add(
              name
                  + " call "
                  + call
                  + ": the continued prefix is not the reply's start: "
                  + prefix);
        }
      }
      Req r = ledger.add(name, call, stream, prefix == null ? -1 : prefix.length());
      current = r;
      inFlight.incrementAndGet();
      // on a failure the connection's end (serve) says how the request ended
      boolean keep = serveChat(r, bad, stream, usageChunk, model, full, prefix, in, out);
      r.end(Outcome.COMPLETED);
      current = null;
      inFlight.decrementAndGet();
      return keep;
    }

    private boolean serveChat(
        Req r,
        boolean bad,
        boolean stream,
        boolean usageChunk,
        String model,
        String full,
        String prefix,
        InputStream in,
        OutputStream out)
        throws IOException {
      Fault f;
      if (bad) {
        f = Fault.BAD_REQUEST;
      } else if (inBurst()) {
        f = Fault.BURST_502;
      } else if (admits > 0 && inFlight.get() > admits) {
        f = Fault.BUSY;
      } else {
        f = ledger.script.fault(r.call, r.arrival, stream, prefix != null);
      }
      String rest =
          prefix == null
              ? full
              : full.startsWith(prefix) ? full.substring(prefix.length()) : full; // a model starts
      List<String> pieces = pieces(rest, ledger.seed, r.call * 31 + r.arrival);
      String id = "chatcmpl-fault-" + r.call + "-" + r.arrival;
      if (pieces.size() < 2 && (f.cutsText() || f == Fault.CUT_AFTER_TEXT)) {
        f = Fault.WHOLE; // too little text left to cut it after some
      }
      r.fault = f;
      int keep =
          pieces.size() < 2
              ? 0
              : 1 + Math.floorMod(mix(ledger.seed, r.call, r.arrival), pieces.size() - 1);
      switch (f) {
        case BAD_REQUEST -> {
          String msg =
              dialect == Dialect.VLLM
                  ? vllmError(400, "BadRequestError", "bad request of call " + r.call)
                  : error(400, "invalid_request_error", "Invalid request: bad request " + r.call);
          headers(r, out, 400, "Bad Request", "application/json", msg.length());
          write(out, msg, true);
          r.end(Outcome.REFUSED);
          return true;
        }
        case BURST_502 -> {
          String html =
              "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                  + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                  + "</body>\r\n</html>\r\n";
          headers(r, out, 502, "Bad Gateway", "text/html", html.length());
          write(out, html, true);
          r.end(Outcome.REFUSED);
          return true;
        }
        case BUSY -> {
          String msg =
              dialect == Dialect.VLLM
                  ? vllmError(503, "Service Unavailable", VLLM_BUSY)
                  : error(429, "engine_overloaded_error", MOONSHOT_OVERLOADED);
          int status = dialect == Dialect.VLLM ? 503 : 429;
          headers(
              r,
              out,
              status,
              status == 503 ? "Service Unavailable" : "Too Many Requests",
              "application/json",
              msg.getBytes(StandardCharsets.UTF_8).length);
          write(out, msg, true);
          r.end(Outcome.REFUSED);
          return true;
        }
        case RESET_BEFORE -> {
          socket.setSoLinger(true, 0);
          r.end(Outcome.CUT);
          return false;
        }
        case LATE_HEADERS, SLOW_FIRST_TOKEN -> {
          if (f == Fault.LATE_HEADERS || !stream) {
            if (!hold(in, SLOW_MILLIS)) {
              throw new ClientLeft();
            }
          }
          return whole(
              r,
              stream,
              usageChunk,
              model,
              id,
              pieces,
              f == Fault.SLOW_FIRST_TOKEN && stream,
              in,
              out);
        }
        case SILENCE -> {
          if (stream) {
            headers(r, out, 200, "OK", "text/event-stream", -1);
          } else {
            headers(r, out, 200, "OK", "application/json", completion(id, model, rest).length());
          }
          out.flush();
          if (!hold(in, SILENCE_MILLIS)) {
            throw new ClientLeft();
          }
          r.end(Outcome.CUT);
          return false;
        }
        case WHOLE, RESTART, KEEP_ALIVE_FIRST -> {
          return whole(r, stream, usageChunk, model, id, pieces, false, in, out);
        }
        default -> {
          // the cuts, the stall and the malformed chunk: some text first
          if (!stream) {
            return cutBody(r, f, model, id, rest, in, out);
          }
          headers(r, out, 200, "OK", "text/event-stream", -1);
          chunk(out, roleChunk(id, model));
          if (f == Fault.CUT_BEFORE_TEXT) {
            out.flush();
            r.end(Outcome.CUT);
            return false;
          }
          for (int i = 0; i < keep; i++) {
            pace(in);
            chunk(out, contentChunk(id, model, pieces.get(i)));
            r.textSent += pieces.get(i).length();
          }
          switch (f) {
            case CUT_AFTER_TEXT -> {
              r.end(Outcome.CUT);
              return false;
            }
            case CUT_MID_EVENT -> {
              String next = contentChunk(id, model, pieces.get(keep));
              chunk(out, next.substring(0, next.length() / 2));
              r.end(Outcome.CUT);
              return false;
            }
            case RESET_AFTER_TEXT -> {
              socket.setSoLinger(true, 0);
              r.end(Outcome.CUT);
              return false;
            }
            case MALFORMED -> {
              chunk(
                  out,
                  "data: {\"id\":\""
                      + id
                      + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\n\n");
              for (int i = keep; i < pieces.size(); i++) {
                chunk(out, contentChunk(id, model, pieces.get(i)));
              }
              chunk(out, finishChunk(id, model, usageChunk));
              chunk(out, "data: [DONE]\n\n");
              endChunks(out);
              r.end(Outcome.CUT);
              return true;
            }
            case STALL -> {
              if (!hold(in, STALL_MILLIS)) {
                throw new ClientLeft();
              }
              for (int i = keep; i < pieces.size(); i++) {
                chunk(out, contentChunk(id, model, pieces.get(i)));
                r.textSent += pieces.get(i).length();
              }
              return finish(r, usageChunk, model, id, out);
            }
            default -> throw new AssertionError(f);
          }
        }
      }
    }

    /** A non-streamed body met by a cut, a stall or a malformed body. */
    private boolean cutBody(
        Req r, Fault f, String model, String id, String rest, InputStream in, OutputStream out)
        throws IOException {
      byte[] json = completion(id, model, rest).getBytes(StandardCharsets.UTF_8);
      if (f == Fault.MALFORMED) {
        byte[] broken =
            new String(json, StandardCharsets.UTF_8)
                .replace("\"choices\":", "\"choices\"")
                .getBytes(StandardCharsets.UTF_8);
        headers(r, out, 200, "OK", "application/json", broken.length);
        out.write(broken);
        out.flush();
        r.end(Outcome.CUT);
        return true;
      }
      headers(r, out, 200, "OK", "application/json", json.length);
      if (f == Fault.CUT_BEFORE_TEXT) {
        out.flush();
        r.end(Outcome.CUT);
        return false;
      }
      out.write(json, 0, json.length / 2);
      out.flush();
      if (f == Fault.STALL) {
        if (!hold(in, STALL_MILLIS)) {
          throw new ClientLeft();
        }
        out.write(json, json.length / 2, json.length - json.length / 2);
        out.flush();
        r.end(Outcome.COMPLETED);
        return true;
      }
      if (f == Fault.RESET_AFTER_TEXT) {
        socket.setSoLinger(true, 0);
      }
      r.end(Outcome.CUT);
      return false;
    }

    private boolean whole(
        Req r,
        boolean stream,
        boolean usageChunk,
        String model,
        String id,
        List<String> pieces,
        boolean slowFirst,
        InputStream in,
        OutputStream out)
        throws IOException {
      if (!stream) {
        String body = completion(id, model, String.join("", pieces));
        headers(
            r, out, 200, "OK", "application/json", body.getBytes(StandardCharsets.UTF_8).length);
        write(out, body, true);
        r.textSent = String.join("", pieces).length();
        r.end(Outcome.COMPLETED);
        return true;
      }
      headers(r, out, 200, "OK", "text/event-stream", -1);
      if (slowFirst && !hold(in, SLOW_MILLIS)) {
        throw new ClientLeft();
      }
      if (r.fault == Fault.KEEP_ALIVE_FIRST) {
        for (int i = 0; i < 8; i++) {
          if (!hold(in, 100)) {
            throw new ClientLeft();
          }
          chunk(out, ": keep-alive\n\n");
        }
      }
      chunk(out, roleChunk(id, model));
      for (String p : pieces) {
        pace(in);
        chunk(out, contentChunk(id, model, p));
        r.textSent += p.length();
      }
      return finish(r, usageChunk, model, id, out);
    }

    /**
     * Ends a stream that completes: the finish chunk, the usage-only chunk when asked for, {@code
     * [DONE]} and the last chunk of the body; returns true (the connection may serve another
     * request).
     */
    private boolean finish(Req r, boolean usageChunk, String model, String id, OutputStream out)
        throws IOException {
      chunk(out, finishChunk(id, model, usageChunk));
      if (usageChunk) {
        chunk(out, usageOnlyChunk(id, model));
      }
      chunk(out, "data: [DONE]\n\n");
      endChunks(out);
      r.end(Outcome.COMPLETED);
      return true;
    }

    /** The pause before a content chunk. */
    private void pace(InputStream in) throws IOException {
      if (!hold(in, PACE_MILLIS)) {
        throw new ClientLeft();
      }
    }

    /**
     * Waits {@code millis}, reading the socket to see the client leave; false when it left (or the
     * server stops).
     */
    private boolean hold(InputStream in, long millis) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      try {
        while (!stopped) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            return true;
          }
          socket.setSoTimeout((int) Math.min(left, 50));
          try {
            if (in.read() < 0) {
              return false;
            }
          } catch (SocketTimeoutException e) {
            // no byte: the client is still there
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      } finally {
        try {
          socket.setSoTimeout(0);
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }

    private void headers(
        Req r, OutputStream out, int status, String reason, String type, long length)
        throws IOException {
      StringBuilder h = new StringBuilder();
      h.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
      h.append("content-type: ").append(type);
      if (type.startsWith("text/") || type.equals("application/json")) {
        h.append("; charset=utf-8");
      }
      h.append("\r\n");
      h.append("x-request-id: fault-")
          .append(name)
          .append('-')
          .append(r.call)
          .append('-')
          .append(r.arrival)
          .append("\r\n");
      if (length < 0) {
        h.append("transfer-encoding: chunked\r\ncache-control: no-cache\r\n");
      } else {
        h.append("content-length: ").append(length).append("\r\n");
      }
      h.append("\r\n");
      out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      r.headersAt = System.nanoTime();
    }
  }

  /** The client closed the connection while the server held or paced a reply. */
  private static final class ClientLeft extends IOException {
    private static final long serialVersionUID = 1L;

    ClientLeft() {
      super("the client left", null);
    }
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder b = new StringBuilder();
    for (JsonNode part : content) {
      b.append(part.path("text").asText(""));
    }
    return b.toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static String error(int status, String type, String message) {
    return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + "}}";
  }

  private static String vllmError(int status, String type, String message) {
    return "{\"error\":{\"message\":"
        + quote(message)
        + ",\"type\":"
        + quote(type)
        + ",\"param\":null,\"code\":"
        + status
        + "}}";
  }

  private static void json(OutputStream out, int status, String reason, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\ncontent-type: application/json\r\ncontent-length: "
                + b.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private static void write(OutputStream out, String body, boolean flush) throws IOException {
    out.write(body.getBytes(StandardCharsets.UTF_8));
    if (flush) {
      out.flush();
    }
  }

  private static String head(String id, String model) {
    return "data: {\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":"
        + quote(model)
        + ",";
  }

  private static String roleChunk(String id, String model) {
    return head(id, model)
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  }

  static String contentChunk(String id, String model, String piece) {
    return head(id, model)
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + quote(piece)
        + "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  }

  private static String finishChunk(String id, String model, boolean usageChunk) {
    return head(id, model)
        + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\""
        + (usageChunk ? "" : ",\"usage\":" + USAGE)
        + "}]}\n\n";
  }

  private static String usageOnlyChunk(String id, String model) {
    return head(id, model) + "\"choices\":[],\"usage\":" + USAGE + "}\n\n";
  }

  private static final String USAGE =
      "{\"prompt_tokens\":20,\"completion_tokens\":40,\"total_tokens\":60}";

  private static String completion(String id, String model, String text) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":"
        + quote(model)
        + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + quote(text)
        + "},\"finish_reason\":\"stop\"}],\"usage\":"
        + USAGE
        + "}";
  }
}
