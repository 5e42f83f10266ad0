package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.Untrusted;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.Failures;
import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Model Context Protocol server failed, or could not be reached, while an {@link McpClient}
 * talked to it. MCP is its own protocol with its own failures: this is not a {@code KimiException}
 * (the family of a call to Kimi), and a {@code catch (KimiException e)} around an agent does not
 * catch it. The message starts with the server's name, says what happened and, for a server run as
 * a child process, ends with what it last wrote to its standard error. {@link #kind()} classifies
 * the failure.
 *
 * <p>Inside an agent's run ({@code kimi-sdk-agents}) a failing MCP tool call does not throw: the
 * model reads this message as the tool's error result, as for any local tool that throws; a server
 * that cannot list its tools fails the run with this exception as its error.
 *
 * <pre>{@code
 * try {
 *   McpToolResult r = mcp.call("search", JsonObject.of("q", JsonString.of("kimi")));
 * } catch (McpException e) {
 *   if (e.kind() == McpException.Kind.TIMEOUT) {
 *     // the call was cancelled on the server
 *   }
 * }
 * }</pre>
 */
public final class McpException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How an MCP interaction failed. */
  public enum Kind {
    /**
     * The server could not be started or reached, or the connection to it ended (the process
     * exited, the stream broke).
     */
    CONNECTION,
    /** The server did not answer within the time allowed; the request was cancelled on it. */
    TIMEOUT,
    /** The server answered with a JSON-RPC error; see {@link #errorCode()}. */
    ERROR_RESPONSE,
    /** The server answered an HTTP request with an error status; see {@link #httpStatus()}. */
    HTTP_STATUS,
    /**
     * The server broke the protocol: a malformed message, an unsupported protocol version, a result
     * without the fields MCP requires.
     */
    PROTOCOL,
    /**
     * A limit that protects the client was hit: a message larger than allowed, too many requests in
     * flight, a server that does not read what it is sent.
     */
    LIMIT,
    /** The client was closed, or the calling thread was interrupted, before the answer came. */
    CLOSED,
    /**
     * The server requires authorization the client could not obtain: no {@link
     * McpClient.HttpBuilder#authorization(McpAuthorization) authorization} is set, the
     * authorization server could not be reached or refused, its metadata or answer failed a check
     * (an issuer or resource that does not match), the person did not approve in time, or the
     * server still refused after the client stepped up its scopes. The message says which; it never
     * holds a token, secret or code.
     */
    AUTHORIZATION
  }

  private final String server;
  private final Kind kind;
  private final Integer errorCode;
  private final Integer httpStatus;
  private final transient JsonValue errorData;
  private final transient Unauthorized refusal;

  /**
   * Creates an exception whose message is {@code MCP server "<server>": <detail>}, with every
   * control character of both escaped ({@code \n}, {@code \u001b}, ...): what a server says, quoted
   * in the detail, can neither end the message's line nor forge the next line of a log.
   *
   * @param server the server's name
   * @param kind how it failed
   * @param detail what happened and, where it helps, what to do
   * @param cause the underlying failure; may be null
   * @throws NullPointerException if {@code server}, {@code kind} or {@code detail} is null
   */
  public McpException(String server, Kind kind, String detail, Throwable cause) {
    this(server, kind, detail, cause, null, null, null, null);
  }

  private McpException(
      String server,
      Kind kind,
      String detail,
      Throwable cause,
      Integer errorCode,
      Integer httpStatus,
      JsonValue errorData,
      Unauthorized refusal) {
    super(
        "MCP server \""
            + Untrusted.escape(Objects.requireNonNull(server, "server must not be null"))
            + "\": "
            + Untrusted.escape(Objects.requireNonNull(detail, "detail must not be null")),
        cause);
    this.server = server;
    this.kind = Objects.requireNonNull(kind, "kind must not be null");
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.errorData = errorData;
    this.refusal = refusal;
  }

  /**
   * Creates the exception for a JSON-RPC error answer: kind {@link Kind#ERROR_RESPONSE}.
   *
   * @param server the server's name
   * @param detail what was asked and the server's error message
   * @param code the JSON-RPC error code
   * @param data the error's {@code data}; may be null
   * @return the exception
   * @throws NullPointerException if {@code server} or {@code detail} is null
   */
  public static McpException errorResponse(String server, String detail, int code, JsonValue data) {
    return new McpException(server, Kind.ERROR_RESPONSE, detail, null, code, null, data, null);
  }

  /** A JSON-RPC error answer that came with an HTTP error status (2026-07-28 servers). */
  static McpException errorResponse(
      String server, String detail, int code, JsonValue data, int status) {
    return new McpException(server, Kind.ERROR_RESPONSE, detail, null, code, status, data, null);
  }

  /** A 401 or 403 that an authorization may answer. */
  static McpException unauthorized(String server, String detail, Unauthorized refusal) {
    return new McpException(
        server, Kind.HTTP_STATUS, detail, null, null, refusal.status(), null, refusal);
  }

  /**
   * Creates the exception for an HTTP error status: kind {@link Kind#HTTP_STATUS}.
   *
   * @param server the server's name
   * @param detail the status, what was sent and the start of the body
   * @param status the HTTP status code
   * @return the exception
   * @throws NullPointerException if {@code server} or {@code detail} is null
   */
  public static McpException httpStatus(String server, String detail, int status) {
    return new McpException(server, Kind.HTTP_STATUS, detail, null, null, status, null, null);
  }

  /**
   * Returns the name of the server: the one set on its builder, else the name it reported, else its
   * command or URL.
   *
   * @return the server's name
   */
  public String server() {
    return server;
  }

  /**
   * Returns how the interaction failed.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the JSON-RPC error code of an {@link Kind#ERROR_RESPONSE}, such as {@code -32602}
   * (invalid params) or {@code -32601} (method not found).
   *
   * @return the code, or empty for other kinds
   */
  public OptionalInt errorCode() {
    return errorCode == null ? OptionalInt.empty() : OptionalInt.of(errorCode);
  }

  /**
   * Returns the HTTP status of an {@link Kind#HTTP_STATUS}, or of an {@link Kind#ERROR_RESPONSE}
   * that came with one (a 2026-07-28 server answers some errors with 400 or 404).
   *
   * @return the status, or empty when there was none
   */
  public OptionalInt httpStatus() {
    return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /**
   * Returns the {@code data} of a JSON-RPC error answer.
   *
   * @return the data, or empty when the server sent none or for other kinds (and after
   *     deserialization)
   */
  public Optional<JsonValue> errorData() {
    return Optional.ofNullable(errorData);
  }

  /** What the server's 401 or 403 said, or null. */
  Unauthorized refusal() {
    return refusal;
  }

  /**
   * The one place the engine's failures are made ({@link Failures}): the only caller of this
   * class's constructors outside it. Handed to the engine by {@link McpClient}.
   */
  static final Failures<McpException> FAILURES =
      new Failures<>() {
        @Override
        public McpException connection(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.CONNECTION, detail, cause);
        }

        @Override
        public McpException timeout(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.TIMEOUT, detail, cause);
        }

        @Override
        public McpException protocol(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.PROTOCOL, detail, cause);
        }

        @Override
        public McpException limit(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.LIMIT, detail, cause);
        }

        @Override
        public McpException closed(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.CLOSED, detail, cause);
        }

        @Override
        public McpException authorization(String server, String detail, Throwable cause) {
          return new McpException(server, Kind.AUTHORIZATION, detail, cause);
        }

        @Override
        public McpException like(McpException cause, String server, String detail) {
          return new McpException(server, cause.kind, detail, cause);
        }

        @Override
        public McpException httpStatus(String server, String detail, int status) {
          return McpException.httpStatus(server, detail, status);
        }

        @Override
        public McpException errorAnswer(
            String server, String detail, int code, JsonValue data, int httpStatus) {
          return httpStatus == 0
              ? errorResponse(server, detail, code, data)
              : errorResponse(server, detail, code, data, httpStatus);
        }

        @Override
        public McpException unauthorized(String server, String detail, Unauthorized refusal) {
          return McpException.unauthorized(server, detail, refusal);
        }

        @Override
        public Unauthorized refusal(McpException e) {
          return e.refusal;
        }
      };
}
