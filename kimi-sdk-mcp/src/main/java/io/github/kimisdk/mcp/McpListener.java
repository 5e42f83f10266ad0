package io.github.kimisdk.mcp;

import io.github.kimisdk.json.JsonValue;

/**
 * Receives what a server sends besides answers: progress, changes to its tool list, log messages,
 * lines on its standard error. All methods have empty defaults.
 *
 * <p>Methods are called on the thread that reads from the server, so they must return quickly; an
 * exception they throw is logged and otherwise ignored.
 */
public interface McpListener {

  /**
   * Called with each progress notification for a request of this client.
   *
   * @param client the client the server is connected to
   * @param progress the progress
   */
  default void onProgress(McpClient client, McpProgress progress) {}

  /**
   * Called when the server says its tool list changed; the next {@link McpClient#listTools()}
   * fetches it again.
   *
   * @param client the client the server is connected to
   */
  default void onToolsChanged(McpClient client) {}

  /**
   * Called with each log message the server sends ({@code notifications/message}).
   *
   * @param client the client the server is connected to
   * @param level the level, such as {@code "info"} or {@code "error"}
   * @param logger the logger's name; null when none
   * @param data the message: a string or any JSON
   */
  default void onLog(McpClient client, String level, String logger, JsonValue data) {}

  /**
   * Called with each line a server run as a child process writes to its standard error (cut to 4
   * KiB).
   *
   * @param client the client the server is connected to
   * @param line the line, without its line end
   */
  default void onStderr(McpClient client, String line) {}

  /**
   * Called with any other notification, such as {@code notifications/resources/updated}.
   *
   * @param client the client the server is connected to
   * @param method the notification's method
   * @param params its parameters; null when none
   */
  default void onNotification(McpClient client, String method, JsonValue params) {}
}
