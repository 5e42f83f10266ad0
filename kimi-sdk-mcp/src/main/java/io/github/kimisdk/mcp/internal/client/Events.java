package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpProgress;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What the client hears of its server, for the user's listener ({@code McpListener}, which {@code
 * McpClient} calls with itself).
 *
 * @param toolsChanged the server said its tools changed
 * @param log the server sent a log message: its level, logger (or null) and data
 * @param notification the server sent another notification: its method and parameters
 * @param progress the server reported progress on one of the client's requests
 */
public record Events(
    Runnable toolsChanged,
    Log log,
    BiConsumer<String, JsonValue> notification,
    Consumer<McpProgress> progress) {

  /** Hears a log message. */
  @FunctionalInterface
  public interface Log {
    /**
     * Hears one.
     *
     * @param level its level, as sent
     * @param logger its logger; null when none
     * @param data its data
     */
    void log(String level, String logger, JsonValue data);
  }
}
