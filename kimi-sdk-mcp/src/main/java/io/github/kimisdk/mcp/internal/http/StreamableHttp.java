package io.github.kimisdk.mcp.internal.http;

import io.github.kimisdk.base.body.BoundedBodySubscriber;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import io.github.kimisdk.mcp.internal.rpc.Transport;
import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import io.github.kimisdk.sse.SseException;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.sse.SseParser;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Streamable HTTP transport: each message is POSTed to one endpoint, which answers with JSON or
 * with an event stream; the session id the server assigns goes on every later request, and so does
 * the protocol version; a stream that breaks before the answer is resumed with a GET carrying
 * {@code Last-Event-ID}; a GET stream carries what the server sends unasked; closing DELETEs the
 * session.
 */
public final class StreamableHttp implements Transport {

  /** Puts the authorization on each request: what a 401 answers is told which grant it refused. */
  public interface Credentials {
    /**
     * Adds the {@code Authorization} header (and any header that proves possession) for a request
     * with {@code httpMethod} to {@code uri}.
     *
     * @return the number of the grant used, 0 when there was none
     */
    long apply(HttpRequest.Builder request, String httpMethod, URI uri);

    /** Blanks in {@code text} every secret these credentials hold or have held. */
    default String redact(String text) {
      return text;
    }
  }

  /** No authorization: only the headers the user set. */
  // (Credentials.redact is the identity.)
  public static final Credentials NONE = (request, method, uri) -> 0;

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final String EVENT_STREAM = "text/event-stream";

  /** The most bytes read of a body whose start is enough: an error's, one that is not read. */
  private static final int ERROR_BODY_BYTES = 4096;

  private static final int MAX_EMPTY_RESUMES = 3;
  private static final int MAX_LISTEN_FAILURES = 5;
  private static final long MAX_RETRY_MILLIS = 30_000;
  private static final long DEFAULT_RETRY_MILLIS = 1000;

  private final URI uri;
  private final HttpClient client;
  private final List<Map.Entry<String, String>> headers;
  private final Duration requestTimeout;
  private final int maxMessageBytes;
  private final Delayer timer;
  private final Credentials credentials;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConcurrentHashMap<Long, Exchange> exchanges = new ConcurrentHashMap<>();
  private volatile Transport.Sink sink;
  private volatile String sessionId;
  private volatile String protocolVersion;
  private volatile Exchange listening;
  private volatile boolean sessionExpired;
  private volatile boolean modern;
  private int listenFailures; // guarded by this

  /**
   * Creates the transport of one MCP endpoint.
   *
   * @param uri the endpoint
   * @param client sends the requests
   * @param headers the user's headers, on every request
   * @param requestTimeout the longest a request waits for its response's headers
   * @param maxMessageBytes the largest message read
   * @param timer schedules resumptions and reconnections
   * @param credentials puts the authorization on each request
   */
  public StreamableHttp(
      URI uri,
      HttpClient client,
      List<Map.Entry<String, String>> headers,
      Duration requestTimeout,
      int maxMessageBytes,
      Delayer timer,
      Credentials credentials) {
    this.uri = uri;
    this.credentials = credentials;
    this.client = client;
    this.headers = List.copyOf(headers);
    this.requestTimeout = requestTimeout;
    this.maxMessageBytes = maxMessageBytes;
    this.timer = timer;
  }

  @Override
  public void start(Transport.Sink sink) {
    this.sink = sink;
  }

  /** One HTTP exchange: a POST, a GET resuming a request's stream, or the listening GET. */
  private final class Exchange {
    final long id;
    final String what;
    final boolean listen;
    final int resumes;
    final String resumedFrom;
    final String session;
    volatile long grant;
    volatile Body body;
    volatile CompletableFuture<HttpResponse<Void>> future;
    volatile boolean cancelled;
    final CompletableFuture<Void> opened = new CompletableFuture<>(); // the answer's headers came

    Exchange(long id, String what, boolean listen, int resumes, String resumedFrom) {
      this.id = id;
      this.what = what;
      this.listen = listen;
      this.resumes = resumes;
      this.resumedFrom = resumedFrom;
      this.session = modern ? null : sessionId;
    }

    void cancel() {
      cancelled = true;
      Body b = body;
      if (b != null) {
        b.cancel();
      }
      CompletableFuture<HttpResponse<Void>> f = future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  private HttpRequest.Builder request(Exchange ex, String httpMethod) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    for (Map.Entry<String, String> h : headers) {
      b.header(h.getKey(), h.getValue());
    }
    ex.grant = credentials.apply(b, httpMethod, uri);
    if (ex.session != null) {
      b.header("Mcp-Session-Id", ex.session);
    }
    String version = protocolVersion;
    if (version != null) {
      b.header("MCP-Protocol-Version", version);
    }
    return b;
  }

  @Override
  public void send(JsonObject message, long id) {
    send(message, id, Map.of());
  }

  @Override
  public void send(JsonObject message, long id, Map<String, String> extra) {
    if (closed.get()) {
      throw sink.failures().closed(sink.name(), "the client is closed", null);
    }
    String method = Fields.string(message, "method");
    Exchange ex = new Exchange(id, "POST " + (method == null ? "answer" : method), false, 0, "");
    HttpRequest request;
    try {
      HttpRequest.Builder b = post(ex, message);
      extra.forEach(b::header);
      if (id >= 0) {
        b.timeout(requestTimeout);
      }
      request = b.build();
    } catch (IllegalArgumentException e) {
      throw unsendable(ex); // the JDK's message quotes the value: not kept
    }
    if (id >= 0) {
      exchanges.put(id, ex);
    }
    exchange(ex, request);
  }

  /** A request the JDK refuses to build: a header value it cannot carry. */
  private McpException unsendable(Exchange ex) {
    return sink.failures()
        .protocol(
            sink.name(),
            ex.what + " cannot be sent: a value of one of its headers is not valid in HTTP",
            null);
  }

  /**
   * Sends a notification and waits until the server took it, so that what follows cannot overtake
   * it (the handshake's {@code notifications/initialized}).
   */
  @Override
  public void sendAndWait(JsonObject message, Duration timeout) {
    Exchange ex = new Exchange(-1, "POST " + Fields.string(message, "method"), false, 0, "");
    HttpRequest request;
    try {
      request = post(ex, message).timeout(timeout).build();
    } catch (IllegalArgumentException e) {
      throw unsendable(ex);
    }
    try {
      HttpResponse<byte[]> r =
          client.send(request, info -> BoundedBodySubscriber.cut(ERROR_BODY_BYTES));
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw sink.unauthorized(
            ex.what + " was answered with HTTP " + r.statusCode() + Answers.hint(r.statusCode()),
            Answers.unauthorized(r.statusCode(), r.headers(), ex.grant));
      }
      if (r.statusCode() / 100 != 2) {
        throw sink.failures()
            .httpStatus(
                sink.name(),
                ex.what
                    + " was answered with HTTP "
                    + r.statusCode()
                    + Answers.hint(r.statusCode()),
                r.statusCode());
      }
    } catch (java.io.IOException e) {
      throw failure(e, ex.what + ": cannot reach " + describe() + " (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw sink.failures().closed(sink.name(), ex.what + " interrupted", e);
    }
  }

  /** A POST of {@code message} with the headers the protocol version asks for. */
  private HttpRequest.Builder post(Exchange ex, JsonObject message) {
    HttpRequest.Builder b =
        request(ex, "POST")
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, " + EVENT_STREAM)
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(message)));
    String method = Fields.string(message, "method");
    if (modern && method != null) {
      // 2026-07-28: the method and the name it acts on, for servers and proxies that route on them.
      b.header("Mcp-Method", method);
      if (message.get("params") instanceof JsonObject p) {
        String name =
            method.equals("resources/read")
                ? Fields.string(p, "uri")
                : method.equals("tools/call") || method.equals("prompts/get")
                    ? Fields.string(p, "name")
                    : null;
        if (name != null) {
          b.header("Mcp-Name", ParamHeaders.value(name));
        }
      }
    }
    return b;
  }

  private void exchange(Exchange ex, HttpRequest request) {
    CompletableFuture<HttpResponse<Void>> f =
        client.sendAsync(request, info -> subscriber(ex, info));
    ex.future = f;
    f.whenComplete((r, e) -> finished(ex, e));
    if (ex.cancelled) {
      f.cancel(true);
    }
  }

  private HttpResponse.BodySubscriber<Void> subscriber(
      Exchange ex, HttpResponse.ResponseInfo info) {
    String sid = info.headers().firstValue("Mcp-Session-Id").orElse(null);
    if (sid != null && sessionId == null && !closed.get() && !ex.listen) {
      if (Endpoint.sendable(sid)) {
        sessionId = sid;
      } else {
        LOG.log(
            Level.WARNING,
            () ->
                "MCP server "
                    + sink.name()
                    + " assigned a session id that is not visible ASCII; it is not sent back");
      }
    }
    int status = info.statusCode();
    String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    Body body;
    if (status / 100 == 2 && type.startsWith(EVENT_STREAM)) {
      body = new Body(ex, Mode.EVENTS, status);
    } else if (status == 202 || status == 204) {
      body = new Body(ex, Mode.DISCARD, status);
    } else if (status / 100 == 2) {
      body = new Body(ex, Mode.JSON, status);
      if (info.headers().firstValueAsLong("Content-Length").orElse(-1) > maxMessageBytes) {
        body.bytes.abort(body.tooLarge()); // before a byte of it is read
      }
    } else {
      body = new Body(ex, Mode.ERROR, status);
      if (status == 401 || status == 403) {
        body.challenge = Answers.unauthorized(status, info.headers(), ex.grant);
      }
    }
    ex.body = body;
    if (ex.cancelled) {
      body.cancel();
    }
    ex.opened.complete(null);
    return body.reader;
  }

  private enum Mode {
    EVENTS,
    JSON,
    ERROR,
    DISCARD
  }

  /**
   * One response's body, and what the exchange learnt from it: events dispatched as they complete
   * (read by demand, each bounded by the SSE parser's limits), or a whole body read by the core's
   * bounded reader (JSON up to {@code maxMessageBytes}, failing past it; the start of an error's or
   * an acceptance's body, cut past {@value #ERROR_BODY_BYTES} bytes).
   */
  private final class Body {
    final Exchange ex;
    final Mode mode;
    final int status;
    final SseParser parser; // EVENTS
    final BoundedBodySubscriber bytes; // every other body: the one bounded reader
    final HttpResponse.BodySubscriber<Void> reader;
    volatile String lastEventId = "";
    volatile int events;
    volatile boolean answered;
    Unauthorized challenge;

    Body(Exchange ex, Mode mode, int status) {
      this.ex = ex;
      this.mode = mode;
      this.status = status;
      if (mode == Mode.EVENTS) {
        parser = new SseParser(this::event, new SseLimits(maxMessageBytes, maxMessageBytes));
        bytes = null;
        reader = new Events();
      } else {
        parser = null;
        bytes =
            mode == Mode.JSON
                ? new BoundedBodySubscriber(maxMessageBytes, this::tooLarge)
                : BoundedBodySubscriber.cut(ERROR_BODY_BYTES);
        reader = HttpResponse.BodySubscribers.mapping(bytes, this::read);
      }
    }

    private void event(String type, byte[] data, int off, int n, String id) {
      lastEventId = Endpoint.sendable(id) ? id : ""; // an id that cannot be sent resumes nothing
      events++;
      // An event without data primes the stream for resumption; other types are not MCP's.
      if (n == 0 || !type.equals("message")) {
        return;
      }
      try {
        sink.message(Json.parse(data, off, n));
      } catch (JsonException e) {
        sink.malformed(Answers.excerpt(data, off, n), e.getMessage());
      }
    }

    /** A whole body, read: a JSON answer dispatched, an error reported. */
    private Void read(byte[] b) {
      if (mode == Mode.JSON && b.length > 0) {
        try {
          sink.message(Json.parse(b, 0, b.length));
        } catch (JsonException e) {
          sink.malformed(Answers.excerpt(b, 0, b.length), e.getMessage());
        }
      } else if (mode == Mode.ERROR) {
        error(b);
      }
      return null;
    }

    /** Reports a JSON answer larger than allowed, and returns the failure that ends its body. */
    McpException tooLarge() {
      return limit("answered with more than " + maxMessageBytes + " bytes (maxMessageBytes)");
    }

    /** Reports a limit the answer passed: its request fails (or, without one, a warning). */
    private McpException limit(String why) {
      answered = true;
      McpException e = sink.failures().limit(sink.name(), ex.what + ": " + why, null);
      if (ex.id >= 0) {
        sink.failed(ex.id, e);
      } else {
        LOG.log(Level.WARNING, e.getMessage());
      }
      return e;
    }

    void cancel() {
      CancellationException abandoned = new CancellationException(ex.what + " abandoned");
      if (bytes != null) {
        bytes.abort(abandoned);
      } else {
        ((Events) reader).cancel(abandoned);
      }
    }

    /** Reads an event stream by demand, one item at a time. */
    private final class Events implements HttpResponse.BodySubscriber<Void> {
      final CompletableFuture<Void> done = new CompletableFuture<>();
      volatile Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (ex.cancelled || done.isDone()) {
          s.cancel();
        } else {
          s.request(1);
        }
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        try {
          for (ByteBuffer b : items) {
            parser.feed(b);
          }
        } catch (SseException e) {
          limit(e.getMessage());
          cancel(new CancellationException(ex.what + " abandoned"));
          return;
        }
        Flow.Subscription s = subscription;
        if (s != null && !done.isDone()) {
          s.request(1);
        }
      }

      void cancel(CancellationException abandoned) {
        Flow.Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
        done.completeExceptionally(abandoned);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        try {
          parser.close();
        } finally {
          done.complete(null);
        }
      }

      @Override
      public CompletionStage<Void> getBody() {
        return done;
      }
    }

    private void error(byte[] b) {
      answered = true;
      String text = new String(b, StandardCharsets.UTF_8).strip();
      boolean expired = status == 404 && ex.session != null;
      if (expired && ex.session.equals(sessionId)) {
        sessionExpired = true;
      }
      String detail =
          ex.what
              + " was answered with HTTP "
              + status
              + (expired ? " (the server ended the session)" : Answers.hint(status))
              + (text.isEmpty() ? "" : ": " + ServerText.shown(text, StreamableHttp.this::redact));
      if (ex.listen) {
        if (challenge != null) {
          LOG.log(
              Level.DEBUG,
              () -> sink.name() + " refused the listening stream (HTTP " + status + ")");
        }
        return;
      }
      if (ex.id < 0 || !sink.pending(ex.id)) {
        LOG.log(Level.WARNING, () -> "MCP server " + sink.name() + ": " + detail);
        return;
      }
      if (challenge != null) {
        sink.failed(ex.id, sink.unauthorized(detail, challenge));
        return;
      }
      if (text.startsWith("{")) {
        try {
          // A JSON-RPC error in an error status: 2026-07-28 servers refuse a version or a header
          // so.
          if (Json.parse(b, 0, b.length) instanceof JsonObject o
              && o.get("error") instanceof JsonObject err) {
            sink.errorAnswer(ex.id, err, status);
            return;
          }
        } catch (JsonException e) {
          // not JSON-RPC: reported with the status below
        }
      }
      sink.failed(ex.id, sink.failures().httpStatus(sink.name(), detail, status));
    }
  }

  /** After an exchange ends: resume a request whose stream broke, or listen again. */
  private void finished(Exchange ex, Throwable error) {
    ex.opened.complete(null);
    if (ex.id >= 0) {
      exchanges.remove(ex.id, ex);
    }
    if (closed.get() || ex.cancelled) {
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    Body body = ex.body;
    if (ex.listen) {
      relisten(ex, body, cause);
      return;
    }
    if (ex.id < 0) {
      if (cause != null) {
        LOG.log(
            Level.WARNING,
            () -> "MCP server " + sink.name() + ": " + ex.what + " failed: " + cause);
      }
      return;
    }
    if (!sink.pending(ex.id) || (body != null && body.answered)) {
      return;
    }
    if (body != null && body.mode == Mode.DISCARD) {
      return; // 202: the answer comes on the listening stream
    }
    String last = body == null || body.lastEventId.isEmpty() ? ex.resumedFrom : body.lastEventId;
    // A server may end the stream after each event and expect the client to come back (it
    // polls); only resumptions that bring nothing count toward the limit.
    int vain =
        body == null || body.events > 0 ? 0 : ex.resumes + (ex.resumedFrom.isEmpty() ? 0 : 1);
    if (body != null && body.mode == Mode.EVENTS && !last.isEmpty() && vain < MAX_EMPTY_RESUMES) {
      long delay = retryMillis(body, DEFAULT_RETRY_MILLIS);
      long id = ex.id;
      later(() -> resume(id, last, vain), delay);
      return;
    }
    String detail;
    if (body == null) {
      detail = ex.what + ": cannot reach " + describe() + " (" + cause + ")";
    } else if (body.mode == Mode.EVENTS) {
      detail =
          ex.what
              + ": the event stream ended before the answer"
              + (vain > 0
                  ? " (resumed " + vain + (vain == 1 ? " time" : " times") + " in vain)"
                  : "")
              + (cause == null ? "" : " (" + cause + ")");
    } else {
      detail =
          ex.what
              + ": the response ended without the answer"
              + (cause == null ? "" : " (" + cause + ")");
    }
    sink.failed(ex.id, failure(cause, detail));
  }

  /** An exchange that failed in transit: a timeout, or a connection that failed or ended. */
  private McpException failure(Throwable cause, String detail) {
    return cause instanceof HttpTimeoutException
        ? sink.failures().timeout(sink.name(), detail, cause)
        : sink.failures().connection(sink.name(), detail, cause);
  }

  private void later(Runnable task, long delayMillis) {
    try {
      timer.schedule(task, Duration.ofMillis(delayMillis));
    } catch (RejectedExecutionException e) {
      // the client closed meanwhile
    }
  }

  private static long retryMillis(Body body, long fallback) {
    long r = body == null || body.parser == null ? -1 : body.parser.retryMillis();
    return r < 0 ? fallback : Math.min(r, MAX_RETRY_MILLIS);
  }

  private void resume(long id, String lastEventId, int resumes) {
    if (closed.get() || !sink.pending(id)) {
      return;
    }
    Exchange ex = new Exchange(id, "GET resuming request " + id, false, resumes, lastEventId);
    exchanges.put(id, ex);
    exchange(
        ex,
        request(ex, "GET")
            .header("Accept", EVENT_STREAM)
            .header("Last-Event-ID", lastEventId)
            .GET()
            .build());
  }

  @Override
  public void abandon(long id) {
    Exchange ex = exchanges.remove(id);
    if (ex != null) {
      ex.cancel();
    }
  }

  @Override
  public void initialized(String protocolVersion) {
    this.protocolVersion = protocolVersion;
  }

  /** Opens the listening stream, and waits until the server answered it (at most 5 seconds). */
  @Override
  public void ready() {
    Exchange l = !modern && listening == null ? listen("") : null;
    try {
      // Else a request could reach the server first, and be answered on a stream not yet heard.
      if (l != null) {
        l.opened.get(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.DEBUG, () -> sink.name() + " has not answered the listening GET yet");
    }
  }

  /**
   * Switches between the 2026-07-28 protocol (no session, no listening stream, the method and name
   * in headers) and the earlier ones.
   */
  public void modern(boolean modern) {
    this.modern = modern;
  }

  private Exchange listen(String lastEventId) {
    if (closed.get()) {
      return null;
    }
    Exchange ex = new Exchange(-1, "GET listening", true, 0, lastEventId);
    listening = ex;
    HttpRequest.Builder b = request(ex, "GET").header("Accept", EVENT_STREAM).GET();
    if (!lastEventId.isEmpty()) {
      b.header("Last-Event-ID", lastEventId);
    }
    exchange(ex, b.build());
    return ex;
  }

  private void relisten(Exchange ex, Body body, Throwable cause) {
    if (listening != ex) {
      return;
    }
    if (body != null
        && (body.status == 405 || body.status == 404 || body.status == 401 || body.status == 403)) {
      LOG.log(
          Level.DEBUG,
          () -> sink.name() + " offers no listening stream (GET answered " + body.status + ")");
      listening = null;
      return;
    }
    boolean streamed = body != null && body.mode == Mode.EVENTS;
    int failures;
    synchronized (this) {
      // A stream that brought something resets the count; one that ended empty backs off, and
      // refusals (no event stream at all) end the listening after a few in a row.
      failures = streamed && body.events > 0 ? 0 : ++listenFailures;
      if (failures == 0) {
        listenFailures = 0;
      }
    }
    if (!streamed && failures > MAX_LISTEN_FAILURES) {
      LOG.log(
          Level.WARNING,
          () ->
              "MCP server "
                  + sink.name()
                  + ": stopped listening for what it sends unasked after "
                  + MAX_LISTEN_FAILURES
                  + " failed attempts"
                  + (cause == null ? "" : " (" + cause + ")"));
      listening = null;
      return;
    }
    long delay =
        Math.min(
            MAX_RETRY_MILLIS,
            retryMillis(body, DEFAULT_RETRY_MILLIS) << Math.min(5, Math.max(0, failures - 1)));
    String last = body != null && !body.lastEventId.isEmpty() ? body.lastEventId : ex.resumedFrom;
    later(() -> listen(last), delay);
  }

  @Override
  public boolean resetSession() {
    boolean had = sessionExpired || sessionId != null;
    Exchange l = listening;
    listening = null;
    if (l != null) {
      l.cancel();
    }
    sessionId = null;
    protocolVersion = null;
    sessionExpired = false;
    return had;
  }

  /** Tells whether the server ended the session (a 404 to a request that carried it). */
  public boolean sessionExpired() {
    return sessionExpired;
  }

  /** Returns the session id the server assigned, or null. */
  public String sessionId() {
    return sessionId;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Exchange l = listening;
    listening = null;
    if (l != null) {
      l.cancel();
    }
    for (Exchange ex : exchanges.values()) {
      ex.cancel();
    }
    exchanges.clear();
    String session = sessionId;
    if (session != null) {
      Exchange ex = new Exchange(-1, "DELETE", false, 0, "");
      try {
        HttpResponse<byte[]> r =
            client.send(
                request(ex, "DELETE").timeout(Duration.ofSeconds(5)).DELETE().build(),
                info -> BoundedBodySubscriber.cut(ERROR_BODY_BYTES)); // its body is not read
        if (r.statusCode() / 100 != 2 && r.statusCode() != 405) {
          LOG.log(Level.DEBUG, () -> sink.name() + " answered DELETE with HTTP " + r.statusCode());
        }
      } catch (java.io.IOException e) {
        LOG.log(Level.DEBUG, () -> "cannot end the session with " + sink.name() + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String redact(String text) {
    String s = text;
    for (Map.Entry<String, String> h : headers) {
      String v = h.getValue();
      int space = v.lastIndexOf(' ');
      for (String secret : space < 0 ? List.of(v) : List.of(v, v.substring(space + 1))) {
        if (secret.length() >= 4 && s.contains(secret)) {
          s = s.replace(secret, "[redacted]");
        }
      }
    }
    return credentials.redact(s);
  }

  @Override
  public String describe() {
    String s =
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    String path = uri.getRawPath();
    return path == null ? s : s + path;
  }

  @Override
  public String diagnostics() {
    return "";
  }
}
