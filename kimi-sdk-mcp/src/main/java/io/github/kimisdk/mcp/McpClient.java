package io.github.kimisdk.mcp;

import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.version.SdkVersion;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A client of one Model Context Protocol server. It speaks JSON-RPC 2.0 over one of the two
 * standard transports: <b>stdio</b> (the server is a child process started from a command) or
 * <b>Streamable HTTP</b> (the server is at a URL).
 *
 * <pre>{@code
 * try (McpClient files =
 *     McpClient.stdio(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"))) {
 *   ToolRunner runner = ToolRunner.builder(kimi).mcp(files).build();
 *   System.out.println(runner.run(ChatRequest.of("kimi-k2.6", "List /tmp")).text());
 * }
 * }</pre>
 *
 * <p>Building a client starts the server (stdio) and performs the protocol's handshake: {@code
 * initialize}, offering protocol version {@value #LATEST_PROTOCOL_VERSION} and accepting any of
 * {@link #PROTOCOL_VERSIONS}, then {@code notifications/initialized}. The client declares no
 * capabilities of its own (no roots, sampling or elicitation), answers the server's {@code ping},
 * and hands progress, log messages and tool list changes to its {@link McpListener}. {@link
 * #close()} ends the connection: a child process has its input closed, then is terminated, then
 * killed if it lingers; an HTTP session is ended with {@code DELETE}.
 *
 * <p>{@link #listTools()} lists the server's tools (following pagination) as the server defines
 * them; the list is kept until the server says it changed. This client knows MCP only: the agent
 * package's {@code McpToolset} turns a server's tools into declarations Kimi accepts (names,
 * schemas) and runs the model's calls through {@link #call(String, JsonValue)}.
 *
 * <p>Everything the server controls is bounded: the size of each message ({@link
 * Builder#maxMessageBytes(int)}), the number of requests waiting for answers ({@link
 * Builder#maxPendingRequests(int)}), the time each may take ({@link Builder#callTimeout(Duration)}:
 * a request not answered in time is cancelled on the server), and the standard error kept from a
 * child process. Every failure is an {@link McpException} naming the server.
 *
 * <p>A client is thread-safe: calls may run concurrently.
 */
public final class McpClient implements AutoCloseable {

  /** The protocol version this client offers first: the newest it speaks. */
  public static final String LATEST_PROTOCOL_VERSION = "2025-11-25";

  /** The protocol versions this client accepts from a server, newest first. */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of(LATEST_PROTOCOL_VERSION, "2025-06-18", "2025-03-26", "2024-11-05");

  /** The default time a request may take before it is cancelled: 60 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /** The default time the handshake may take, starting the server included: 30 seconds. */
  public static final Duration DEFAULT_INITIALIZE_TIMEOUT = Duration.ofSeconds(30);

  /** The default size limit of one message from the server: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  /** The default number of requests that may wait for answers at once. */
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 64;

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final int MAX_TOOLS = 10_000;

  private final Transport transport;
  private final Rpc rpc;
  private final DaemonTimer.Lease timer; // the SDK's shared timer, withdrawn from at close
  private final String givenName;
  private final Duration callTimeout;
  private final Duration initializeTimeout;
  private final McpListener listener;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object toolsLock = new Object();
  private final Object sessionLock = new Object();
  private volatile String name;
  private volatile McpServerInfo info;
  private volatile Catalog catalog;
  private volatile boolean toolsStale = true;

  /** The server's tools as last listed, and by name. */
  private record Catalog(List<McpTool> tools, Map<String, McpTool> byName) {}

  private McpClient(Builder<?> b, BiFunction<McpClient, Delayer, Transport> transport) {
    this.givenName = b.name;
    this.callTimeout = b.callTimeout;
    this.initializeTimeout = b.initializeTimeout;
    this.listener = b.listener;
    this.timer = DaemonTimer.shared().lease();
    this.transport = transport.apply(this, timer);
    this.name = givenName != null ? givenName : this.transport.describe();
    this.rpc = new Rpc(this.transport, new Peer(), timer, b.maxPendingRequests, () -> name);
  }

  /**
   * Starts the server {@code command} as a child process and connects to it over stdio, with the
   * default settings.
   *
   * @param command the program and its arguments, such as {@code List.of("npx", "-y",
   *     "@modelcontextprotocol/server-everything")}
   * @return the connected client
   * @throws NullPointerException if {@code command} or an element is null
   * @throws IllegalArgumentException if {@code command} is empty
   * @throws McpException if the server cannot be started or the handshake fails
   */
  public static McpClient stdio(List<String> command) {
    return stdioBuilder(command).build();
  }

  /**
   * Connects to the Streamable HTTP server at {@code url} with the default settings.
   *
   * @param url the server's MCP endpoint, such as {@code "https://example.com/mcp"}; plain {@code
   *     http} only to a loopback host
   * @return the connected client
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if {@code url} is not an {@code https} URL, or an {@code http}
   *     URL of a loopback host
   * @throws McpException if the server cannot be reached or the handshake fails
   */
  public static McpClient http(String url) {
    return httpBuilder(url).build();
  }

  /**
   * Starts a builder for a server run as a child process.
   *
   * @param command the program and its arguments
   * @return the builder
   * @throws NullPointerException if {@code command} or an element is null
   * @throws IllegalArgumentException if {@code command} is empty
   */
  public static StdioBuilder stdioBuilder(List<String> command) {
    return new StdioBuilder(command);
  }

  /**
   * Starts a builder for a server at a URL.
   *
   * @param url the server's MCP endpoint; plain {@code http} only to a loopback host
   * @return the builder
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if {@code url} is not an {@code https} URL, or an {@code http}
   *     URL of a loopback host
   */
  public static HttpBuilder httpBuilder(String url) {
    return new HttpBuilder(url);
  }

  private McpClient connect() {
    try {
      transport.start(rpc);
    } catch (RuntimeException e) {
      timer.close();
      throw e;
    }
    try {
      handshake();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private void handshake() {
    JsonObject params =
        JsonObject.builder()
            .put("protocolVersion", LATEST_PROTOCOL_VERSION)
            .put("capabilities", JsonObject.of())
            .put(
                "clientInfo",
                JsonObject.of(
                    "name", JsonString.of("kimi-sdk-java"),
                    "version", JsonString.of(SdkVersion.VERSION)))
            .build();
    JsonValue r = await(rpc.request("initialize", params, initializeTimeout, null, false));
    if (!(r instanceof JsonObject o)) {
      throw protocol("answered initialize with " + McpTools.cut(String.valueOf(r)));
    }
    String version = McpTools.string(o, "protocolVersion");
    if (version == null || !PROTOCOL_VERSIONS.contains(version)) {
      throw protocol(
          "speaks protocol version "
              + version
              + ", which this client does not; it speaks "
              + String.join(", ", PROTOCOL_VERSIONS));
    }
    JsonObject server = o.get("serverInfo") instanceof JsonObject s ? s : JsonObject.of();
    McpServerInfo i =
        new McpServerInfo(
            orEmpty(McpTools.string(server, "name")),
            orEmpty(McpTools.string(server, "version")),
            McpTools.string(server, "title"),
            version,
            McpTools.string(o, "instructions"),
            o.get("capabilities") instanceof JsonObject c ? c : JsonObject.of());
    info = i;
    if (givenName == null && !i.name().isBlank()) {
      name = McpTools.cut(i.name().strip());
    }
    transport.initialized(version);
    transport.sendAndWait(
        JsonObject.of(
            "jsonrpc", JsonString.of("2.0"), "method", JsonString.of("notifications/initialized")),
        initializeTimeout);
    transport.ready();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private McpException protocol(String detail) {
    return new McpException(name, McpException.Kind.PROTOCOL, detail, null);
  }

  /** Waits for an answer; an interrupt cancels the request on the server. */
  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new McpException(
          name,
          McpException.Kind.CLOSED,
          "interrupted while waiting for an answer; the request was cancelled on the server",
          e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new McpException(name, McpException.Kind.PROTOCOL, String.valueOf(c), c);
    }
  }

  /**
   * Sends a request and waits; when an HTTP server ended the session, starts a new one and sends
   * the request once more.
   */
  private <T> T withSession(Supplier<CompletableFuture<T>> request) {
    String before = transport instanceof StreamableHttp h ? h.sessionId() : null;
    try {
      return await(request.get());
    } catch (McpException e) {
      if (!(transport instanceof StreamableHttp h)
          || e.kind() != McpException.Kind.HTTP_STATUS
          || e.httpStatus().orElse(0) != 404) {
        throw e;
      }
      synchronized (sessionLock) {
        if (h.sessionExpired()) {
          LOG.log(
              Level.INFO, () -> "MCP server " + name + " ended the session; starting a new one");
          h.resetSession();
          handshake();
          toolsStale = true;
        }
      }
      if (Objects.equals(before, h.sessionId())) {
        throw e;
      }
      return await(request.get());
    }
  }

  /**
   * Returns the server's name: the one set with {@link Builder#name(String)}, else the name the
   * server gave in the handshake, else its command or URL.
   *
   * @return the name used in exceptions and logs
   */
  public String name() {
    return name;
  }

  /**
   * Returns what the server said about itself in the handshake.
   *
   * @return the server's name, version, protocol version, instructions and capabilities
   */
  public McpServerInfo serverInfo() {
    return info;
  }

  /**
   * Returns the protocol version both sides use.
   *
   * @return one of {@link #PROTOCOL_VERSIONS}
   */
  public String protocolVersion() {
    return info.protocolVersion();
  }

  /**
   * Returns every tool the server lists, with its definition as sent, listing them first if needed
   * (every page), and again after the server said its list changed. The same list is returned until
   * then.
   *
   * @return the tools, in the server's order
   * @throws McpException if listing fails
   */
  public List<McpTool> listTools() {
    return catalog().tools();
  }

  private Catalog catalog() {
    Catalog c = catalog;
    if (c != null && !toolsStale) {
      return c;
    }
    synchronized (toolsLock) {
      if (catalog != null && !toolsStale) {
        return catalog;
      }
      // Cleared before listing: a change announced while the list is fetched is not lost.
      toolsStale = false;
      try {
        catalog = catalog(withSession(this::fetchTools));
      } catch (RuntimeException e) {
        toolsStale = true;
        throw e;
      }
      return catalog;
    }
  }

  private CompletableFuture<List<JsonObject>> fetchTools() {
    return page(null, new ArrayList<>(), new HashSet<>());
  }

  private CompletableFuture<List<JsonObject>> page(
      String cursor, List<JsonObject> defs, Set<String> cursors) {
    JsonObject params = cursor == null ? null : JsonObject.of("cursor", JsonString.of(cursor));
    return rpc.request("tools/list", params, callTimeout, null, false)
        .handle(
            (r, e) -> {
              if (e != null) {
                Throwable c =
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (c instanceof McpException m
                    && m.errorCode().orElse(0) == -32601
                    && defs.isEmpty()
                    && cursor == null) {
                  return CompletableFuture.completedFuture(defs); // no tools at all
                }
                return CompletableFuture.<List<JsonObject>>failedFuture(c);
              }
              if (!(r instanceof JsonObject o) || !(o.get("tools") instanceof JsonArray tools)) {
                return CompletableFuture.<List<JsonObject>>failedFuture(
                    protocol(
                        "answered tools/list without a tools array: "
                            + McpTools.cut(String.valueOf(r))));
              }
              for (JsonValue t : tools.values()) {
                if (t instanceof JsonObject def && def.get("name") instanceof JsonString) {
                  defs.add(def);
                } else {
                  LOG.log(Level.WARNING, () -> name + " listed a tool without a name: " + t);
                }
              }
              if (defs.size() > MAX_TOOLS) {
                return CompletableFuture.<List<JsonObject>>failedFuture(
                    new McpException(
                        name,
                        McpException.Kind.LIMIT,
                        "lists more than " + MAX_TOOLS + " tools",
                        null));
              }
              String next = McpTools.string(o, "nextCursor");
              if (next == null) {
                return CompletableFuture.completedFuture(defs);
              }
              if (!cursors.add(next)) {
                return CompletableFuture.<List<JsonObject>>failedFuture(
                    protocol("repeated the tools/list cursor " + McpTools.cut(next)));
              }
              return page(next, defs, cursors);
            })
        .thenCompose(f -> f);
  }

  private Catalog catalog(List<JsonObject> defs) {
    List<McpTool> tools = new ArrayList<>();
    Map<String, McpTool> byName = new LinkedHashMap<>();
    for (JsonObject def : defs) {
      String toolName = McpTools.string(def, "name");
      if (byName.containsKey(toolName)) {
        LOG.log(Level.WARNING, () -> name + " lists the tool " + toolName + " twice");
        continue;
      }
      McpTool t = new McpTool(toolName, def);
      tools.add(t);
      byName.put(toolName, t);
    }
    return new Catalog(List.copyOf(tools), Map.copyOf(byName));
  }

  /**
   * Calls a tool and waits for its result. An error the tool reports is a result with {@link
   * McpToolResult#isError()} set, not an exception.
   *
   * @param toolName the tool's name as the server lists it
   * @param arguments the arguments: a JSON object, or null for none
   * @return the result
   * @throws NullPointerException if {@code toolName} is null
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   * @throws McpException if the server answers with a JSON-RPC error (such as an unknown tool or
   *     invalid arguments), does not answer within the call timeout, or the connection fails
   */
  public McpToolResult call(String toolName, JsonValue arguments) {
    String mcpName = serverName(toolName);
    JsonObject args = arguments(mcpName, arguments);
    return withSession(() -> startCall(mcpName, args));
  }

  /**
   * Calls a tool by its definition, as {@link #call(String, JsonValue)} does.
   *
   * @param tool one of this server's tools, from {@link #listTools()}
   * @param arguments the arguments: a JSON object, or null for none
   * @return the result
   * @throws NullPointerException if {@code tool} is null
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   * @throws McpException as {@link #call(String, JsonValue)} does
   */
  public McpToolResult call(McpTool tool, JsonValue arguments) {
    String mcpName = Objects.requireNonNull(tool, "tool must not be null").name();
    JsonObject args = arguments(mcpName, arguments);
    return withSession(() -> startCall(mcpName, args));
  }

  /**
   * Calls a tool without waiting. Cancelling the future cancels the call on the server.
   *
   * @param toolName the tool's name as the server lists it
   * @param arguments the arguments: a JSON object, or null for none
   * @return the result, or an {@link McpException} as {@link #call(String, JsonValue)} throws it
   * @throws NullPointerException if {@code toolName} is null
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   */
  public CompletableFuture<McpToolResult> callAsync(String toolName, JsonValue arguments) {
    String mcpName = serverName(toolName);
    return startCall(mcpName, arguments(mcpName, arguments));
  }

  private static String serverName(String toolName) {
    return Objects.requireNonNull(toolName, "toolName must not be null");
  }

  private static JsonObject arguments(String tool, JsonValue arguments) {
    if (arguments == null || arguments.isNull()) {
      return JsonObject.of();
    }
    if (!(arguments instanceof JsonObject o)) {
      throw new IllegalArgumentException(
          "the arguments of "
              + tool
              + " must be a JSON object: "
              + McpTools.cut(arguments.toString()));
    }
    return o;
  }

  private CompletableFuture<McpToolResult> startCall(String mcpName, JsonObject args) {
    JsonObject params = JsonObject.of("name", JsonString.of(mcpName), "arguments", args);
    CompletableFuture<JsonValue> f = rpc.request("tools/call", params, callTimeout, mcpName, true);
    CompletableFuture<McpToolResult> out = f.thenApply(r -> result(mcpName, r));
    // Cancelling the caller's future cancels the request.
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    return out;
  }

  private McpToolResult result(String tool, JsonValue r) {
    if (!(r instanceof JsonObject o)) {
      throw protocol(
          "answered tools/call \"" + tool + "\" with " + McpTools.cut(String.valueOf(r)));
    }
    JsonValue content = o.get("content");
    List<JsonValue> blocks;
    if (content == null || content.isNull()) {
      blocks = List.of();
    } else if (content instanceof JsonArray a) {
      blocks = a.values();
    } else {
      throw protocol(
          "answered tools/call \""
              + tool
              + "\" with content that is not an array: "
              + McpTools.cut(content.toString()));
    }
    JsonValue structured = o.get("structuredContent");
    return new McpToolResult(
        blocks,
        structured == null || structured.isNull() ? null : structured,
        o.get("isError") instanceof io.github.kimisdk.json.JsonBoolean b && b.value());
  }

  /**
   * Checks that the server answers.
   *
   * @throws McpException if it does not answer within the call timeout, or the connection fails
   */
  public void ping() {
    withSession(() -> rpc.request("ping", null, callTimeout, null, false));
  }

  /**
   * Sends any request and waits for its result, for the parts of the protocol this class does not
   * wrap, such as {@code resources/read} or {@code prompts/get}.
   *
   * @param method the method, such as {@code "resources/list"}
   * @param params its parameters: a JSON object, or null for none
   * @return the result as sent
   * @throws NullPointerException if {@code method} is null
   * @throws IllegalArgumentException if {@code params} is not a JSON object
   * @throws McpException as {@link #call(String, JsonValue)} does
   */
  public JsonValue request(String method, JsonValue params) {
    Objects.requireNonNull(method, "method must not be null");
    JsonObject p = params == null || params.isNull() ? null : arguments(method, params);
    return withSession(() -> rpc.request(method, p, callTimeout, null, false));
  }

  /**
   * Returns the end of what a server run as a child process wrote to its standard error.
   *
   * @return the last lines kept ({@link StdioBuilder#stderrLimit(int)}); {@code ""} for an HTTP
   *     server
   */
  public String stderr() {
    return transport instanceof StdioTransport s ? s.stderr() : "";
  }

  /**
   * Tells whether the connection is usable: not closed, and not ended by the server.
   *
   * @return true while requests can be sent
   */
  public boolean isOpen() {
    return !closed.get() && rpc.closedBy() == null;
  }

  /**
   * Ends the connection: requests still waiting fail with {@link McpException.Kind#CLOSED}; a child
   * process has its input closed and is given {@link StdioBuilder#shutdownTimeout(Duration)} to
   * exit before it and the processes it started are terminated, then killed; an HTTP session is
   * deleted. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    rpc.closed(new McpException(name, McpException.Kind.CLOSED, "the client was closed", null));
    try {
      transport.close();
    } finally {
      timer.close();
    }
  }

  /** Returns the server's name, the transport and the protocol version; never headers or tokens. */
  @Override
  public String toString() {
    McpServerInfo i = info;
    return "McpClient["
        + name
        + ", "
        + (transport instanceof StdioTransport ? "stdio" : "streamable HTTP")
        + (i == null ? "" : ", protocol " + i.protocolVersion())
        + (isOpen() ? "" : ", closed")
        + "]";
  }

  /** Answers the server and passes on what it reports. */
  private final class Peer implements Rpc.Peer {
    @Override
    public JsonValue onRequest(String method, JsonValue params) {
      return method.equals("ping") ? JsonObject.of() : null;
    }

    @Override
    public void onNotification(String method, JsonValue params) {
      if (method.equals("notifications/tools/list_changed")) {
        toolsStale = true;
        listener.onToolsChanged(McpClient.this);
      } else if (method.equals("notifications/message") && params instanceof JsonObject p) {
        String level = orEmpty(McpTools.string(p, "level"));
        String logger = McpTools.string(p, "logger");
        JsonValue data = p.get("data");
        LOG.log(
            level(level),
            () ->
                "MCP server "
                    + name
                    + (logger == null ? "" : " [" + logger + "]")
                    + ": "
                    + McpTools.cut(
                        data instanceof JsonString s ? s.value() : String.valueOf(data)));
        listener.onLog(McpClient.this, level, logger, data);
      } else {
        listener.onNotification(McpClient.this, method, params);
      }
    }

    @Override
    public void onProgress(McpProgress progress) {
      listener.onProgress(McpClient.this, progress);
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

  /**
   * Builds an {@link McpClient}: the settings both transports share. Not thread-safe.
   *
   * @param <B> the builder's own type
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      permits StdioBuilder, HttpBuilder {
    String name;
    Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    Duration initializeTimeout = DEFAULT_INITIALIZE_TIMEOUT;
    int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
    McpListener listener = new McpListener() {};

    Builder() {}

    abstract B self();

    /**
     * Names the server in exceptions and logs, instead of the name it gives itself.
     *
     * @param name a short name, such as {@code "github"}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public B name(String name) {
      Objects.requireNonNull(name, "name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return self();
    }

    /**
     * Sets how long a request may wait for its answer; one that waits longer is cancelled on the
     * server and fails with {@link McpException.Kind#TIMEOUT}.
     *
     * @param timeout positive; default 60 seconds
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public B callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return self();
    }

    /**
     * Sets how long the handshake may take, counted from the start (a server started with {@code
     * npx} may first download itself).
     *
     * @param timeout positive; default 30 seconds
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public B initializeTimeout(Duration timeout) {
      this.initializeTimeout = positive(timeout, "initializeTimeout");
      return self();
    }

    /**
     * Sets the largest message accepted from the server; a larger one closes the connection with
     * {@link McpException.Kind#LIMIT} (stdio) or fails its request (HTTP).
     *
     * @param maxMessageBytes at least 1024; default 16 MiB
     * @return this builder
     * @throws IllegalArgumentException if {@code maxMessageBytes} is below 1024
     */
    public B maxMessageBytes(int maxMessageBytes) {
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be at least 1024: " + maxMessageBytes);
      }
      this.maxMessageBytes = maxMessageBytes;
      return self();
    }

    /**
     * Sets how many requests may wait for answers at once; one more fails at once with {@link
     * McpException.Kind#LIMIT}.
     *
     * @param maxPendingRequests at least 1; default {@value McpClient#DEFAULT_MAX_PENDING_REQUESTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxPendingRequests} is below 1
     */
    public B maxPendingRequests(int maxPendingRequests) {
      if (maxPendingRequests < 1) {
        throw new IllegalArgumentException(
            "maxPendingRequests must be at least 1: " + maxPendingRequests);
      }
      this.maxPendingRequests = maxPendingRequests;
      return self();
    }

    /**
     * Sets the listener for progress, log messages, tool list changes and standard error lines.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public B listener(McpListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return self();
    }

    /**
     * Starts or reaches the server and performs the handshake.
     *
     * @return the connected client
     * @throws McpException if the server cannot be started or reached, or the handshake fails
     */
    public abstract McpClient build();
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what + " must not be null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /** Builds a client of a server run as a child process over stdio. Not thread-safe. */
  public static final class StdioBuilder extends Builder<StdioBuilder> {
    private final List<String> command;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean inheritEnvironment = true;
    private Path directory;
    private int stderrLimit = 16 * 1024;
    private Duration shutdownTimeout = Duration.ofSeconds(2);

    private StdioBuilder(List<String> command) {
      Objects.requireNonNull(command, "command must not be null");
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command must name a program");
      }
      this.command = List.copyOf(command);
    }

    @Override
    StdioBuilder self() {
      return this;
    }

    /**
     * Sets an environment variable of the child process (for example a token the server reads).
     * Pass secrets this way rather than as arguments: until the server names itself, the command is
     * the client's name, which appears in exception messages.
     *
     * @param name the variable's name
     * @param value its value
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public StdioBuilder environment(String name, String value) {
      environment.put(
          Objects.requireNonNull(name, "name must not be null"),
          Objects.requireNonNull(value, "value must not be null"));
      return this;
    }

    /**
     * Sets environment variables of the child process.
     *
     * @param variables names and values
     * @return this builder
     * @throws NullPointerException if {@code variables}, a name or a value is null
     */
    public StdioBuilder environment(Map<String, String> variables) {
      Objects.requireNonNull(variables, "variables must not be null").forEach(this::environment);
      return this;
    }

    /**
     * Sets whether the child process starts with this JVM's environment (then the variables set
     * here are added) or with only the variables set here.
     *
     * @param inherit default true
     * @return this builder
     */
    public StdioBuilder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /**
     * Sets the working directory of the child process.
     *
     * @param directory the directory; default this JVM's working directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public StdioBuilder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory must not be null");
      return this;
    }

    /**
     * Sets how much of the child's standard error is kept for {@link McpClient#stderr()} and for
     * exception messages (the last lines, in characters).
     *
     * @param chars at least 0; default 16 KiB
     * @return this builder
     * @throws IllegalArgumentException if {@code chars} is negative
     */
    public StdioBuilder stderrLimit(int chars) {
      if (chars < 0) {
        throw new IllegalArgumentException("stderrLimit must not be negative: " + chars);
      }
      this.stderrLimit = chars;
      return this;
    }

    /**
     * Sets how long {@link McpClient#close()} waits for the child to exit after its input is
     * closed, before it is terminated.
     *
     * @param timeout positive; default 2 seconds
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public StdioBuilder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive(timeout, "shutdownTimeout");
      return this;
    }

    @Override
    public McpClient build() {
      McpListener l = listener;
      return new McpClient(
              this,
              (client, timer) ->
                  new StdioTransport(
                      command,
                      environment,
                      inheritEnvironment,
                      directory,
                      maxMessageBytes,
                      stderrLimit,
                      shutdownTimeout,
                      line -> l.onStderr(client, line)))
          .connect();
    }
  }

  /** Builds a client of a server at a URL over Streamable HTTP. Not thread-safe. */
  public static final class HttpBuilder extends Builder<HttpBuilder> {
    private static final Set<String> MANAGED =
        Set.of("accept", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id");

    private final URI uri;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private HttpClient httpClient;

    private HttpBuilder(String url) {
      Objects.requireNonNull(url, "url must not be null");
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a URL: " + url, e);
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
        throw new IllegalArgumentException("an MCP server URL must be http(s)://host/path: " + url);
      }
      if (scheme.equals("http") && !loopback(u.getHost())) {
        throw new IllegalArgumentException(
            "plain http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]); use https: "
                + u.getScheme()
                + "://"
                + u.getHost());
      }
      this.uri = u;
    }

    private static boolean loopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      return h.equals("localhost")
          || h.startsWith("127.")
          || h.equals("[::1]")
          || h.equals("::1")
          || h.equals("[0:0:0:0:0:0:0:1]");
    }

    @Override
    HttpBuilder self() {
      return this;
    }

    /**
     * Adds a header to every request, such as an API key header the server expects. The headers the
     * protocol manages ({@code Accept}, {@code Content-Type}, {@code Mcp-Session-Id}, {@code
     * MCP-Protocol-Version}, {@code Last-Event-ID}) cannot be set. Header values never appear in
     * {@code toString}, exception messages or logs.
     *
     * @param name the header's name
     * @param value its value
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the header is one the protocol or the JDK manages, or the
     *     name or value is not valid in HTTP (CR or LF, say)
     */
    public HttpBuilder header(String name, String value) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(value, "value must not be null");
      if (MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("the " + name + " header is set by the MCP client");
      }
      try {
        HttpRequest.newBuilder(uri).header(name, value);
      } catch (IllegalArgumentException e) {
        // The JDK's message may quote the value: keep it out.
        throw new IllegalArgumentException("invalid or restricted HTTP header: " + name);
      }
      headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with every request.
     *
     * @param token the token; never printed
     * @return this builder
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} is blank or has characters not valid in a
     *     header
     */
    public HttpBuilder bearerToken(String token) {
      Objects.requireNonNull(token, "token must not be null");
      if (token.isBlank()) {
        throw new IllegalArgumentException("the bearer token must not be blank");
      }
      headers.removeIf(h -> h.getKey().equalsIgnoreCase("Authorization"));
      return header("Authorization", "Bearer " + token);
    }

    /**
     * Sets how long connecting may take (used when this builder makes the HTTP client).
     *
     * @param timeout positive; default 10 seconds
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public HttpBuilder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Uses this HTTP client (for a proxy, TLS settings or an executor) instead of one made from
     * {@link #connectTimeout(Duration)}.
     *
     * @param client the client; not closed by {@link McpClient#close()}
     * @return this builder
     * @throws NullPointerException if {@code client} is null
     */
    public HttpBuilder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client must not be null");
      return this;
    }

    @Override
    public McpClient build() {
      HttpClient c = httpClient;
      if (c == null) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (uri.getScheme().equalsIgnoreCase("http")) {
          b.version(HttpClient.Version.HTTP_1_1);
        }
        c = b.build();
      }
      Duration requestTimeout =
          callTimeout.compareTo(initializeTimeout) >= 0 ? callTimeout : initializeTimeout;
      HttpClient http = c;
      return new McpClient(
              this,
              (client, timer) ->
                  new StreamableHttp(uri, http, headers, requestTimeout, maxMessageBytes, timer))
          .connect();
    }
  }
}
