package io.github.kimisdk;

import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.internal.client.ClientCore;

/**
 * What tests of the machinery, outside the root package, reach of a client that its public API does
 * not show: its shared core, a builder on virtual time, and the chunk bodies the tests stream.
 */
@SuppressWarnings("exports") // a test fixture for the internal packages
public final class ClientInternals {

  private ClientInternals() {}

  /** Returns the machinery {@code kimi} shares with the clients derived from it. */
  public static ClientCore core(KimiClient kimi) {
    return kimi.core();
  }

  /** Returns a builder whose retries, waits and limiter run on {@code time}. */
  public static KimiClient.Builder builder(Scheduler time) {
    return KimiClient.builder().scheduler(time);
  }

  /** Returns a chat-completions chunk with {@code deltaJson} and a finish reason (or null). */
  public static String chunk(String deltaJson, String finish) {
    return chunk("chatcmpl-1", 1, "m", deltaJson, finish);
  }

  /**
   * Returns a chat-completions chunk of completion {@code id}, created at {@code created} by {@code
   * model}, with {@code deltaJson} and a finish reason (or null).
   */
  public static String chunk(
      String id, long created, String model, String deltaJson, String finish) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":"
        + created
        + ",\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":"
        + deltaJson
        + ",\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  /** Returns a chat-completions chunk carrying {@code text} as content. */
  public static String content(String text) {
    return content("chatcmpl-1", "m", text);
  }

  /**
   * Returns a chat-completions chunk of completion {@code id} by {@code model} carrying {@code
   * text}.
   */
  public static String content(String id, String model, String text) {
    return chunk(id, 1, model, "{\"content\":\"" + text + "\"}", null);
  }
}
