package io.github.kimisdk.mcp;

import io.github.kimisdk.base.flow.Delayer;
import io.github.kimisdk.base.version.SdkVersion;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.auth.Authorizer;
import io.github.kimisdk.mcp.internal.client.Checks;
import io.github.kimisdk.mcp.internal.client.Connection;
import io.github.kimisdk.mcp.internal.client.Events;
import io.github.kimisdk.mcp.internal.client.Settings;
import io.github.kimisdk.mcp.internal.http.Endpoint;
import io.github.kimisdk.mcp.internal.http.StreamableHttp;
import io.github.kimisdk.mcp.internal.rpc.Transport;
import io.github.kimisdk.mcp.internal.stdio.StdioTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A client of one Model Context Protocol server. It speaks JSON-RPC 2.0 over one of the two
 * standard transports: <b>stdio</b> (the server is a child process started from a command) or
 * <b>Streamable HTTP</b> (the server is at a URL).
 *
 * <pre>{@code
 * try (McpClient files =
 *     McpClient.stdio(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"))) {
 *   Agent agent = Agent.builder(kimi, "kimi-k2.6").tools(McpToolset.of(files)).build();
 *   System.out.println(agent.run(List.of(Message.user("List /tmp"))).text());
 * }
 * }</pre>
 *
 * <p><b>Protocol versions.</b> Building a client starts the server (stdio) and asks {@code
 * server/discover}: a server that answers as one of 2026-07-28 does is spoken to statelessly; any
 * other answer means an earlier server, which gets {@code initialize} ({@link #PROTOCOL_VERSIONS}).
 * {@link Builder#protocol(McpProtocol)} speaks one generation, {@link
 * Builder#protocolVersion(String)} one version. {@link #close()} ends the connection.
 *
 * <p><b>The server's requests.</b> The client declares the capabilities it has handlers for, and no
 * others: {@link Builder#sampling(McpSampling) sampling} (such as {@link
 * io.github.kimisdk.mcp.kimi.KimiSampling Kimi} answering the server), {@link
 * Builder#elicitation(McpElicitation) elicitation} and {@link Builder#roots(List) roots}. It
 * answers the server's {@code ping}, and hands progress, log messages and tool list changes to its
 * {@link McpListener}.
 *
 * <p><b>Tools and authorization.</b> {@link #listTools()} lists the server's tools as the server
 * defines them; this client knows MCP only, and {@link io.github.kimisdk.mcp.kimi.McpToolset}
 * offers them to Kimi. An HTTP server that answers 401 is authorized as {@link
 * HttpBuilder#authorization(McpAuthorization)} says; an authorization server that is down fails the
 * call that needed it, not the client.
 *
 * <p>Everything the server controls is bounded: the size of each message ({@link
 * Builder#maxMessageBytes(int)}), the requests waiting for answers ({@link
 * Builder#maxPendingRequests(int)}), the time each may take ({@link Builder#callTimeout(Duration)};
 * a late request is cancelled on the server), the rounds of input a request may ask for, and the
 * standard error kept from a child process. Every failure is an {@link McpException} naming the
 * server. A client is thread-safe; the server's own requests and {@link #callAsync(String,
 * JsonValue)} run on daemon threads of its own, ended by {@link #close()}. {@code docs/mcp.md} says
 * the rest.
 */
public final class McpClient implements AutoCloseable {

  /** The protocol version this client speaks first: the newest it speaks. */
  public static final String LATEST_PROTOCOL_VERSION = "2026-07-28";

  /** The protocol versions this client speaks, newest first. */
  public static final List<String> PROTOCOL_VERSIONS = Connection.PROTOCOL_VERSIONS;

  /** The default time a request may take before it is cancelled: 60 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /** The default time the handshake may take, starting the server included: 30 seconds. */
  public static final Duration DEFAULT_INITIALIZE_TIMEOUT = Duration.ofSeconds(30);

  /** The default size limit of one message from the server: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  /** The default number of requests that may wait for answers at once. */
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 64;

  private final Connection connection;

  private McpClient(
      Builder<?> b, BiFunction<McpClient, Delayer, Transport> transport, Authorizer auth) {
    McpListener l = b.listener;
    this.connection =
        new Connection(
            new Settings(
                b.name,
                b.callTimeout,
                b.initializeTimeout,
                b.maxPendingRequests,
                b.sampling,
                b.elicitation,
                b.roots,
                b.protocolVersion,
                Checks.protocol(b.protocol, b.protocolVersion),
                b.clientName,
                b.clientVersion),
            new Events(
                () -> l.onToolsChanged(this),
                (level, logger, data) -> l.onLog(this, level, logger, data),
                (method, params) -> l.onNotification(this, method, params),
                progress -> l.onProgress(this, progress)),
            timer -> transport.apply(this, timer),
            auth,
            McpException.FAILURES);
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
    connection.connect();
    return this;
  }

  /**
   * Returns the server's name: the one set with {@link Builder#name(String)}, else the name the
   * server gave in the handshake, else its command or URL.
   *
   * @return the name used in exceptions and logs
   */
  public String name() {
    return connection.name();
  }

  /**
   * Returns what the server said about itself in the handshake ({@code initialize}) or discovery
   * ({@code server/discover}).
   *
   * @return the server's name, version, protocol version, instructions and capabilities
   */
  public McpServerInfo serverInfo() {
    return connection.info();
  }

  /**
   * Returns the protocol version both sides use.
   *
   * @return one of {@link #PROTOCOL_VERSIONS}
   */
  public String protocolVersion() {
    return connection.protocolVersion();
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
    return connection.listTools();
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
    Objects.requireNonNull(toolName, "toolName must not be null");
    return connection.call(toolName, Checks.arguments(toolName, arguments));
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
    String toolName = Objects.requireNonNull(tool, "tool must not be null").name();
    return connection.call(toolName, Checks.arguments(toolName, arguments));
  }

  /**
   * Calls a tool by its definition with members of the request's {@code _meta} (MCP lets a client
   * send its own there, each named with a reverse-DNS prefix, such as {@code
   * "io.github.kimisdk/idempotency-key"}), as {@link #call(String, JsonValue)} does.
   *
   * @param tool one of this server's tools, from {@link #listTools()}
   * @param arguments the arguments: a JSON object, or null for none
   * @param meta the members of the request's {@code _meta}; a newer protocol's own members are
   *     added beside them
   * @return the result
   * @throws NullPointerException if {@code tool} or {@code meta} is null
   * @throws IllegalArgumentException if {@code arguments} is not a JSON object
   * @throws McpException as {@link #call(String, JsonValue)} does
   */
  public McpToolResult call(McpTool tool, JsonValue arguments, JsonObject meta) {
    String toolName = Objects.requireNonNull(tool, "tool must not be null").name();
    Objects.requireNonNull(meta, "meta must not be null");
    return connection.call(toolName, Checks.arguments(toolName, arguments), meta);
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
    Objects.requireNonNull(toolName, "toolName must not be null");
    return connection.callAsync(toolName, Checks.arguments(toolName, arguments));
  }

  /**
   * Checks that the server answers: {@code ping}, or at 2026-07-28 (which has no ping) {@code
   * server/discover}.
   *
   * @throws McpException if it does not answer within the call timeout, or the connection fails
   */
  public void ping() {
    connection.ping();
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
    return connection.request(
        method, params == null || params.isNull() ? null : Checks.arguments(method, params));
  }

  /**
   * Returns the end of what a server run as a child process wrote to its standard error.
   *
   * @return the last lines kept ({@link StdioBuilder#stderrLimit(int)}); {@code ""} for an HTTP
   *     server
   */
  public String stderr() {
    return connection.stderr();
  }

  /**
   * Tells whether the connection is usable: not closed, and not ended by the server.
   *
   * @return true while requests can be sent
   */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /**
   * Ends the connection: requests still waiting fail with {@link McpException.Kind#CLOSED}; a child
   * process has its input closed and is given {@link StdioBuilder#shutdownTimeout(Duration)} to
   * exit before it and the processes it started are terminated, then killed; an HTTP session is
   * deleted. Idempotent.
   */
  @Override
  public void close() {
    connection.close();
  }

  /**
   * Returns the server's name, the transport and the protocol version; never headers, tokens or
   * secrets.
   */
  @Override
  public String toString() {
    return connection.toString();
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
    McpProtocol protocol = McpProtocol.AUTO;
    String clientName = "kimi-sdk-java";
    String clientVersion = SdkVersion.VERSION;

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
      this.name = Checks.nonBlank(name, "name");
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
      this.callTimeout = Checks.positive(timeout, "callTimeout");
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
      this.initializeTimeout = Checks.positive(timeout, "initializeTimeout");
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
     * sampling}, such as {@link io.github.kimisdk.mcp.kimi.KimiSampling#of}; the client then
     * declares the {@code sampling} capability. Without it, the server is told the client does not
     * offer sampling.
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
     * Speaks only {@code version}, instead of finding out which version the server speaks. At
     * {@code "2026-07-28"} the client still sends {@code server/discover}, the first request of
     * that protocol, for the server's name and capabilities, but not as a probe: any failure of it
     * fails the build, with no fall back to {@code initialize} (a server that does not know the
     * method, {@code -32601}, is spoken to with nothing known of it but its tools). An earlier
     * version is offered in {@code initialize}, and a server that answers with another is refused.
     *
     * @param version one of {@link McpClient#PROTOCOL_VERSIONS}
     * @return this builder
     * @throws NullPointerException if {@code version} is null
     * @throws IllegalArgumentException if this client does not speak {@code version}
     */
    public B protocolVersion(String version) {
      this.protocolVersion = Checks.protocolVersion(version);
      return self();
    }

    /**
     * Speaks one generation of the protocol only ({@link McpProtocol#MODERN}: 2026-07-28, {@link
     * McpProtocol#LEGACY}: 2025-11-25 and older), instead of finding out which the server speaks.
     *
     * @param protocol default {@link McpProtocol#AUTO}
     * @return this builder
     * @throws NullPointerException if {@code protocol} is null
     */
    public B protocol(McpProtocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol must not be null");
      return self();
    }

    /**
     * Names this client to the server: its {@code clientInfo} in {@code initialize} and in every
     * 2026-07-28 request's {@code _meta}.
     *
     * @param name default {@code "kimi-sdk-java"}
     * @param version default the SDK's version
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is blank
     */
    public B clientInfo(String name, String version) {
      this.clientName = Checks.nonBlank(name, "name");
      this.clientVersion = Checks.nonBlank(version, "version");
      return self();
    }

    /**
     * Starts or reaches the server and performs the handshake.
     *
     * @return the connected client
     * @throws IllegalStateException if {@link #protocolVersion(String)} names a version of another
     *     generation than {@link #protocol(McpProtocol)}
     * @throws McpException if the server cannot be started or reached, or the handshake fails
     */
    public abstract McpClient build();
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
      this.shutdownTimeout = Checks.positive(timeout, "shutdownTimeout");
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
    private final URI uri;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private HttpClient httpClient;
    private McpAuthorization authorization;

    private HttpBuilder(String url) {
      this.uri = Endpoint.of(url);
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
      Endpoint.checkHeader(uri, name, value);
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
      Checks.nonBlank(token, "the bearer token");
      headers.removeIf(h -> h.getKey().equalsIgnoreCase("Authorization"));
      return header("Authorization", "Bearer " + token);
    }

    /**
     * Authorizes the client with OAuth when the server asks for it (HTTP 401, or 403 for more
     * scopes), as the MCP specification describes: the server's authorization server is found from
     * its protected resource metadata, the client registered or identified as {@code authorization}
     * says, a token obtained (with a person's approval for the authorization-code grant) and sent
     * with every request. Replaces {@link #bearerToken(String)}. {@link McpAuthorization} shows
     * how.
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
      this.connectTimeout = Checks.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Uses this HTTP client (for a proxy, TLS settings or an executor) instead of one made from
     * {@link #connectTimeout(Duration)}. The MCP client follows no redirect with it: a client that
     * follows redirects is used through a copy of its settings that does not (a redirect would
     * carry the token, and on 307 or 308 a request's body, wherever a server points).
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
      HttpClient http = Endpoint.client(httpClient, connectTimeout, uri);
      Duration requestTimeout =
          callTimeout.compareTo(initializeTimeout) >= 0 ? callTimeout : initializeTimeout;
      Authorizer oauth =
          authorization == null
              ? null
              : new Authorizer(authorization.settings(), uri, http, McpException.FAILURES);
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
