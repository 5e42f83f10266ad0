package io.github.kimisdk.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link McpTestServer} over Streamable HTTP on loopback, written against the specification: a
 * session id assigned at {@code initialize} and required afterwards (404 once ended), answers as
 * event streams with event ids kept for resumption, or as JSON ({@code json}), a listening GET
 * stream (405 with {@code no-get}), resumption with {@code Last-Event-ID}, {@code DELETE}.
 *
 * <p>Options: {@code json} answers requests with JSON bodies; {@code poll} ends each POST stream
 * right after a priming event, so every answer must be fetched by resuming; {@code no-get} refuses
 * the listening stream; {@code slow-get} answers it a second late; {@code token=T} requires {@code
 * Authorization: Bearer T}; with {@code dpop} a protecting authorization server's challenge names
 * the {@code DPoP} scheme only, and with {@code dpop-nonce} a proof needs the nonce {@value
 * #NONCE}.
 */
public final class McpHttpTestServer implements AutoCloseable {

  final McpTestServer core;
  final WatchedLog requests = new WatchedLog();
  private final Set<String> options;
  private final HttpServer http;
  private final ExecutorService pool;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger sessionIds = new AtomicInteger();

  private McpHttpTestServer(Set<String> options) throws IOException {
    this.options = options;
    this.core = new McpTestServer(options);
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "mcp-http-test");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(pool);
    http.createContext("/mcp", this::handle);
    http.start();
  }

  public static McpHttpTestServer start(String... options) throws IOException {
    return new McpHttpTestServer(Set.of(options));
  }

  /** What the server saw: its calls, in order. */
  public List<String> events() {
    return core.events;
  }

  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
  }

  private volatile TestAuthorizationServer guard;
  private volatile Map<String, Set<String>> scopes = Map.of();

  /**
   * Requires a token of {@code as} on every request from now on (401 with the protected resource
   * metadata's URL otherwise), with the scopes {@code scopes} names for each method (403 {@code
   * insufficient_scope} otherwise; {@code "*"} for every method, also named in the 401), and serves
   * the protected resource metadata (RFC 9728) at its path-based well-known URL.
   */
  void protect(TestAuthorizationServer as, Map<String, Set<String>> scopes) {
    this.scopes = Map.copyOf(scopes);
    this.guard = as;
    this.issuer = as.issuer();
    http.createContext(
        "/.well-known/oauth-protected-resource/mcp",
        ex -> {
          requests.add("GET protected resource metadata");
          reply(
              ex,
              200,
              "application/json",
              Json.write(
                  JsonObject.builder()
                      .put("resource", url())
                      .put(
                          "authorization_servers",
                          io.github.kimisdk.json.JsonArray.of(JsonString.of(issuer)))
                      .build()));
        });
  }

  private volatile String issuer;

  /**
   * Names another authorization server in the protected resource metadata from now on (a server
   * that moved, or was taken over); the tokens of the first still pass.
   */
  void authorizationServer(String issuer) {
    this.issuer = issuer;
  }

  private String metadataUrl() {
    return url().replace("/mcp", "/.well-known/oauth-protected-resource/mcp");
  }

  private Set<String> needs(String method) {
    Set<String> n = new java.util.LinkedHashSet<>(scopes.getOrDefault("*", Set.of()));
    n.addAll(scopes.getOrDefault(method, Set.of()));
    return n;
  }

  /**
   * The token a request presents: as {@code Bearer} when not bound to a key, as {@code DPoP} with a
   * valid proof of the key it is bound to ({@link DpopProofs}, each proof's {@code jti} and nonce
   * kept in {@link #proofs}); a null token otherwise. What one request presents is handed from step
   * to step as this value, never through the exchange's attributes: on JDK 17.0.15 those are a
   * {@code ConcurrentHashMap}, which throws on a null value, and the server then closes the
   * connection without an answer (later JDK 17 updates take a null as a removal).
   */
  private Presented bearer(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    TestAuthorizationServer as = guard;
    if (h != null && h.startsWith("DPoP ") && as != null) {
      String token = h.substring(5);
      as.secrets.add(String.valueOf(ex.getRequestHeaders().getFirst("DPoP")));
      try {
        DpopProofs.Proof p =
            as.proofs.check(
                ex.getRequestHeaders().getFirst("DPoP"), ex.getRequestMethod(), url(), token);
        proofs.add(ex.getRequestMethod() + " nonce=" + p.nonce());
        return new Presented(
            p.jkt().equals(as.boundKey(token)) ? token : null, String.valueOf(p.nonce()));
      } catch (IllegalArgumentException e) {
        proofs.add("refused: " + e.getMessage());
        return new Presented(null, null);
      }
    }
    String token = h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
    // a bound token needs its proof
    return new Presented(as != null && as.boundKey(token) != null ? null : token, null);
  }

  /** The token a request presented (or null) and the nonce its DPoP proof carried (or null). */
  private record Presented(String token, String nonce) {}

  /** The DPoP proofs the server checked: method and nonce, or why one was refused. */
  final WatchedLog proofs = new WatchedLog();

  /** The nonce the server asks DPoP proofs for with {@code dpop-nonce}. */
  static final String NONCE = "rs-nonce-1";

  /** Ends every session, as a server restart would: later requests get 404. */
  void endSessions() {
    sessions.clear();
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }

  /** Counted down once a listening stream is attached: what it sends now reaches the client. */
  final java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);

  /**
   * Counted down just before the first listening GET's headers are sent: none can reach it first.
   */
  final java.util.concurrent.CountDownLatch listenAnswered =
      new java.util.concurrent.CountDownLatch(1);

  /** One session: its event ids, streams and listening stream. */
  private final class Session {
    final String id;
    final AtomicInteger eventIds = new AtomicInteger();
    final List<Stream> streams = new CopyOnWriteArrayList<>();
    volatile Stream listening;

    Session(String id) {
      this.id = id;
    }
  }

  /** An event stream: its events kept for resumption, and the connection it is written to. */
  private final class Stream {
    final Session session;
    final List<String[]> events = new ArrayList<>(); // {id, data}
    HttpExchange conn;
    boolean done;

    Stream(Session session) {
      this.session = session;
    }

    synchronized void write(String data, boolean last) {
      String id = session.id + "-" + session.eventIds.incrementAndGet();
      events.add(new String[] {id, data});
      if (conn != null && !send(conn, id, data)) {
        conn = null;
      }
      if (last) {
        done = true;
        if (conn != null) {
          conn.close();
          conn = null;
        }
      }
    }

    synchronized boolean has(String eventId) {
      for (String[] e : events) {
        if (e[0].equals(eventId)) {
          return true;
        }
      }
      return false;
    }

    synchronized void attach(HttpExchange c, String afterEventId) {
      boolean after = afterEventId == null;
      for (String[] e : events) {
        if (after) {
          send(c, e[0], e[1]);
        } else if (e[0].equals(afterEventId)) {
          after = true;
        }
      }
      if (done) {
        c.close();
      } else {
        conn = c;
      }
    }

    synchronized void detach() {
      if (conn != null) {
        conn.close();
        conn = null;
      }
    }
  }

  private static boolean send(HttpExchange c, String id, String data) {
    try {
      OutputStream os = c.getResponseBody();
      os.write(("id: " + id + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      os.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String session = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
    String version = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
    String token = option("token=");
    if (token != null
        && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      requests.add(ex.getRequestMethod() + " unauthorized");
      reply(ex, 401, "text/plain", "unauthorized");
      return;
    }
    TestAuthorizationServer as = guard;
    Presented shown = bearer(ex);
    String presented = shown.token();
    if (presented != null
        && options.contains("dpop-nonce")
        && as.boundKey(presented) != null
        && !NONCE.equals(shown.nonce())) {
      requests.add(ex.getRequestMethod() + " use_dpop_nonce");
      ex.getResponseHeaders().set("DPoP-Nonce", NONCE);
      ex.getResponseHeaders().set("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"");
      reply(ex, 401, "application/json", "{\"error\":\"use_dpop_nonce\"}");
      return;
    }
    if (as != null && !as.valid(String.valueOf(presented), Set.of())) {
      requests.add(ex.getRequestMethod() + " unauthorized");
      Set<String> base = scopes.getOrDefault("*", Set.of());
      String scheme = options.contains("dpop") ? "DPoP" : "Bearer";
      ex.getResponseHeaders()
          .set(
              "WWW-Authenticate",
              scheme
                  + " error=\"invalid_token\", resource_metadata=\""
                  + metadataUrl()
                  + "\""
                  + (base.isEmpty() ? "" : ", scope=\"" + String.join(" ", base) + "\""));
      reply(ex, 401, "application/json", "{\"error\":\"invalid_token\"}");
      return;
    }
    switch (ex.getRequestMethod()) {
      case "POST":
        post(ex, session, version, presented);
        return;
      case "GET":
        get(ex, session, version);
        return;
      case "DELETE":
        requests.add("DELETE session=" + session);
        reply(ex, sessions.remove(String.valueOf(session)) == null ? 404 : 200, "text/plain", "");
        return;
      default:
        reply(ex, 405, "text/plain", "");
    }
  }

  private String option(String prefix) {
    for (String o : options) {
      if (o.startsWith(prefix)) {
        return o.substring(prefix.length());
      }
    }
    return null;
  }

  private void post(HttpExchange ex, String sessionId, String version, String token)
      throws IOException {
    JsonValue message;
    try {
      message = Json.parse(ex.getRequestBody().readAllBytes());
    } catch (JsonException e) {
      reply(
          ex,
          400,
          "application/json",
          "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
      return;
    }
    JsonObject m = message.asObject();
    String method = m.get("method") instanceof JsonString s ? s.value() : "response";
    TestAuthorizationServer as = guard;
    if (as != null && !as.valid(token, needs(method))) {
      requests.add("POST " + method + " forbidden");
      ex.getResponseHeaders()
          .set(
              "WWW-Authenticate",
              "Bearer error=\"insufficient_scope\", scope=\""
                  + String.join(" ", needs(method))
                  + "\", resource_metadata=\""
                  + metadataUrl()
                  + "\"");
      reply(ex, 403, "application/json", "{\"error\":\"insufficient_scope\"}");
      return;
    }
    requests.add(
        "POST "
            + method
            + " session="
            + sessionId
            + " version="
            + version
            + " accept="
            + ex.getRequestHeaders().getFirst("Accept"));
    Session session;
    if (method.equals("initialize")) {
      session = new Session("s" + sessionIds.incrementAndGet());
      sessions.put(session.id, session);
      ex.getResponseHeaders().set("Mcp-Session-Id", session.id);
    } else if (sessionId == null) {
      reply(ex, 400, "text/plain", "no session id");
      return;
    } else {
      session = sessions.get(sessionId);
      if (session == null) {
        reply(
            ex,
            404,
            "application/json",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"Session not found\"}}");
        return;
      }
    }
    core.unasked = listeningChannel(session);
    if (!m.has("id") || !m.has("method")) {
      core.handle(m, listeningChannel(session));
      reply(ex, 202, "text/plain", "");
      return;
    }
    JsonValue id = m.get("id");
    if (options.contains("json")) {
      core.handle(
          m,
          new McpTestServer.Channel() {
            @Override
            public void send(JsonObject out) {
              if (id.equals(out.get("id")) && !out.has("method")) {
                try {
                  reply(ex, 200, "application/json", Json.write(out));
                } catch (IOException e) {
                  // the client went away
                }
              } else {
                listeningChannel(session).send(out);
              }
            }

            @Override
            public void die() {
              crash();
            }

            @Override
            public void garbage(String text) {
              try {
                reply(ex, 200, "application/json", text);
              } catch (IOException e) {
                // the client went away
              }
            }
          });
      return;
    }
    Stream stream = new Stream(session);
    session.streams.add(stream);
    openEventStream(ex);
    stream.attach(ex, null);
    if (options.contains("poll")) {
      stream.write("", false); // a priming event: an id and no data
      stream.detach();
    }
    core.handle(
        m,
        new McpTestServer.Channel() {
          @Override
          public void send(JsonObject out) {
            stream.write(Json.write(out), id.equals(out.get("id")) && !out.has("method"));
          }

          @Override
          public void die() {
            crash();
          }

          @Override
          public void garbage(String text) {
            stream.write(text, true);
          }
        });
  }

  private void crash() {
    Thread t = new Thread(() -> http.stop(0), "mcp-http-test-crash");
    t.start();
  }

  private McpTestServer.Channel listeningChannel(Session session) {
    return new McpTestServer.Channel() {
      @Override
      public void send(JsonObject out) {
        Stream l = session.listening;
        if (l != null) {
          l.write(Json.write(out), false);
        }
      }

      @Override
      public void die() {
        crash();
      }

      @Override
      public void garbage(String text) {}
    };
  }

  private void get(HttpExchange ex, String sessionId, String version) throws IOException {
    String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
    requests.add("GET session=" + sessionId + " version=" + version + " last-event-id=" + last);
    Session session = sessionId == null ? null : sessions.get(sessionId);
    if (session == null) {
      reply(ex, sessionId == null ? 400 : 404, "text/plain", "no such session");
      return;
    }
    String accept = ex.getRequestHeaders().getFirst("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      reply(ex, 406, "text/plain", "");
      return;
    }
    if (last != null) {
      for (Stream s : session.streams) {
        if (s.has(last)) {
          openEventStream(ex);
          s.attach(ex, last);
          return;
        }
      }
      Stream l = session.listening;
      if (l != null && l.has(last)) {
        openEventStream(ex);
        l.attach(ex, last);
        return;
      }
      reply(ex, 404, "text/plain", "unknown event id");
      return;
    }
    if (options.contains("no-get")) {
      reply(ex, 405, "text/plain", "");
      return;
    }
    if (session.listening != null && session.listening.conn != null) {
      reply(ex, 409, "text/plain", "already listening");
      return;
    }
    if (options.contains("slow-get")) {
      try {
        Thread.sleep(1000); // a busy server, slow to answer the listening GET
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Stream l = new Stream(session);
    session.listening = l;
    listenAnswered.countDown();
    openEventStream(ex);
    l.attach(ex, null);
    listening.countDown();
  }

  /**
   * Answers with an event stream's headers, sent now, as a server that streams does: JDK 25's
   * {@code sendResponseHeaders} leaves them in its buffer until the first event (JDK 17's sends
   * them), and the client's build waits for the listening stream's answer.
   */
  private static void openEventStream(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    ex.getResponseBody().flush();
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    if (status == 202 || b.length == 0) {
      ex.sendResponseHeaders(status, -1);
    } else {
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
    }
    ex.close();
  }
}
