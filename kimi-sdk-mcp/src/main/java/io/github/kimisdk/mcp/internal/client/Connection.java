package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpProgress;
import io.github.kimisdk.mcp.McpServerInfo;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.McpToolResult;
import io.github.kimisdk.mcp.internal.auth.Authorizer;
import io.github.kimisdk.mcp.internal.http.StreamableHttp;
import io.github.kimisdk.mcp.internal.rpc.Failures;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.Rpc;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import io.github.kimisdk.mcp.internal.rpc.Transport;
import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import io.github.kimisdk.mcp.internal.stdio.StdioTransport;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One connection to an MCP server, behind {@code McpClient}: the transport and its JSON-RPC, the
 * protocol both sides speak ({@link Handshake}), and each request sent as the protocol and the
 * server's answers ask ({@link #exchange}: authorized again on a 401 or 403, sent again at another
 * version or in a new session); the server's tools ({@link ToolCatalog}) and their calls ({@link
 * ToolCalls}), a result's rounds of input ({@link InputRounds}) and the server's own requests
 * ({@link ServerRequests}).
 *
 * <p>Threads: the methods are called from any thread. The protocol's state ({@link #modern}, {@link
 * #version}, {@link #info}, {@link #name}) is volatile, set by the handshake (on the building
 * thread, or under {@link #sessionLock} when an HTTP session is started again) and read by every
 * request.
 */
public final class Connection implements AutoCloseable {

  static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  /** The protocol versions this client speaks, newest first. */
  public static final List<String> PROTOCOL_VERSIONS = Handshake.PROTOCOL_VERSIONS;

  /** How many times one request may be authorized (the first time and the step-ups). */
  public static final int MAX_AUTHORIZATIONS = 3;

  static final String META_PREFIX = "io.modelcontextprotocol/";

  final Settings settings;
  final Transport transport;
  final Rpc rpc;
  final Authorizer auth;
  final JsonObject capabilities;
  final ThreadPoolExecutor workers;
  final ToolCatalog tools;
  final ToolCalls calls;
  final InputRounds inputs;
  final Handshake handshake;
  final ServerRequests requests;
  private final Events events;
  final Failures<McpException> failures; // makes every failure
  private final DaemonTimer.Lease timer; // the SDK's shared timer, withdrawn from at close
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object sessionLock = new Object();
  volatile String name;
  volatile McpServerInfo info;
  volatile boolean modern;
  volatile String version;

  /**
   * Creates the connection, not yet open.
   *
   * @param settings what the builder set
   * @param events hears what the server reports
   * @param transports makes the transport, given the timer it may schedule on
   * @param auth the authorization of an HTTP server that asks for one; null for none
   * @param failures makes every failure
   */
  public Connection(
      Settings settings,
      Events events,
      Function<Delayer, Transport> transports,
      Authorizer auth,
      Failures<McpException> failures) {
    this.settings = settings;
    this.events = events;
    this.auth = auth;
    this.failures = failures;
    JsonObject.Builder caps = JsonObject.builder();
    if (settings.roots() != null) {
      caps.put("roots", JsonObject.of());
    }
    if (settings.sampling() != null) {
      caps.put("sampling", JsonObject.of());
    }
    if (settings.elicitation() != null) {
      caps.put("elicitation", JsonObject.of());
    }
    this.capabilities = caps.build();
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            0,
            settings.maxPendingRequests() + 16,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "kimi-sdk-mcp-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.requests = new ServerRequests(settings);
    this.timer = DaemonTimer.shared().lease();
    this.transport = transports.apply(timer);
    this.name = settings.name() != null ? settings.name() : transport.describe();
    this.rpc =
        new Rpc(transport, new Peer(), timer, settings.maxPendingRequests(), () -> name, failures);
    this.handshake = new Handshake(this);
    this.inputs = new InputRounds(this);
    this.tools = new ToolCatalog(this);
    this.calls = new ToolCalls(this);
  }

  /**
   * Starts the transport and performs the handshake; on a failure, ends what was started.
   *
   * @throws McpException if the server cannot be started or reached, or the handshake fails
   */
  public void connect() {
    try {
      transport.start(rpc);
    } catch (RuntimeException e) {
      timer.close();
      workers.shutdownNow();
      throw e;
    }
    try {
      handshake.handshake();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Whether the transport is Streamable HTTP. */
  boolean http() {
    return transport instanceof StreamableHttp;
  }

  /** Switches the protocol: the stateless one at {@code v}, or one with a handshake. */
  void speak(boolean stateless, String v) {
    modern = stateless;
    version = v;
    if (transport instanceof StreamableHttp h) {
      h.modern(stateless);
      rpc.cancelNotices(!stateless);
    }
    transport.initialized(v);
  }

  /** A 2026-07-28 request's parameters: {@code params} with the client's {@code _meta}. */
  JsonObject withMeta(JsonObject params) {
    JsonObject.Builder meta = JsonObject.builder();
    JsonObject.Builder p = JsonObject.builder();
    if (params != null) {
      for (var e : params.members().entrySet()) {
        if (e.getKey().equals("_meta") && e.getValue() instanceof JsonObject given) {
          given.members().forEach(meta::put);
        } else {
          p.put(e.getKey(), e.getValue());
        }
      }
    }
    meta.put(META_PREFIX + "protocolVersion", version)
        .put(META_PREFIX + "clientCapabilities", capabilities)
        .put(META_PREFIX + "clientInfo", handshake.clientInfo());
    return p.put("_meta", meta.build()).build();
  }

  /** A server's text as shown in messages and logs: cut, and without any secret sent to it. */
  String shown(String serverText) {
    return ServerText.shown(serverText, transport::redact);
  }

  McpException protocol(String detail) {
    return failures.protocol(name, detail, null);
  }

  /** Waits for an answer; an interrupt cancels the request on the server. */
  <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw failures.closed(
          name,
          "interrupted while waiting for an answer; the request was cancelled on the server",
          e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw failures.protocol(name, String.valueOf(c), c);
    }
  }

  /**
   * Sends a request and waits for its result: with the client's {@code _meta} at 2026-07-28;
   * authorized and sent again when the server answers 401 or 403 (at most {@value
   * #MAX_AUTHORIZATIONS} times); sent once more at a version the server names when it refuses the
   * one sent; and when an HTTP server ended the session, in a new session.
   */
  JsonValue exchange(
      String method,
      JsonObject params,
      Duration timeout,
      String label,
      boolean progress,
      Map<String, String> headers) {
    int authorizations = 0;
    boolean versionRetried = false;
    boolean sessionRetried = false;
    while (true) {
      if (auth != null) {
        auth.refreshIfExpired(name);
      }
      String before = transport instanceof StreamableHttp h ? h.sessionId() : null;
      JsonObject p = modern ? withMeta(params) : params;
      try {
        return await(rpc.request(method, p, timeout, label, progress, headers));
      } catch (McpException e) {
        Unauthorized refusal = failures.refusal(e);
        if (refusal != null && auth != null) {
          if (++authorizations > MAX_AUTHORIZATIONS) {
            throw failures.authorization(
                name,
                method
                    + " was refused with HTTP "
                    + refusal.status()
                    + " after "
                    + MAX_AUTHORIZATIONS
                    + " authorizations; check that this account may do it",
                e);
          }
          auth.authorize(refusal, name);
          if (!modern && info != null) {
            transport.ready(); // listen again, if the server refused the stream before
          }
          continue;
        }
        if (modern && e.errorCode().orElse(0) == -32022 && !versionRetried) {
          versionRetried = true;
          List<String> supported =
              e.errorData().orElse(null) instanceof JsonObject d
                  ? Fields.strings(d.get("supported"), 64)
                  : List.of();
          String v = Handshake.first(Handshake.MODERN_VERSIONS, supported);
          if (v == null) {
            throw e;
          }
          version = v;
          transport.initialized(v);
          continue;
        }
        if (!modern
            && !sessionRetried
            && transport instanceof StreamableHttp h
            && e.httpStatus().orElse(0) == 404
            && before != null) {
          sessionRetried = true;
          synchronized (sessionLock) {
            if (h.sessionExpired()) {
              LOG.log(
                  Level.INFO,
                  () -> "MCP server " + name + " ended the session; starting a new one");
              h.resetSession();
              handshake.renew();
              tools.stale();
            }
          }
          if (Objects.equals(before, h.sessionId())) {
            throw e;
          }
          continue;
        }
        throw e;
      }
    }
  }

  /** Whether {@link #exchange} would send a request failing so again, rather than fail it. */
  boolean followedUp(McpException e) {
    return (failures.refusal(e) != null && auth != null)
        || (modern && e.errorCode().orElse(0) == -32022)
        || (modern && e.errorCode().orElse(0) == -32020)
        || (!modern && e.httpStatus().orElse(0) == 404 && transport instanceof StreamableHttp);
  }

  // ---- what McpClient offers ----

  /**
   * Returns the server's name: the one the user set, else the one it gave, else its command or URL.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns what the server said about itself.
   *
   * @return its information
   */
  public McpServerInfo info() {
    return info;
  }

  /**
   * Returns the protocol version both sides use.
   *
   * @return the version; null before the handshake
   */
  public String protocolVersion() {
    String v = version;
    McpServerInfo i = info;
    return v != null ? v : i == null ? null : i.protocolVersion();
  }

  /**
   * Returns the server's tools ({@link ToolCatalog#tools()}).
   *
   * @return the tools
   */
  public List<McpTool> listTools() {
    return tools.tools();
  }

  /**
   * Calls a tool and waits ({@link ToolCalls#call}).
   *
   * @param tool the tool's name as the server lists it
   * @param arguments the arguments
   * @return the result
   */
  public McpToolResult call(String tool, JsonObject arguments) {
    return calls.call(tool, arguments, null);
  }

  /**
   * Calls a tool and waits, with the request's {@code _meta} ({@link ToolCalls#call}).
   *
   * @param tool the tool's name as the server lists it
   * @param arguments the arguments
   * @param meta members of the request's {@code _meta}
   * @return the result
   */
  public McpToolResult call(String tool, JsonObject arguments, JsonObject meta) {
    return calls.call(tool, arguments, meta);
  }

  /**
   * Calls a tool without waiting ({@link ToolCalls#callAsync}).
   *
   * @param tool the tool's name as the server lists it
   * @param arguments the arguments
   * @return the result to come
   */
  public CompletableFuture<McpToolResult> callAsync(String tool, JsonObject arguments) {
    return calls.callAsync(tool, arguments);
  }

  /** Checks that the server answers: {@code ping}, or at 2026-07-28 {@code server/discover}. */
  public void ping() {
    exchange(
        modern ? "server/discover" : "ping", null, settings.callTimeout(), null, false, Map.of());
  }

  /**
   * Sends any request, answering the inputs its result asks for ({@link InputRounds}).
   *
   * @param method the method
   * @param params its parameters; null for none
   * @return the final result
   */
  public JsonValue request(String method, JsonObject params) {
    return inputs.request(method, params, null, false, Map.of());
  }

  /**
   * Returns the end of what a child process wrote to its standard error.
   *
   * @return the text; {@code ""} for an HTTP server
   */
  public String stderr() {
    return transport instanceof StdioTransport s ? s.stderr() : "";
  }

  /**
   * Tells whether requests can be sent: not closed, and not ended by the server.
   *
   * @return true while open
   */
  public boolean isOpen() {
    return !closed.get() && rpc.closedBy() == null;
  }

  /** Ends the connection; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    rpc.closed(failures.closed(name, "the client was closed", null));
    try {
      transport.close();
    } finally {
      timer.close();
      workers.shutdownNow();
    }
  }

  /** Returns the server's name, the transport and the protocol version; never a secret. */
  @Override
  public String toString() {
    String shown = protocolVersion();
    return "McpClient["
        + name
        + ", "
        + (transport instanceof StdioTransport ? "stdio" : "streamable HTTP")
        + (shown == null ? "" : ", protocol " + shown)
        + (auth == null ? "" : ", authorized")
        + (isOpen() ? "" : ", closed")
        + "]";
  }

  /** Answers the server and passes on what it reports. */
  private final class Peer implements Rpc.Peer {
    @Override
    public JsonValue onRequest(String method, JsonValue params) {
      return requests.answer(method, params);
    }

    @Override
    public Executor executor() {
      return workers;
    }

    @Override
    public void onNotification(String method, JsonValue params) {
      if (method.equals("notifications/tools/list_changed")) {
        tools.stale();
        events.toolsChanged().run();
      } else if (method.equals("notifications/message") && params instanceof JsonObject p) {
        String level = Objects.requireNonNullElse(Fields.string(p, "level"), "");
        String logger = Fields.string(p, "logger");
        JsonValue data = p.get("data");
        LOG.log(
            level(level),
            () ->
                "MCP server "
                    + name
                    + (logger == null ? "" : " [" + logger + "]")
                    + ": "
                    + shown(data instanceof JsonString s ? s.value() : String.valueOf(data)));
        events.log().log(level, logger, data);
      } else {
        events.notification().accept(method, params);
      }
    }

    @Override
    public void onProgress(McpProgress progress) {
      events.progress().accept(progress);
    }
  }

  private static Level level(String mcpLevel) {
    switch (mcpLevel.toLowerCase(Locale.ROOT)) {
      case "debug":
        return Level.DEBUG;
      case "info":
      case "notice":
        return Level.INFO;
      case "warning":
        return Level.WARNING;
      default:
        return Level.ERROR;
    }
  }
}
