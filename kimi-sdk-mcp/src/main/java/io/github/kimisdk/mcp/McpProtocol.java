package io.github.kimisdk.mcp;

/**
 * Which generation of the protocol a client speaks with its server ({@link
 * McpClient.Builder#protocol(McpProtocol)}): the stateless protocol of 2026-07-28, the protocol
 * with an {@code initialize} handshake (2025-11-25 and older), or whichever the server speaks.
 */
public enum McpProtocol {
  /**
   * Whichever the server speaks (the default): {@code server/discover} first, and a server that
   * does not answer it as a 2026-07-28 server does gets {@code initialize}.
   */
  AUTO,
  /**
   * The 2026-07-28 protocol only, stateless, without the probe: a server that does not speak it
   * fails {@link McpClient.Builder#build()}.
   */
  MODERN,
  /**
   * 2025-11-25 and older only, through {@code initialize} (offering 2025-11-25, accepting the older
   * versions of {@link McpClient#PROTOCOL_VERSIONS}), never asking {@code server/discover}.
   */
  LEGACY
}
