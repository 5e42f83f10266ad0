package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.json.JsonValue;

/**
 * The one place the client's failures are made: every {@code McpException} the engine throws or
 * hands on is built by one of these methods, one per kind of failure, as the core's {@code
 * errors.access.Exceptions} builds its family for {@code ErrorFactory}. Implemented once, beside
 * the exception ({@code McpException.FAILURES}, which alone calls its constructors), and handed to
 * the engine when a client is built: to the connection and its requests ({@code Rpc}), to the
 * transports through their {@link Transport.Sink#failures() sink}, to the authorization. Generic so
 * that this interface names no class of the exported package, which implements it ({@code
 * McpFailureSeamTest}, in kimi-sdk-mcp's tests, holds every constructor call to that one place).
 *
 * <p>Each method takes the server's name, for the message's start, and a detail that says what
 * happened and, where it helps, what to do; the exception escapes the control characters of both.
 *
 * @param <E> the client's exception
 */
public interface Failures<E extends RuntimeException> {

  /** The server could not be started or reached, or the connection to it ended. */
  E connection(String server, String detail, Throwable cause);

  /** The server did not answer in time. */
  E timeout(String server, String detail, Throwable cause);

  /** The server broke the protocol. */
  E protocol(String server, String detail, Throwable cause);

  /** A limit that protects the client was hit. */
  E limit(String server, String detail, Throwable cause);

  /** The client was closed, or the calling thread interrupted, before the answer came. */
  E closed(String server, String detail, Throwable cause);

  /** The authorization the server requires could not be obtained. */
  E authorization(String server, String detail, Throwable cause);

  /**
   * A failure of the kind of {@code cause}, caused by it: a request the closed connection fails.
   */
  E like(E cause, String server, String detail);

  /** An HTTP error status. */
  E httpStatus(String server, String detail, int status);

  /**
   * A JSON-RPC error answer; {@code httpStatus} is the HTTP error status it came with (2026-07-28
   * servers), 0 when none.
   */
  E errorAnswer(String server, String detail, int code, JsonValue data, int httpStatus);

  /** A 401 or 403 that an authorization may answer. */
  E unauthorized(String server, String detail, Unauthorized refusal);

  /** The refusal an {@link #unauthorized} exception carries; null for any other. */
  Unauthorized refusal(E e);
}
