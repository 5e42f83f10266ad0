package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpException;

/** Carries JSON-RPC messages between the client and one server: a child process or HTTP. */
public interface Transport {

  /** Starts the transport; what arrives goes to {@code sink} from then on. */
  void start(Sink sink);

  /**
   * Sends one message; {@code id} is the request's id, or -1 for a notification or an answer.
   *
   * @throws McpException when the message cannot be queued (closed, or a limit was hit)
   */
  void send(JsonObject message, long id);

  /**
   * Sends one message with HTTP headers of its own; transports without headers ignore them.
   *
   * @throws McpException when the message cannot be queued (closed, or a limit was hit)
   */
  default void send(JsonObject message, long id, java.util.Map<String, String> headers) {
    send(message, id);
  }

  /**
   * Sends a notification and returns once the server has it, so that later messages cannot overtake
   * it.
   *
   * @throws McpException when it cannot be delivered
   */
  default void sendAndWait(JsonObject message, java.time.Duration timeout) {
    send(message, -1);
  }

  /** Stops waiting for the answer to request {@code id}, releasing what its exchange holds. */
  default void abandon(long id) {}

  /** Called once the server accepted {@code initialize}, with the protocol version both use. */
  default void initialized(String protocolVersion) {}

  /** Called after {@code notifications/initialized} was sent: the connection is in operation. */
  default void ready() {}

  /**
   * Forgets the session the server ended, so that the next {@code initialize} starts a new one.
   * Returns whether there was one.
   */
  default boolean resetSession() {
    return false;
  }

  /** Ends the transport: the process is ended, the session deleted. Idempotent. */
  void close();

  /** Names the server before it names itself: its command or URL, without secrets. */
  String describe();

  /**
   * Blanks in a server's text every secret this transport sends (header values, tokens), so that a
   * server that echoes one cannot put it into a message or a log line.
   */
  default String redact(String text) {
    return text;
  }

  /** What helps explain a failure, such as the end of the server's stderr; {@code ""} if none. */
  String diagnostics();

  /** Where a transport delivers what arrives. */
  interface Sink {
    /** The server's current name, for exceptions. */
    String name();

    /** Makes the transport's failures: the one place an {@code McpException} is made. */
    Failures<McpException> failures();

    /** A JSON message (an object, or a batch array) arrived. */
    void message(JsonValue message);

    /** Something arrived that is not JSON; it is skipped. */
    void malformed(String excerpt, String why);

    /** Request {@code id} failed in transit (an HTTP status, a broken response stream). */
    void failed(long id, McpException e);

    /** Request {@code id} was answered with a JSON-RPC {@code error} in an HTTP error status. */
    void errorAnswer(long id, JsonObject error, int httpStatus);

    /**
     * Returns the exception of a 401 or 403 that an authorization may answer, for a transport to
     * fail a request with (or throw).
     */
    McpException unauthorized(String detail, Unauthorized refusal);

    /** The connection is gone: every request still waiting fails with {@code e}. */
    void closed(McpException e);

    /** Tells whether request {@code id} still waits for its answer. */
    boolean pending(long id);
  }
}
