package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpProgress;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * JSON-RPC 2.0 over a {@link Transport}: numbered requests with a bounded number in flight, each
 * with a timeout that cancels it on the server, answers matched by id, and what the server sends
 * unasked handed to a {@link Peer}.
 */
public final class Rpc implements Transport.Sink {

  /** The other side of the engine: what to do with what the server sends unasked. */
  public interface Peer {
    /**
     * Answers a request from the server; null when this client does not offer the method. Runs on
     * {@link #executor()} (a {@code ping} on the reading thread), so it may take its time; a {@link
     * Refusal} becomes a JSON-RPC error answer.
     */
    JsonValue onRequest(String method, JsonValue params);

    /** Where the server's requests other than {@code ping} are answered. */
    default java.util.concurrent.Executor executor() {
      return Runnable::run;
    }

    /** Handles a notification other than progress and cancellation. */
    void onNotification(String method, JsonValue params);

    /** Handles progress on one of this client's requests. */
    void onProgress(McpProgress progress);
  }

  /** A JSON-RPC error answer to one of the server's requests. */
  public static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    /**
     * Creates the refusal.
     *
     * @param code the JSON-RPC error code
     * @param message the error's message
     */
    public Refusal(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  private final Transport transport;
  private final Peer peer;
  private final Delayer timer;
  private final int maxPending;
  private final Supplier<String> name;
  private final Failures<McpException> failures;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger malformed = new AtomicInteger();
  private volatile String lastMalformed;
  private volatile McpException closedBy;
  private volatile boolean cancelNotices = true;

  /**
   * Creates the engine of one connection.
   *
   * @param transport carries the messages
   * @param peer answers and hears what the server sends unasked
   * @param timer times the requests out
   * @param maxPending how many requests may wait for answers at once
   * @param name the server's current name, for messages
   * @param failures makes every failure
   */
  public Rpc(
      Transport transport,
      Peer peer,
      Delayer timer,
      int maxPending,
      Supplier<String> name,
      Failures<McpException> failures) {
    this.failures = failures;
    this.transport = transport;
    this.peer = peer;
    this.timer = timer;
    this.maxPending = maxPending;
    this.name = name;
  }

  /** A request waiting for its answer. */
  private static final class Pending {
    final long id;
    final String method;
    final String label;
    final CompletableFuture<JsonValue> future = new CompletableFuture<>();
    volatile Runnable timeout; // withdraws the timeout from the timer

    Pending(long id, String method, String label) {
      this.id = id;
      this.method = method;
      this.label = label;
    }

    String describe() {
      return label == null ? method : method + " \"" + label + "\"";
    }
  }

  @Override
  public String name() {
    return name.get();
  }

  @Override
  public Failures<McpException> failures() {
    return failures;
  }

  /** A server's text as shown in messages and logs: cut, and without any secret sent to it. */
  private String shown(String serverText) {
    return ServerText.shown(serverText, transport::redact);
  }

  /**
   * Sends a request. The future completes with the {@code result}, or exceptionally with an {@link
   * McpException}; cancelling it cancels the request on the server.
   *
   * @param label the tool's name for {@code tools/call}, shown in messages and progress
   * @param progress whether to ask for progress notifications
   */
  public CompletableFuture<JsonValue> request(
      String method, JsonObject params, Duration timeout, String label, boolean progress) {
    return request(method, params, timeout, label, progress, java.util.Map.of());
  }

  /**
   * Sends a request with HTTP headers of its own (the 2026-07-28 {@code Mcp-Param-*} headers); a
   * transport without headers ignores them.
   */
  public CompletableFuture<JsonValue> request(
      String method,
      JsonObject params,
      Duration timeout,
      String label,
      boolean progress,
      java.util.Map<String, String> headers) {
    McpException dead = closedBy;
    String what = label == null ? method : method + " \"" + label + "\"";
    if (dead != null) {
      return CompletableFuture.failedFuture(
          failures.like(dead, name(), what + " not sent: the connection is closed"));
    }
    if (inFlight.incrementAndGet() > maxPending) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(
          failures.limit(
              name(),
              what
                  + " not sent: "
                  + maxPending
                  + " requests already wait for answers; raise maxPendingRequests or send fewer"
                  + " at once",
              null));
    }
    long id = ids.incrementAndGet();
    Pending p = new Pending(id, method, label);
    JsonObject.Builder m =
        JsonObject.builder().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (progress) {
      JsonObject.Builder withToken = JsonObject.builder();
      JsonObject meta = JsonObject.of();
      if (params != null) {
        for (var e : params.members().entrySet()) {
          if (e.getKey().equals("_meta") && e.getValue() instanceof JsonObject given) {
            meta = given;
          } else {
            withToken.put(e.getKey(), e.getValue());
          }
        }
      }
      JsonObject.Builder metaWithToken = JsonObject.builder();
      meta.members().forEach(metaWithToken::put);
      withToken.put("_meta", metaWithToken.put("progressToken", id).build());
      m.put("params", withToken.build());
    } else if (params != null) {
      m.put("params", params);
    }
    pending.put(id, p);
    p.future.whenComplete(
        (r, e) -> {
          pending.remove(id);
          inFlight.decrementAndGet();
          Runnable t = p.timeout;
          if (t != null) {
            t.run();
          }
          if (e instanceof CancellationException) {
            cancelOnServer(p, "the client cancelled the request");
          }
        });
    try {
      p.timeout = timer.schedule(() -> timeOut(p, timeout), timeout);
    } catch (RejectedExecutionException e) {
      p.future.completeExceptionally(
          failures.closed(name(), what + " not sent: the client is closed", e));
      return p.future;
    }
    if (p.future.isDone()) {
      p.timeout.run();
    }
    try {
      transport.send(m.build(), id, headers);
    } catch (McpException e) {
      p.future.completeExceptionally(e);
    }
    return p.future;
  }

  /**
   * Sets whether a request given up on is announced with {@code notifications/cancelled}: not on
   * 2026-07-28 HTTP, where closing the response stream is the cancellation.
   */
  public void cancelNotices(boolean send) {
    this.cancelNotices = send;
  }

  /** Sends a notification. */
  public void notify(String method, JsonObject params) {
    JsonObject.Builder m = JsonObject.builder().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      m.put("params", params);
    }
    transport.send(m.build(), -1);
  }

  private void timeOut(Pending p, Duration timeout) {
    McpException e =
        failures.timeout(
            name(),
            p.describe()
                + " got no answer within "
                + human(timeout)
                + (p.method.equals("initialize") ? "" : "; it was cancelled on the server")
                + malformedNote()
                + transport.diagnostics(),
            null);
    if (p.future.completeExceptionally(e)) {
      cancelOnServer(p, "timed out after " + human(timeout));
    }
  }

  private void cancelOnServer(Pending p, String reason) {
    transport.abandon(p.id);
    // The protocol forbids cancelling initialize; a dead connection needs no notice.
    if (p.method.equals("initialize") || closedBy != null || !cancelNotices) {
      return;
    }
    try {
      notify(
          "notifications/cancelled",
          JsonObject.of("requestId", JsonNumber.of(p.id), "reason", JsonString.of(reason)));
    } catch (McpException e) {
      LOG.log(Level.DEBUG, () -> "cannot tell " + name() + " of the cancellation: " + e);
    }
  }

  /** What the server sent that was not JSON-RPC, for timeout messages. */
  public String malformedNote() {
    int n = malformed.get();
    if (n == 0) {
      return "";
    }
    return "; meanwhile the server wrote "
        + n
        + (n == 1 ? " message that is" : " messages that are")
        + " not JSON-RPC, the last: "
        + lastMalformed;
  }

  @Override
  public void message(JsonValue message) {
    if (message instanceof JsonArray batch) {
      for (JsonValue v : batch.values()) {
        one(v);
      }
    } else {
      one(message);
    }
  }

  private void one(JsonValue v) {
    if (!(v instanceof JsonObject o)) {
      malformed(shown(Json.write(v)), "not a JSON-RPC message");
      return;
    }
    if (o.get("method") instanceof JsonString method) {
      if (o.has("id")) {
        answer(o.get("id"), method.value(), o.get("params"));
      } else {
        notification(method.value(), o.get("params"));
      }
      return;
    }
    if (!o.has("id")) {
      malformed(shown(Json.write(o)), "neither a request, a notification nor an answer");
      return;
    }
    Long id = id(o.get("id"));
    Pending p = id == null ? null : pending.get(id);
    JsonValue error = o.get("error");
    if (p == null) {
      if (error instanceof JsonObject err && id == null) {
        LOG.log(
            Level.WARNING,
            () ->
                "MCP server "
                    + name()
                    + " could not read a message of this client: "
                    + shown(Json.write(err)));
      } else {
        LOG.log(
            Level.DEBUG, () -> name() + " answered request " + o.get("id") + ", not waited for");
      }
      return;
    }
    if (error instanceof JsonObject err) {
      p.future.completeExceptionally(errorAnswer(p, err, 0));
    } else if (o.has("result")) {
      p.future.complete(o.get("result"));
    } else {
      p.future.completeExceptionally(
          failures.protocol(
              name(),
              p.describe()
                  + " was answered with neither a result nor an error: "
                  + shown(Json.write(o)),
              null));
    }
  }

  private static Long id(JsonValue id) {
    if (id instanceof JsonNumber n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 9e15 ? (long) d : null;
    }
    if (id instanceof JsonString s) {
      try {
        return Long.parseLong(s.value());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private void answer(JsonValue id, String method, JsonValue params) {
    if (method.equals("ping")) {
      reply(id, method, params);
      return;
    }
    try {
      peer.executor().execute(() -> reply(id, method, params));
    } catch (RejectedExecutionException e) {
      send(
          id,
          method,
          null,
          -32603,
          "the client is answering too many requests of this server at once; try again");
    }
  }

  private void reply(JsonValue id, String method, JsonValue params) {
    JsonValue result;
    try {
      result = peer.onRequest(method, params);
    } catch (Refusal r) {
      send(id, method, null, r.code, r.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "answering " + ServerText.neutral(method) + " from " + name() + " failed",
          e);
      send(id, method, null, -32603, "the client failed to answer " + method);
      return;
    }
    if (result != null) {
      send(id, method, result, 0, null);
    } else {
      send(
          id,
          method,
          null,
          -32601,
          "Method not found: " + method + " (this client does not offer it)");
    }
  }

  private void send(JsonValue id, String method, JsonValue result, int code, String message) {
    JsonObject.Builder reply = JsonObject.builder().put("jsonrpc", "2.0").put("id", id);
    if (result != null) {
      reply.put("result", result);
    } else {
      reply.put("error", JsonObject.builder().put("code", code).put("message", message).build());
    }
    try {
      transport.send(reply.build(), -1);
    } catch (McpException e) {
      LOG.log(
          Level.DEBUG,
          () -> "cannot answer " + ServerText.neutral(method) + " from " + name() + ": " + e);
    }
  }

  private void notification(String method, JsonValue params) {
    try {
      if (method.equals("notifications/progress")) {
        if (params instanceof JsonObject o) {
          Long token = id(o.get("progressToken"));
          Pending p = token == null ? null : pending.get(token);
          Double progress = Fields.number(o, "progress");
          if (p != null && progress != null) {
            peer.onProgress(
                new McpProgress(
                    p.label == null ? p.method : p.label,
                    progress,
                    Fields.number(o, "total"),
                    Fields.string(o, "message")));
          }
        }
      } else if (!method.equals("notifications/cancelled")) {
        // A server cancels only requests it sent, and this client answers those at once.
        peer.onNotification(method, params);
      }
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "a listener failed on " + ServerText.neutral(method) + " from " + name(),
          e);
    }
  }

  @Override
  public void malformed(String raw, String why) {
    String excerpt = ServerText.shown(raw, transport::redact);
    malformed.incrementAndGet();
    lastMalformed = excerpt + " (" + ServerText.neutral(why) + ")";
    LOG.log(
        Level.WARNING,
        () ->
            "MCP server "
                + name()
                + " sent something that is not JSON-RPC ("
                + ServerText.neutral(why)
                + "): "
                + excerpt);
  }

  private McpException errorAnswer(Pending p, JsonObject err, int httpStatus) {
    int code = err.get("code") instanceof JsonNumber c ? c.intValue() : 0;
    String text = Fields.string(err, "message");
    String detail =
        p.describe()
            + " failed: "
            + shown(text == null ? "(no message)" : text)
            + " (JSON-RPC error "
            + code
            + (httpStatus == 0 ? "" : ", HTTP " + httpStatus)
            + ")";
    return failures.errorAnswer(name(), detail, code, err.get("data"), httpStatus);
  }

  @Override
  public McpException unauthorized(String detail, Unauthorized refusal) {
    return failures.unauthorized(name(), detail, refusal);
  }

  @Override
  public void errorAnswer(long id, JsonObject error, int httpStatus) {
    Pending p = pending.get(id);
    if (p != null) {
      p.future.completeExceptionally(errorAnswer(p, error, httpStatus));
    }
  }

  @Override
  public void failed(long id, McpException e) {
    Pending p = pending.get(id);
    if (p != null) {
      p.future.completeExceptionally(e);
    }
  }

  @Override
  public void closed(McpException e) {
    synchronized (this) {
      if (closedBy == null) {
        closedBy = e;
      }
    }
    for (Pending p : new ArrayList<>(pending.values())) {
      p.future.completeExceptionally(e);
    }
  }

  @Override
  public boolean pending(long id) {
    return pending.containsKey(id);
  }

  /** Returns why the connection closed, or null while it is open. */
  public McpException closedBy() {
    return closedBy;
  }

  /** Returns a duration as a person reads it: {@code 250 ms}, {@code 30 s}, {@code 2.5 s}. */
  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
