package io.github.kimisdk.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP server whose every answer a test scripts, path by path (a hostile MCP server, a
 * hostile authorization server, a place a redirect points to), and which records every request it
 * receives whole: method, path, query, headers and body, for tests that search them.
 */
public final class ScriptedServer implements AutoCloseable {

  /** One request as received. */
  public record Request(
      String method, String path, String query, Map<String, List<String>> headers, String body) {

    /** The first value of a header, or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    /** Everything received, as one text to search. */
    public String all() {
      return method + " " + path + "?" + query + " " + headers + " " + body;
    }
  }

  /** One answer. */
  public record Reply(int status, Map<String, String> headers, String body) {

    /** A JSON answer. */
    public static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json"), body);
    }

    /** A redirect to {@code location}. */
    public static Reply redirect(int status, String location) {
      return new Reply(status, Map.of("Location", location), "");
    }

    /** A 401 with one {@code WWW-Authenticate} value. */
    public static Reply unauthorized(String wwwAuthenticate) {
      return new Reply(
          401,
          Map.of("WWW-Authenticate", wwwAuthenticate, "Content-Type", "application/json"),
          "{\"error\":\"invalid_token\"}");
    }
  }

  /** Every request received, in order. */
  public final List<Request> requests = new CopyOnWriteArrayList<>();

  private final Map<String, Function<Request, Reply>> script = new ConcurrentHashMap<>();
  private final HttpServer http;
  private final ExecutorService pool;

  private ScriptedServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "scripted-server");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
  }

  /** Starts a server that answers 404 until scripted. */
  public static ScriptedServer start() throws IOException {
    return new ScriptedServer();
  }

  /** The server's origin, such as {@code http://127.0.0.1:41234}. */
  public String origin() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Answers requests for {@code path} (any method) with what {@code answer} gives. */
  public ScriptedServer on(String path, Function<Request, Reply> answer) {
    script.put(path, answer);
    return this;
  }

  /** Answers requests for {@code path} with {@code reply}. */
  public ScriptedServer on(String path, Reply reply) {
    return on(path, r -> reply);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, List<String>> headers = new LinkedHashMap<>(ex.getRequestHeaders());
      Request r =
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              ex.getRequestURI().getRawQuery(),
              Map.copyOf(headers),
              new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      requests.add(r);
      Function<Request, Reply> answer = script.get(r.path());
      Reply reply = answer == null ? Reply.json(404, "{\"error\":\"not_found\"}") : answer.apply(r);
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
