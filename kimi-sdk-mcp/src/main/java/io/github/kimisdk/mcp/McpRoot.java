package io.github.kimisdk.mcp;

import java.util.Objects;

/**
 * Holds a root the client shares with servers: a directory or other location ({@code file://} URI)
 * a server may work in. Set them with {@link McpClient.Builder#roots(java.util.List)}; the client
 * then declares the {@code roots} capability and answers {@code roots/list} with them.
 *
 * @param uri the root's URI, such as {@code "file:///home/ada/project"}
 * @param name a name to show; null for none
 */
public record McpRoot(String uri, String name) {

  /**
   * Validates the components.
   *
   * @param uri the URI
   * @param name the name; may be null
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException if {@code uri} is blank
   */
  public McpRoot {
    Objects.requireNonNull(uri, "uri must not be null");
    if (uri.isBlank()) {
      throw new IllegalArgumentException("uri must not be blank");
    }
  }
}
