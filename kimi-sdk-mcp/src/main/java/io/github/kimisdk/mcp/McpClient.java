package io.github.kimisdk.mcp;

import io.github.kimisdk.base.flow.DaemonTimer;
import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.version.SdkVersion;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * A client of one Model Context Protocol server. It speaks JSON-RPC 2.0 over one of the two
 * standard transports: <b>stdio</b> (the server is a child process started from a command) or
 * <b>Streamable HTTP</b> (the server is at a URL).
 *
 * <pre>{@code
 * try (McpClient files =
 *     McpClient.stdio(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"))) {
 *   ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(files)).build();
 *   System.out.println(runner.run(ChatRequest.of("kimi-k2.6", "List /tmp")).text());
 * }
 * }</pre>
 *
 * <p><b>Protocol versions.</b> Building a client starts the server (stdio) and finds out which
 * protocol it speaks. It first asks {@code server/discover}, the stateless protocol of 2026-07-28:
 * a server that answers it (or refuses the version with one of that protocol's errors) is spoken to
 * statelessly, each request carrying the client's version, capabilities and name in its {@code
 * _meta} (and over HTTP the {@code Mcp-Method}, {@code Mcp-Name} and {@code Mcp-Param-*} headers).
 * Any other answer means an earlier server: the client sends {@code initialize}, offering
 * 2025-11-25 and accepting any of {@link #PROTOCOL_VERSIONS} before it, then {@code
 * notifications/initialized}. {@link Builder#protocolVersion(String)} skips the question and speaks
 * one version. {@link #close()} ends the connection: a child process has its input closed, then is
 * terminated, then killed if it lingers; an HTTP session is ended with {@code DELETE}.
 *
 * <p><b>The server's requests.</b> The client declares the capabilities it has handlers for, and no
 * others: {@link Builder#sampling(McpSampling) sampling} (such as {@link
 * McpSampling#kimi(io.github.kimisdk.KimiClient, String) Kimi} answering the server), {@link
 * Builder#elicitation(McpElicitation) elicitation} (the user answering a form) and {@link
 * Builder#roots(List) roots}. A server of 2025-11-25 or before sends these as requests of its own;
 * one of 2026-07-28 asks for them in a result ({@code input_required}), which the client answers
 * with the same handlers and sends again. It answers the server's {@code ping}, and hands progress,
 * log messages and tool list changes to its {@link McpListener}.
 *
 * <p><b>Tools.</b> {@link #listTools()} lists the server's tools (following pagination) as the
 * server defines them; the list is kept until the server says it changed, or, from a 2026-07-28
 * server, for as long as it says the list may be kept ({@code ttlMs}). This client knows MCP only:
 * {@link McpToolset} turns a server's tools into declarations Kimi accepts (names, schemas) and
 * runs the model's calls through {@link #call(String, JsonValue)}.
 *
 * <p><b>Authorization.</b> An HTTP server that answers 401 is authorized as {@link
 * HttpBuilder#authorization(McpAuthorization)} says: the client discovers the server's
 * authorization server, obtains a token and sends the request again, steps up its scopes on a 403
 * {@code insufficient_scope}, and refreshes the token when it expires. An authorization server that
 * is down fails the call that needed it, not the client: the next call tries again.
 *
 * <p>Everything the server controls is bounded: the size of each message ({@link
 * Builder#maxMessageBytes(int)}), the number of requests waiting for answers ({@link
 * Builder#maxPendingRequests(int)}), the time each may take ({@link Builder#callTimeout(Duration)}:
 * a request not answered in time is cancelled on the server), the rounds of input a request may ask
 * for, and the standard error kept from a child process. Every failure is an {@link McpException}
 * naming the server.
 *
 * <p>A client is thread-safe: calls may run concurrently. The server's own requests and {@link
 * #callAsync(String, JsonValue)} run on threads of the client's own (daemon threads, made when
 * needed, at most {@link Builder#maxPendingRequests(int)} and a few more, ended by {@link
 * #close()}).
 */
public final class McpClient implements AutoCloseable {

  /** The protocol version this client speaks first: the newest it speaks. */
  public static final String LATEST_PROTOCOL_VERSION = "2026-07-28";

  /** The protocol versions this client speaks, newest first. */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of(LATEST_PROTOCOL_VERSION, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  /** The default time a request may take before it is cancelled: 60 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /** The default time the handshake may take, starting the server included: 30 seconds. */
  public static final Duration DEFAULT_INITIALIZE_TIMEOUT = Duration.ofSeconds(30);

  /** The default size limit of one message from the server: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  /** The default number of requests that may wait for answers at once. */
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 64;

  /** The stateless versions: no handshake, each request says its version. */
  static final List<String> MODERN_VERSIONS = List.of("2026-07-28");

  /** The versions with an {@code initialize} handshake, newest first. */
  static final List<String> LEGACY_VERSIONS =
      List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final int MAX_TOOLS = 10_000;

  /** How many times one request may be authorized (the first time and the step-ups). */
  static final int MAX_AUTHORIZATIONS = 3;

  /** How many rounds of input one request may ask for before the client gives up. */
  static final int MAX_INPUT_ROUNDS = 8;

  /** How many inputs one round may ask for. */
  private static final int MAX_INPUTS = 32;

  private static final String META_PREFIX = "io.modelcontextprotocol/";

  private final Transport transport;
  private final Rpc rpc;
  private final DaemonTimer.Lease timer; // the SDK's shared timer, withdrawn from at close
  private final String givenName;
  private final Duration callTimeout;
  private final Duration initializeTimeout;
  private final McpListener listener;
  private final McpSampling sampling;
  private final McpElicitation elicitation;
  private final List<McpRoot> roots;
  private final String pinnedVersion;
  private final OAuth auth;
  private final JsonObject capabilities;
  private final ThreadPoolExecutor workers;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object toolsLock = new Object();
  private final Object sessionLock = new Object();
  private volatile String name;
  private volatile McpServerInfo info;
  private volatile Catalog catalog;
  private volatile boolean toolsStale = true;
  private volatile boolean modern;
  private volatile String version;

  /**
   * The server's tools as last listed, by name, with the headers each designates (2026-07-28 HTTP),
   * until when the list may be kept ({@link System#nanoTime()}), and the grant it was listed with
   * when the server said it is private to one (0 otherwise).
   */
  private record Catalog(
      List<McpTool> tools,
      Map<String, McpTool> byName,
      Map<String, List<McpHeaders.Param>> headers,
      long keepUntil,
      long grant) {}

  private McpClient(Builder<?> b, BiFunction<McpClient, Delayer, Transport> transport, OAuth auth) {
    this.givenName = b.name;
    this.callTimeout = b.callTimeout;
    this.initializeTimeout = b.initializeTimeout;
    this.listener = b.listener;
    this.sampling = b.sampling;
    this.elicitation = b.elicitation;
    this.roots = b.roots;
    this.pinnedVersion = b.protocolVersion;
    this.auth = auth;
    JsonObject.Builder caps = JsonObject.builder();
    if (roots != null) {
      caps.put("roots", JsonObject.of());
    }
    if (sampling != null) {
      caps.put("sampling", JsonObject.of());
    }
    if (elicitation != null) {
      caps.put("elicitation", JsonObject.of());
    }
    this.capabilities = caps.build();
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            0,
            b.maxPendingRequests + 16,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "kimi-sdk-mcp-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
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
      workers.shutdownNow();
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

  // ---- the handshake: which protocol, and what the server says of itself ----

  private void handshake() {
    String pinned = pinnedVersion;
    if (pinned != null && MODERN_VERSIONS.contains(pinned)) {
      discover(pinned, false);
    } else if (pinned != null) {
      initialize(pinned, List.of(pinned));
    } else if (!discover(MODERN_VERSIONS.get(0), true)) {
      initialize(LEGACY_VERSIONS.get(0), LEGACY_VERSIONS);
    }
  }

  /**
   * Speaks the stateless protocol: asks {@code server/discover} at {@code version}. When probing,
   * returns false (and leaves the client as it was) for a server that does not answer as a
   * 2026-07-28 server does, so that the caller falls back to {@code initialize}.
   */
  private boolean discover(String version, boolean probing) {
    speak(true, version);
    JsonValue r;
    try {
      r = exchange("server/discover", null, initializeTimeout, null, false, Map.of());
    } catch (McpException e) {
      if (!probing) {
        if (e.errorCode().orElse(0) == -32601) {
          // A server that does not implement discovery: nothing is known of it but its tools.
          info =
              new McpServerInfo(
                  "", "", null, this.version, null, JsonObject.of("tools", JsonObject.of()));
          return true;
        }
        throw e;
      }
      boolean unreachable =
          e.kind() == McpException.Kind.CONNECTION
              || e.kind() == McpException.Kind.AUTHORIZATION
              || e.kind() == McpException.Kind.CLOSED
              || e.kind() == McpException.Kind.LIMIT;
      if (unreachable) {
        throw e;
      }
      LOG.log(
          Level.DEBUG,
          () -> name + " is not a 2026-07-28 server (" + e.getMessage() + "); initializing");
      speak(false, null);
      return false;
    }
    JsonObject o = r instanceof JsonObject obj ? obj : JsonObject.of();
    List<String> supported = strings(o.get("supportedVersions"));
    if (probing && supported.isEmpty()) {
      speak(false, null);
      return false; // an answer, but not a discovery result: an earlier server that takes anything
    }
    if (!supported.isEmpty() && !supported.contains(this.version)) {
      String other = first(MODERN_VERSIONS, supported);
      if (other != null) {
        speak(true, other);
      } else if (probing && first(LEGACY_VERSIONS, supported) != null) {
        speak(false, null);
        initialize(first(LEGACY_VERSIONS, supported), LEGACY_VERSIONS);
        return true;
      } else {
        throw protocol(
            "speaks protocol versions "
                + String.join(", ", supported)
                + ", none of which this client speaks; it speaks "
                + String.join(", ", PROTOCOL_VERSIONS));
      }
    }
    JsonObject server = serverInfo(o);
    McpServerInfo i =
        new McpServerInfo(
            orEmpty(McpTools.string(server, "name")),
            orEmpty(McpTools.string(server, "version")),
            McpTools.string(server, "title"),
            this.version,
            McpTools.string(o, "instructions"),
            o.get("capabilities") instanceof JsonObject c ? c : JsonObject.of());
    named(i);
    return true;
  }

  private static JsonObject serverInfo(JsonObject discovered) {
    if (discovered.get("_meta") instanceof JsonObject meta
        && meta.get(META_PREFIX + "serverInfo") instanceof JsonObject s) {
      return s;
    }
    return discovered.get("serverInfo") instanceof JsonObject s ? s : JsonObject.of();
  }

  /** Speaks the handshake protocol: {@code initialize} offering {@code offered}. */
  private void initialize(String offered, List<String> accepted) {
    speak(false, null);
    JsonObject params =
        JsonObject.builder()
            .put("protocolVersion", offered)
            .put("capabilities", capabilities)
            .put("clientInfo", clientInfo())
            .build();
    JsonValue r = exchange("initialize", params, initializeTimeout, null, false, Map.of());
    if (!(r instanceof JsonObject o)) {
      throw protocol("answered initialize with " + shown(String.valueOf(r)));
    }
    String v = McpTools.string(o, "protocolVersion");
    if (v == null || !accepted.contains(v)) {
      throw protocol(
          "speaks protocol version "
              + v
              + ", which this client does not; it speaks "
              + String.join(", ", accepted));
    }
    JsonObject server = o.get("serverInfo") instanceof JsonObject s ? s : JsonObject.of();
    McpServerInfo i =
        new McpServerInfo(
            orEmpty(McpTools.string(server, "name")),
            orEmpty(McpTools.string(server, "version")),
            McpTools.string(server, "title"),
            v,
            McpTools.string(o, "instructions"),
            o.get("capabilities") instanceof JsonObject c ? c : JsonObject.of());
    version = v;
    transport.initialized(v);
    named(i);
    transport.sendAndWait(
        JsonObject.of(
            "jsonrpc", JsonString.of("2.0"), "method", JsonString.of("notifications/initialized")),
        initializeTimeout);
    transport.ready();
  }

  private void named(McpServerInfo i) {
    info = i;
    if (givenName == null && !i.name().isBlank()) {
      name = shown(i.name().strip());
    }
  }

  /** Switches the protocol: the stateless one at {@code version}, or one with a handshake. */
  private void speak(boolean stateless, String v) {
    modern = stateless;
    version = v;
    if (transport instanceof StreamableHttp h) {
      h.modern(stateless);
      rpc.cancelNotices(!stateless);
    }
    transport.initialized(v);
  }

  private JsonObject clientInfo() {
    return JsonObject.of(
        "name", JsonString.of("kimi-sdk-java"), "version", JsonString.of(SdkVersion.VERSION));
  }

  /** A 2026-07-28 request's parameters: {@code params} with the client's {@code _meta}. */
  private JsonObject withMeta(JsonObject params) {
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
        .put(META_PREFIX + "clientInfo", clientInfo());
    return p.put("_meta", meta.build()).build();
  }

  private static List<String> strings(JsonValue v) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue e : a.values()) {
        if (e instanceof JsonString s && out.size() < 64) {
          out.add(s.value());
        }
      }
    }
    return out;
  }

  /** The first of {@code mine} that {@code theirs} holds, or null. */
  private static String first(List<String> mine, List<String> theirs) {
    for (String v : mine) {
      if (theirs.contains(v)) {
        return v;
      }
    }
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** A server's text as shown in messages and logs: cut, and without any secret sent to it. */
  private String shown(String serverText) {
    return transport.redact(McpTools.cut(serverText));
  }

  private McpException protocol(String detail) {
    return new McpException(name, McpException.Kind.PROTOCOL, detail, null);
  }

  // ---- one request, as the protocol and the server's answers ask ----

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
   * Sends a request and waits for its result: with the client's {@code _meta} at 2026-07-28;
   * authorized and sent again when the server answers 401 or 403 (at most {@value
   * #MAX_AUTHORIZATIONS} times); sent once more at a version the server names when it refuses the
   * one sent; and when an HTTP server ended the session, in a new session.
   */
  private JsonValue exchange(
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
        McpException.Challenge c = e.challenge();
        if (c != null && auth != null) {
          if (++authorizations > MAX_AUTHORIZATIONS) {
            throw new McpException(
                name,
                McpException.Kind.AUTHORIZATION,
                method
                    + " was refused with HTTP "
                    + c.status()
                    + " after "
                    + MAX_AUTHORIZATIONS
                    + " authorizations; check that this account may do it",
                e);
          }
          auth.authorize(c, name);
          if (!modern && info != null) {
            transport.ready(); // listen again, if the server refused the stream before
          }
          continue;
        }
        if (modern && e.errorCode().orElse(0) == -32022 && !versionRetried) {
          versionRetried = true;
          List<String> supported =
              e.errorData().orElse(null) instanceof JsonObject d
                  ? strings(d.get("supported"))
                  : List.of();
          String v = first(MODERN_VERSIONS, supported);
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
              initialize(
                  version == null ? LEGACY_VERSIONS.get(0) : version,
                  pinnedVersion != null ? List.of(pinnedVersion) : LEGACY_VERSIONS);
              toolsStale = true;
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

  /**
   * Sends a request that the server may answer by asking for input first ({@code input_required},
   * 2026-07-28): the inputs are asked of the handlers on this thread, and the request is sent again
   * with their answers and the server's state, each time as a new request.
   */
  private JsonValue requestWithInput(
      String method,
      JsonObject params,
      String label,
      boolean progress,
      Map<String, String> headers) {
    return requestWithInput(method, params, label, progress, headers, null);
  }

  /** As above, continuing from {@code first}, the answer to the first sending, when given. */
  private JsonValue requestWithInput(
      String method,
      JsonObject params,
      String label,
      boolean progress,
      Map<String, String> headers,
      JsonValue first) {
    JsonObject responses = null;
    String state = null;
    for (int round = 0; ; round++) {
      JsonObject p = params == null ? JsonObject.of() : params;
      if (responses != null || state != null) {
        JsonObject.Builder b = JsonObject.builder();
        p.members().forEach(b::put);
        if (responses != null) {
          b.put("inputResponses", responses);
        }
        if (state != null) {
          b.put("requestState", state);
        }
        p = b.build();
      } else if (params == null) {
        p = null;
      }
      JsonValue r =
          round == 0 && first != null
              ? first
              : exchange(method, p, callTimeout, label, progress, headers);
      if (!(r instanceof JsonObject o)) {
        return r;
      }
      String type = McpTools.string(o, "resultType");
      if (type == null || type.equals("complete")) {
        return r;
      }
      if (!type.equals("input_required")) {
        throw protocol(
            "answered "
                + method
                + " with the result type \""
                + shown(type)
                + "\", which this client does not know");
      }
      if (round + 1 >= MAX_INPUT_ROUNDS) {
        throw protocol(
            "asked for input "
                + MAX_INPUT_ROUNDS
                + " times in answer to one "
                + method
                + "; the client gave up");
      }
      responses = inputs(method, o.get("inputRequests"));
      state = McpTools.string(o, "requestState");
    }
  }

  /** Answers the inputs a result asks for, with the handlers. */
  private JsonObject inputs(String method, JsonValue requests) {
    if (!(requests instanceof JsonObject asked)) {
      return null;
    }
    if (asked.members().size() > MAX_INPUTS) {
      throw protocol(
          "asked for "
              + asked.members().size()
              + " inputs in answer to one "
              + method
              + "; this client answers at most "
              + MAX_INPUTS);
    }
    JsonObject.Builder answers = JsonObject.builder();
    for (var e : asked.members().entrySet()) {
      JsonObject request = e.getValue() instanceof JsonObject o ? o : JsonObject.of();
      String m = orEmpty(McpTools.string(request, "method"));
      JsonValue answer;
      try {
        answer = answer(m, request.get("params"));
      } catch (Rpc.Refusal r) {
        answer = null;
      }
      if (answer == null) {
        throw protocol(
            "asked for "
                + (m.isEmpty() ? "an input without a method" : m)
                + " in answer to "
                + method
                + ", which this client has no handler for"
                + (m.equals("elicitation/create")
                    ? " (set McpClient.Builder.elicitation)"
                    : m.equals("sampling/createMessage")
                        ? " (set McpClient.Builder.sampling)"
                        : m.equals("roots/list") ? " (set McpClient.Builder.roots)" : ""));
      }
      answers.put(e.getKey(), answer);
    }
    return answers.build();
  }

  /**
   * Answers one of the server's requests with the handlers: the result, or null when the client has
   * no handler for the method.
   */
  private JsonValue answer(String method, JsonValue params) {
    JsonObject p = params instanceof JsonObject o ? o : JsonObject.of();
    switch (method) {
      case "ping":
        return JsonObject.of();
      case "roots/list":
        {
          if (roots == null) {
            return null;
          }
          List<JsonValue> list = new ArrayList<>();
          roots.forEach(r -> list.add(r.toJson()));
          return JsonObject.of("roots", JsonArray.of(list));
        }
      case "sampling/createMessage":
        return sampling == null ? null : sampling.createMessage(McpSampling.Request.of(p)).toJson();
      case "elicitation/create":
        {
          if (elicitation == null) {
            return null;
          }
          String mode = McpTools.string(p, "mode");
          if (mode != null && !mode.equals("form")) {
            throw new Rpc.Refusal(
                -32602, "this client answers elicitation in form mode only, not " + mode);
          }
          McpElicitation.Request request = McpElicitation.Request.of(p);
          McpElicitation.Result result = elicitation.elicit(request);
          if (result == null) {
            throw new IllegalStateException("the elicitation handler returned null");
          }
          return result.toJson(request.requestedSchema());
        }
      default:
        return null;
    }
  }

  // ---- what the client offers ----

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
   * Returns what the server said about itself in the handshake ({@code initialize}) or discovery
   * ({@code server/discover}).
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
    String v = version;
    return v != null ? v : info.protocolVersion();
  }

  /**
   * Returns every tool the server lists, with its definition as sent, listing them first if needed
   * (every page), and again after the server said its list changed or, for a 2026-07-28 server,
   * once the time the server said the list may be kept ({@code ttlMs}) is over. The same list is
   * returned until then (and when a new listing finds the same tools). Over HTTP at 2026-07-28, a
   * tool whose {@code x-mcp-header} annotations break the protocol's rules is left out, with a
   * warning in the log.
   *
   * @return the tools, in the server's order
   * @throws McpException if listing fails
   */
  public List<McpTool> listTools() {
    return catalog(false).tools();
  }

  private Catalog catalog(boolean force) {
    Catalog c = catalog;
    if (!force && fresh(c)) {
      return c;
    }
    synchronized (toolsLock) {
      if (!force && fresh(catalog)) {
        return catalog;
      }
      // Cleared before listing: a change announced while the list is fetched is not lost.
      toolsStale = false;
      try {
        catalog = catalog(fetchTools(), catalog);
      } catch (RuntimeException e) {
        toolsStale = true;
        throw e;
      }
      return catalog;
    }
  }

  private boolean fresh(Catalog c) {
    return c != null
        && !toolsStale
        && c.keepUntil() - System.nanoTime() > 0
        && (c.grant() == 0 || auth == null || c.grant() == auth.grant());
  }

  /** The definitions of every page, and until when they may be kept. */
  private record Listing(List<JsonObject> defs, long keepUntil, boolean isPrivate) {}

  private Listing fetchTools() {
    List<JsonObject> defs = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    long ttl = Long.MAX_VALUE;
    boolean isPrivate = false;
    long started = System.nanoTime();
    while (true) {
      JsonObject params = cursor == null ? null : JsonObject.of("cursor", JsonString.of(cursor));
      JsonValue r;
      try {
        r = exchange("tools/list", params, callTimeout, null, false, Map.of());
      } catch (McpException e) {
        if (e.errorCode().orElse(0) == -32601 && defs.isEmpty() && cursor == null) {
          return new Listing(defs, Long.MAX_VALUE, false); // no tools at all
        }
        throw e;
      }
      if (!(r instanceof JsonObject o) || !(o.get("tools") instanceof JsonArray tools)) {
        throw protocol("answered tools/list without a tools array: " + shown(String.valueOf(r)));
      }
      for (JsonValue t : tools.values()) {
        if (t instanceof JsonObject def && def.get("name") instanceof JsonString) {
          defs.add(def);
        } else {
          LOG.log(
              Level.WARNING,
              () -> name + " listed a tool without a name: " + shown(String.valueOf(t)));
        }
      }
      if (defs.size() > MAX_TOOLS) {
        throw new McpException(
            name, McpException.Kind.LIMIT, "lists more than " + MAX_TOOLS + " tools", null);
      }
      if (modern) {
        // Cache hints: absent or negative means "do not keep"; pages are kept as long as the
        // shortest says.
        Double ms = McpTools.number(o, "ttlMs");
        ttl = Math.min(ttl, ms == null || ms < 0 ? 0 : (long) Math.min(ms, 86_400_000d));
        isPrivate |= !"public".equals(McpTools.string(o, "cacheScope"));
      }
      String next = McpTools.string(o, "nextCursor");
      if (next == null) {
        long keep =
            ttl == Long.MAX_VALUE ? started + Long.MAX_VALUE / 2 : started + ttl * 1_000_000L;
        return new Listing(defs, keep, isPrivate);
      }
      if (!cursors.add(next)) {
        throw protocol("repeated the tools/list cursor " + shown(next));
      }
      cursor = next;
    }
  }

  private Catalog catalog(Listing listing, Catalog before) {
    List<McpTool> tools = new ArrayList<>();
    Map<String, McpTool> byName = new LinkedHashMap<>();
    Map<String, List<McpHeaders.Param>> headers = new LinkedHashMap<>();
    boolean checkHeaders = modern && transport instanceof StreamableHttp;
    for (JsonObject def : listing.defs()) {
      String toolName = McpTools.string(def, "name");
      if (byName.containsKey(toolName)) {
        LOG.log(Level.WARNING, () -> name + " lists the tool " + toolName + " twice");
        continue;
      }
      if (checkHeaders) {
        try {
          headers.put(toolName, McpHeaders.params(def.get("inputSchema")));
        } catch (IllegalArgumentException e) {
          LOG.log(
              Level.WARNING,
              () ->
                  "MCP server "
                      + name
                      + ": the tool "
                      + shown(toolName)
                      + " is left out: "
                      + e.getMessage());
          continue;
        }
      }
      McpTool t = new McpTool(toolName, def);
      tools.add(t);
      byName.put(toolName, t);
    }
    List<McpTool> list = List.copyOf(tools);
    if (before != null && before.tools().equals(list)) {
      list = before.tools(); // the same tools: the same list, so toolsets need not derive anew
    }
    return new Catalog(
        list,
        Map.copyOf(byName),
        Map.copyOf(headers),
        listing.keepUntil(),
        listing.isPrivate() && auth != null ? auth.grant() : 0);
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
    return callTool(mcpName, arguments(mcpName, arguments));
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
    return callTool(mcpName, arguments(mcpName, arguments));
  }

  /**
   * Calls a tool without waiting, on a thread of the client's own. Cancelling the future cancels
   * the call on the server.
   *
   * @param toolName the tool's name as the server lists it
   * @param arguments the arguments: a JSON object, or null for none
   * @return the result, or an {@link McpException} as {@link #call(String, JsonValue)} throws it
   * @throws NullPointerException if {@code toolName} is null
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   */
  public CompletableFuture<McpToolResult> callAsync(String toolName, JsonValue arguments) {
    String mcpName = serverName(toolName);
    JsonObject args = arguments(mcpName, arguments);
    JsonObject params = JsonObject.of("name", JsonString.of(mcpName), "arguments", args);
    CompletableFuture<McpToolResult> out = new CompletableFuture<>();
    // The first sending happens now, on this thread; what its answer asks for next (an
    // authorization, the server's inputs, a new session or version) on one of the client's own.
    Catalog c = catalog;
    Map<String, String> headers = Map.of();
    if (modern && transport instanceof StreamableHttp && c != null) {
      List<McpHeaders.Param> p = c.headers().get(mcpName);
      headers = p == null ? Map.of() : McpHeaders.values(p, args);
    }
    Map<String, String> sent = headers;
    CompletableFuture<JsonValue> first =
        rpc.request(
            "tools/call", modern ? withMeta(params) : params, callTimeout, mcpName, true, sent);
    AtomicReference<Future<?>> next = new AtomicReference<>();
    first.whenComplete(
        (r, e) -> {
          Throwable failure =
              e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                  ? e.getCause()
                  : e;
          if (failure == null && !inputRequired(r)) {
            try {
              out.complete(result(mcpName, r));
            } catch (RuntimeException x) {
              out.completeExceptionally(x);
            }
            return;
          }
          if (failure != null && !(failure instanceof McpException m && followedUp(m))) {
            out.completeExceptionally(failure);
            return;
          }
          try {
            next.set(
                workers.submit(
                    () -> {
                      try {
                        out.complete(
                            failure == null
                                ? result(
                                    mcpName,
                                    requestWithInput("tools/call", params, mcpName, true, sent, r))
                                : callTool(mcpName, args));
                      } catch (RuntimeException | Error x) {
                        out.completeExceptionally(x);
                      }
                    }));
          } catch (RejectedExecutionException x) {
            out.completeExceptionally(
                new McpException(
                    name,
                    McpException.Kind.CLOSED,
                    "tools/call \"" + mcpName + "\" not finished: the client is closed",
                    x));
          }
        });
    // Cancelling the caller's future cancels the call on the server.
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            first.cancel(true);
            Future<?> f = next.get();
            if (f != null) {
              f.cancel(true);
            }
          }
        });
    return out;
  }

  private static boolean inputRequired(JsonValue r) {
    return r instanceof JsonObject o && "input_required".equals(McpTools.string(o, "resultType"));
  }

  /** Whether {@link #exchange} would send a request failing so again, rather than fail it. */
  private boolean followedUp(McpException e) {
    return (e.challenge() != null && auth != null)
        || (modern && e.errorCode().orElse(0) == -32022)
        || (modern && e.errorCode().orElse(0) == -32020)
        || (!modern && e.httpStatus().orElse(0) == 404 && transport instanceof StreamableHttp);
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

  private McpToolResult callTool(String mcpName, JsonObject args) {
    JsonObject params = JsonObject.of("name", JsonString.of(mcpName), "arguments", args);
    boolean mirror = modern && transport instanceof StreamableHttp;
    try {
      return result(
          mcpName,
          requestWithInput(
              "tools/call",
              params,
              mcpName,
              true,
              mirror ? params(mcpName, args, false) : Map.of()));
    } catch (McpException e) {
      if (!mirror || e.errorCode().orElse(0) != -32020) {
        throw e;
      }
      // The server's schema may have changed: list again and send the headers it now asks for.
      LOG.log(
          Level.DEBUG,
          () ->
              name + " refused the headers of tools/call " + mcpName + "; listing its tools again");
      return result(
          mcpName,
          requestWithInput("tools/call", params, mcpName, true, params(mcpName, args, true)));
    }
  }

  /** The {@code Mcp-Param-*} headers of a call, from the tool's listed schema. */
  private Map<String, String> params(String tool, JsonObject args, boolean relist) {
    Catalog c = relist ? catalog(true) : catalog;
    if (c == null) {
      c = catalog(false);
    }
    List<McpHeaders.Param> p = c.headers().get(tool);
    return p == null || p.isEmpty() ? Map.of() : McpHeaders.values(p, args);
  }

  private McpToolResult result(String tool, JsonValue r) {
    if (!(r instanceof JsonObject o)) {
      throw protocol("answered tools/call \"" + tool + "\" with " + shown(String.valueOf(r)));
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
              + shown(content.toString()));
    }
    JsonValue structured = o.get("structuredContent");
    return new McpToolResult(
        blocks,
        structured == null || structured.isNull() ? null : structured,
        o.get("isError") instanceof JsonBoolean b && b.value());
  }

  /**
   * Checks that the server answers: {@code ping}, or at 2026-07-28 (which has no ping) {@code
   * server/discover}.
   *
   * @throws McpException if it does not answer within the call timeout, or the connection fails
   */
  public void ping() {
    exchange(modern ? "server/discover" : "ping", null, callTimeout, null, false, Map.of());
  }

  /**
   * Sends any request and waits for its result, for the parts of the protocol this class does not
   * wrap, such as {@code resources/read} or {@code prompts/get}. At 2026-07-28 the client adds its
   * {@code _meta} and, when the server asks for input first, answers with the handlers and sends
   * the request again; the result is the final one.
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
    return requestWithInput(method, p, null, false, Map.of());
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
      workers.shutdownNow();
    }
  }

  /**
   * Returns the server's name, the transport and the protocol version; never headers, tokens or
   * secrets.
   */
  @Override
  public String toString() {
    String v = version;
    McpServerInfo i = info;
    String shown = v != null ? v : i == null ? null : i.protocolVersion();
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
      return answer(method, params);
    }

    @Override
    public java.util.concurrent.Executor executor() {
      return workers;
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
                    + shown(data instanceof JsonString s ? s.value() : String.valueOf(data)));
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
    McpSampling sampling;
    McpElicitation elicitation;
    List<McpRoot> roots;
    String protocolVersion;

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
     * Answers the server's requests for completions ({@code sampling/createMessage}) with {@code
     * sampling}, such as {@link McpSampling#kimi(io.github.kimisdk.KimiClient, String)}; the client
     * then declares the {@code sampling} capability. Without it, the server is told the client does
     * not offer sampling.
     *
     * @param sampling the handler
     * @return this builder
     * @throws NullPointerException if {@code sampling} is null
     */
    public B sampling(McpSampling sampling) {
      this.sampling = Objects.requireNonNull(sampling, "sampling must not be null");
      return self();
    }

    /**
     * Answers the server's requests for information from the user ({@code elicitation/create}, form
     * mode) with {@code elicitation}; the client then declares the {@code elicitation} capability,
     * and fills in the schema's defaults the answer leaves out.
     *
     * @param elicitation the handler
     * @return this builder
     * @throws NullPointerException if {@code elicitation} is null
     */
    public B elicitation(McpElicitation elicitation) {
      this.elicitation = Objects.requireNonNull(elicitation, "elicitation must not be null");
      return self();
    }

    /**
     * Shares {@code roots} with the server ({@code roots/list}); the client then declares the
     * {@code roots} capability.
     *
     * @param roots the roots, such as {@code List.of(new McpRoot("file:///home/ada/project",
     *     "project"))}; may be empty
     * @return this builder
     * @throws NullPointerException if {@code roots} or an element is null
     */
    public B roots(List<McpRoot> roots) {
      this.roots = List.copyOf(Objects.requireNonNull(roots, "roots must not be null"));
      return self();
    }

    /**
     * Speaks only {@code version}, instead of finding out which version the server speaks: {@code
     * "2026-07-28"} statelessly (no discovery probe), or an earlier version through {@code
     * initialize}, refusing a server that answers with another.
     *
     * @param version one of {@link McpClient#PROTOCOL_VERSIONS}
     * @return this builder
     * @throws NullPointerException if {@code version} is null
     * @throws IllegalArgumentException if this client does not speak {@code version}
     */
    public B protocolVersion(String version) {
      Objects.requireNonNull(version, "version must not be null");
      if (!PROTOCOL_VERSIONS.contains(version)) {
        throw new IllegalArgumentException(
            "this client does not speak protocol version "
                + version
                + "; it speaks "
                + String.join(", ", PROTOCOL_VERSIONS));
      }
      this.protocolVersion = version;
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
                      line -> l.onStderr(client, line)),
              null)
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
    private McpAuthorization authorization;

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
     * Authorizes the client with OAuth when the server asks for it (HTTP 401, or 403 for more
     * scopes), as the MCP specification describes: the server's authorization server is found from
     * its protected resource metadata, the client registered or identified as {@code authorization}
     * says, a token obtained (with a person's approval for the authorization-code grant) and sent
     * with every request. Replaces {@link #bearerToken(String)}.
     *
     * <pre>{@code
     * McpClient github =
     *     McpClient.httpBuilder("https://mcp.example.com/mcp")
     *         .authorization(
     *             McpAuthorization.authorizationCode(McpUserAgent.loopback(System.out::println))
     *                 .clientName("My agent")
     *                 .build())
     *         .build();
     * }</pre>
     *
     * @param authorization how to authorize
     * @return this builder
     * @throws NullPointerException if {@code authorization} is null
     */
    public HttpBuilder authorization(McpAuthorization authorization) {
      this.authorization = Objects.requireNonNull(authorization, "authorization must not be null");
      return this;
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

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if both {@link #authorization(McpAuthorization)} and an {@code
     *     Authorization} header ({@link #bearerToken(String)}) are set
     */
    @Override
    public McpClient build() {
      if (authorization != null
          && headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Authorization"))) {
        throw new IllegalStateException(
            "set either authorization(...) or an Authorization header (bearerToken), not both");
      }
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
      OAuth oauth = authorization == null ? null : new OAuth(authorization, uri, http);
      StreamableHttp.Credentials credentials = oauth == null ? StreamableHttp.NONE : oauth;
      return new McpClient(
              this,
              (client, timer) ->
                  new StreamableHttp(
                      uri, http, headers, requestTimeout, maxMessageBytes, timer, credentials),
              oauth)
          .connect();
    }
  }
}
