package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import java.util.Objects;

/**
 * Holds what a server said about itself when the connection was initialized.
 *
 * @param name the implementation's name, such as {@code "mcp-servers/everything"}; {@code ""} when
 *     the server sent none
 * @param version the implementation's version; {@code ""} when the server sent none
 * @param title a display name; null when the server sent none
 * @param protocolVersion the protocol version both sides use, such as {@code "2025-06-18"}
 * @param instructions how to use the server, for the model or the user; null when none
 * @param capabilities the capabilities the server declared, as sent ({@code tools}, {@code
 *     resources}, {@code prompts}, {@code logging}, ...)
 */
public record McpServerInfo(
    String name,
    String version,
    String title,
    String protocolVersion,
    String instructions,
    JsonObject capabilities) {

  /**
   * Validates the components.
   *
   * @param name the implementation's name
   * @param version the implementation's version
   * @param title a display name; may be null
   * @param protocolVersion the negotiated protocol version
   * @param instructions how to use the server; may be null
   * @param capabilities the declared capabilities
   * @throws NullPointerException if {@code name}, {@code version}, {@code protocolVersion} or
   *     {@code capabilities} is null
   */
  public McpServerInfo {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(version, "version must not be null");
    Objects.requireNonNull(protocolVersion, "protocolVersion must not be null");
    Objects.requireNonNull(capabilities, "capabilities must not be null");
  }

  /**
   * Tells whether the server declared the {@code tools} capability.
   *
   * @return true when it offers tools
   */
  public boolean hasTools() {
    return capabilities.has("tools");
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("McpServerInfo")
        .add("name", name)
        .add("version", version)
        .add("title", title)
        .add("protocolVersion", protocolVersion)
        .add("instructions", instructions)
        .add("capabilities", capabilities)
        .toString();
  }
}
