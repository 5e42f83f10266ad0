package io.github.kimisdk.mcp.internal.rpc;

import io.github.kimisdk.json.JsonValue;

/**
 * The constructors and reads of the client's exception ({@code McpException}) that the engine needs
 * and that are not public: implemented once, beside the exception, and handed to the engine when a
 * client is built. Generic so that this interface names no class of the exported package, which
 * implements it.
 *
 * @param <E> the client's exception
 */
public interface Failures<E extends RuntimeException> {

  /** A JSON-RPC error answer that came with an HTTP error status (2026-07-28 servers). */
  E errorAnswer(String server, String detail, int code, JsonValue data, int httpStatus);

  /** A 401 or 403 that an authorization may answer. */
  E unauthorized(String server, String detail, Unauthorized refusal);

  /** The refusal an {@link #unauthorized} exception carries; null for any other. */
  Unauthorized refusal(E e);
}
