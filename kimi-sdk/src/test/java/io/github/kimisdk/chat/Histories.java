package io.github.kimisdk.chat;

import io.github.kimisdk.tool.ToolCall;
import java.util.List;

/**
 * Conversations the tests of more than one floor replay: what the codec writes and what {@code
 * ModelInfo.adapt} fills in are checked on the same history.
 */
public final class Histories {

  /** The tool call of {@link #reasoningMix}: {@code ping} with no arguments, id {@code c1}. */
  public static final ToolCall PING = ToolCall.function("c1", "ping", "{}");

  private Histories() {}

  /**
   * Returns a history whose four assistant turns carry each kind of reasoning: none on a plain
   * answer, none on an imported tool call, {@code ""} as received, and real reasoning on a tool
   * call, in that order.
   *
   * @param model the model
   * @param thinking the thinking setting, or null for the model's default
   * @return the request
   */
  public static ChatRequest reasoningMix(String model, Thinking thinking) {
    return ChatRequest.builder(model)
        .addUser("hi")
        .addMessage(Message.assistant("plain answer")) // never had reasoning
        .addUser("ping it")
        .addMessage(Message.assistant(null, null, List.of(PING))) // imported: no reasoning
        .addMessage(Message.tool("c1", "ping", "pong"))
        .addMessage(Message.assistant("done", "", List.of())) // received with "" reasoning
        .addUser("again")
        .addMessage(Message.assistant(null, "I call ping.", List.of(PING))) // received
        .addMessage(Message.tool("c1", "ping", "pong"))
        .thinking(thinking)
        .build();
  }
}
