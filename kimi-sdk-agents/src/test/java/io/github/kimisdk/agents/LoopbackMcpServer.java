package io.github.kimisdk.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small MCP server over Streamable HTTP on loopback, for the agent's tests, written from the
 * specification (2025-11-25): {@code initialize} assigns a session id, notifications are accepted
 * with 202, the listening GET is refused with 405 (the client then asks for nothing unasked), and a
 * call is answered as an event stream, where a changed tool list is announced before the result.
 * Nothing else is implemented: an unknown method is answered with JSON-RPC's -32601 (which is how a
 * client that probes {@code server/discover} learns to {@code initialize}).
 *
 * <p>Its tools: {@code echo} ({@code "echo: <text>"}), {@code dotted.name} (a name Kimi refuses),
 * {@code fail} (an error result), {@code hang} (answers nothing until the client cancels it, and
 * records the cancellation), {@code crash} (ends the stream without an answer), {@code add_tool}
 * (adds {@code added_tool} and says the list changed), {@code balance} (read-only) and {@code
 * transfer} (destructive and idempotent by its hints): a payment service that honours the
 * idempotency key a call carries in its {@code _meta} ({@code io.github.kimisdk/idempotency-key}),
 * so a key it has seen makes no second transfer, and answers as the first time. It records every
 * call ({@link #events()}) and every transfer made ({@link #transfers()}).
 *
 * <p>Thread model: the JDK server's handlers run on a cached pool (a hanging call holds one
 * thread); the records are guarded by {@code this}. No exchange attribute is used
 * (JdkHttpServerUseTest).
 */
final class LoopbackMcpServer implements AutoCloseable {
  static final String KEY = "io.github.kimisdk/idempotency-key";
  static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

  /** A transfer the service made: once per idempotency key. */
  record Transfer(String key, String to, long amount) {}

  private final String name;
  private final HttpServer http;
  private final ExecutorService pool;
  private final AtomicInteger sessions = new AtomicInteger();
  private final Map<String, CountDownLatch> hanging = new ConcurrentHashMap<>();
  private final List<JsonObject> tools = new ArrayList<>(); // guarded by this
  private final List<String> events = new ArrayList<>(); // guarded by this
  private final Map<String, Transfer> byKey = new LinkedHashMap<>(); // guarded by this
  private int transferRequests; // guarded by this

  private LoopbackMcpServer(String name) throws IOException {
    this.name = name;
    tools.add(tool("echo", "Echoes the text", object("text", "string")));
    tools.add(tool("dotted.name", "A name Kimi refuses", object()));
    tools.add(tool("fail", "Fails on purpose", object()));
    tools.add(tool("hang", "Never answers", object()));
    tools.add(tool("crash", "Ends its answer without one", object()));
    tools.add(tool("add_tool", "Adds a tool and says the list changed", object()));
    tools.add(
        annotated(
            tool("balance", "The balance of an account", object("account", "string")),
            "readOnlyHint"));
    JsonObject transfer =
        tool(
            "transfer",
            "Moves money to an account",
            JsonObject.builder()
                .put("type", "object")
                .put(
                    "properties",
                    JsonObject.of(
                        "to", JsonObject.of("type", JsonString.of("string")),
                        "amount", JsonObject.of("type", JsonString.of("integer"))))
                .put("required", JsonArray.of(JsonString.of("to"), JsonString.of("amount")))
                .build());
    tools.add(annotated(transfer, "destructiveHint", "idempotentHint"));
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "loopback-mcp-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(pool);
    http.createContext("/mcp", this::handle);
    http.start();
  }

  /** Starts a server that names itself {@code name} in its handshake. */
  static LoopbackMcpServer start(String name) {
    try {
      return new LoopbackMcpServer(name);
    } catch (IOException e) {
      throw new IllegalStateException("the MCP server did not start", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
  }

  /** What the server saw: {@code call NAME ARGS} and {@code cancelled ID: REASON}, in order. */
  synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** The transfers made, one per idempotency key, in order. */
  synchronized List<Transfer> transfers() {
    return List.copyOf(byKey.values());
  }

  /** The transfer calls received, repeats included. */
  synchronized int transferRequests() {
    return transferRequests;
  }

  @Override
  public void close() {
    hanging.values().forEach(CountDownLatch::countDown);
    http.stop(0);
    pool.shutdownNow();
  }

  private synchronized void event(String e) {
    events.add(e);
    notifyAll();
  }

  /** Waits for the first event that starts with {@code prefix}; fails after {@code timeout}. */
  synchronized String awaitEvent(String prefix, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String e : events) {
        if (e.startsWith(prefix)) {
          return e;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no event " + prefix + "... in " + timeout + ": " + events);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (method.equals("GET")) {
        reply(ex, 405, null);
        return;
      }
      if (method.equals("DELETE")) {
        reply(ex, 200, null);
        return;
      }
      byte[] raw;
      try (InputStream in = ex.getRequestBody()) {
        raw = in.readAllBytes();
      }
      JsonObject m;
      try {
        m = Json.parse(raw).asObject();
      } catch (JsonException | IllegalStateException e) {
        reply(ex, 400, error(null, -32700, "Parse error"));
        return;
      }
      JsonValue id = m.get("id");
      if (!(m.get("method") instanceof JsonString ms)) {
        reply(ex, 202, null); // an answer of the client's
        return;
      }
      JsonObject params = m.get("params") instanceof JsonObject p ? p : JsonObject.of();
      switch (ms.value()) {
        case "initialize" -> {
          String asked =
              params.get("protocolVersion") instanceof JsonString v ? v.value() : VERSIONS.get(0);
          ex.getResponseHeaders().set("Mcp-Session-Id", "session-" + sessions.incrementAndGet());
          reply(
              ex,
              200,
              result(
                  id,
                  JsonObject.builder()
                      .put("protocolVersion", VERSIONS.contains(asked) ? asked : VERSIONS.get(0))
                      .put(
                          "capabilities",
                          JsonObject.of("tools", JsonObject.of("listChanged", JsonBoolean.TRUE)))
                      .put(
                          "serverInfo",
                          JsonObject.of(
                              "name", JsonString.of(name), "version", JsonString.of("1.0")))
                      .build()));
        }
        case "notifications/cancelled" -> {
          String request = String.valueOf(params.get("requestId"));
          event("cancelled " + request + ": " + string(params.get("reason")));
          CountDownLatch h = hanging.remove(request);
          if (h != null) {
            h.countDown();
          }
          reply(ex, 202, null);
        }
        case "ping" -> reply(ex, 200, result(id, JsonObject.of()));
        case "tools/list" -> {
          List<JsonValue> listed;
          synchronized (this) {
            listed = new ArrayList<>(tools);
          }
          reply(ex, 200, result(id, JsonObject.of("tools", JsonArray.of(listed))));
        }
        case "tools/call" -> call(ex, id, params);
        default -> {
          if (id == null) {
            reply(ex, 202, null); // a notification: nothing to answer
          } else {
            reply(ex, 200, error(id, -32601, "Method not found: " + ms.value()));
          }
        }
      }
    }
  }

  /** Answers a call as an event stream: a list change first when it made one, then the result. */
  private void call(HttpExchange ex, JsonValue id, JsonObject params) throws IOException {
    String tool = string(params.get("name"));
    JsonObject args = params.get("arguments") instanceof JsonObject a ? a : JsonObject.of();
    String key =
        params.get("_meta") instanceof JsonObject meta && meta.get(KEY) instanceof JsonString k
            ? k.value()
            : null;
    event("call " + tool + " " + Json.write(args));
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    ex.getResponseBody().flush();
    OutputStream out = ex.getResponseBody();
    switch (tool) {
      case "echo" -> send(out, result(id, text("echo: " + string(args.get("text")), false)));
      case "dotted.name" -> send(out, result(id, text("dotted.name ok", false)));
      case "fail" -> send(out, result(id, text("the tool failed on purpose", true)));
      case "hang" -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        hanging.put(String.valueOf(id), cancelled);
        try {
          cancelled.await(60, TimeUnit.SECONDS); // then the stream ends without an answer
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      case "crash" -> {
        // the stream ends without an answer
      }
      case "add_tool" -> {
        synchronized (this) {
          if (tools.stream().noneMatch(t -> string(t.get("name")).equals("added_tool"))) {
            tools.add(tool("added_tool", "Added by add_tool", object()));
          }
        }
        send(
            out,
            JsonObject.of(
                "jsonrpc",
                JsonString.of("2.0"),
                "method",
                JsonString.of("notifications/tools/list_changed")));
        send(out, result(id, text("added", false)));
      }
      case "added_tool" -> send(out, result(id, text("added_tool ok", false)));
      case "balance" ->
          send(out, result(id, text(string(args.get("account")) + " holds 1000", false)));
      case "transfer" -> send(out, result(id, transfer(args, key)));
      default -> send(out, error(id, -32602, "Tool " + tool + " not found"));
    }
  }

  private synchronized JsonObject transfer(JsonObject args, String key) {
    transferRequests++;
    if (key == null) {
      return text("a transfer needs an idempotency key in its _meta (" + KEY + ")", true);
    }
    Transfer t = byKey.get(key);
    if (t == null) {
      t = new Transfer(key, string(args.get("to")), args.get("amount").asLong());
      byKey.put(key, t);
    }
    return text("transferred " + t.amount() + " to " + t.to(), false);
  }

  private static void send(OutputStream out, JsonObject message) throws IOException {
    out.write(
        ("event: message\ndata: " + Json.write(message) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void reply(HttpExchange ex, int status, JsonObject body) throws IOException {
    if (body == null) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  // ------------------------------------------------------------------------------------------
  // JSON-RPC and MCP values

  private static JsonObject result(JsonValue id, JsonObject result) {
    return JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "result", result);
  }

  private static JsonObject error(JsonValue id, int code, String message) {
    return JsonObject.builder()
        .put("jsonrpc", "2.0")
        .put("id", id == null ? io.github.kimisdk.json.JsonNull.INSTANCE : id)
        .put("error", JsonObject.of("code", JsonNumber.of(code), "message", JsonString.of(message)))
        .build();
  }

  private static JsonObject text(String text, boolean isError) {
    return JsonObject.of(
        "content",
        JsonArray.of(JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(text))),
        "isError",
        JsonBoolean.of(isError));
  }

  private static JsonObject tool(String name, String description, JsonObject schema) {
    return JsonObject.of(
        "name",
        JsonString.of(name),
        "description",
        JsonString.of(description),
        "inputSchema",
        schema);
  }

  private static JsonObject annotated(JsonObject tool, String... hints) {
    JsonObject.Builder a = JsonObject.builder();
    for (String h : hints) {
      a.put(h, JsonBoolean.TRUE);
    }
    return JsonObject.builder()
        .put("name", tool.get("name"))
        .put("description", tool.get("description"))
        .put("inputSchema", tool.get("inputSchema"))
        .put("annotations", a.build())
        .build();
  }

  private static JsonObject object() {
    return JsonObject.of("type", JsonString.of("object"));
  }

  private static JsonObject object(String property, String type) {
    return JsonObject.builder()
        .put("type", "object")
        .put("properties", JsonObject.of(property, JsonObject.of("type", JsonString.of(type))))
        .put("required", JsonArray.of(JsonString.of(property)))
        .build();
  }

  private static String string(JsonValue v) {
    return v instanceof JsonString s ? s.value() : String.valueOf(v);
  }
}
