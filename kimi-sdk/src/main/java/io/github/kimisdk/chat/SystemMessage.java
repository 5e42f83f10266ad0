package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.tool.FunctionTool;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Holds instructions for the model, sent with role {@code system}; or, on kimi-k3, tools declared
 * mid-conversation ("dynamic tools": a system message with empty content and a {@code tools} list,
 * which the model may call from then on as if they were in the request's tools).
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder("kimi-k3")
 *     .addUser("hi")
 *     .addMessage(reply)                        // the model's answer so far
 *     .addMessage(Message.tools(weather, time)) // more tools from here on
 *     .addUser("What is the weather in Beijing?")
 *     .build();
 * }</pre>
 *
 * <p>Kimi's rules for dynamic tools (Moonshot's K3 contract), checked when the message is built:
 * only a system message may carry them, with empty content beside them; only functions; a name once
 * per message. {@link ChatRequest} also refuses a name declared twice across messages or in the
 * request's own tools, and the client refuses dynamic tools for models other than kimi-k3 (they
 * answer "tokenization failed") and over the Anthropic Messages protocol, which cannot carry them.
 * Append such messages rather than inserting them earlier: an insertion changes the prompt's
 * prefix, and the prompt cache misses.
 *
 * @param content the instructions; empty exactly when the message declares tools
 * @param name an optional participant name; null when absent
 * @param tools the functions this message declares (kimi-k3's dynamic tools); never null, empty for
 *     an ordinary system message
 */
public record SystemMessage(String content, String name, List<FunctionTool> tools)
    implements Message {

  /**
   * Validates the message and copies the tools.
   *
   * @param content the instructions; empty exactly when {@code tools} is not
   * @param name an optional participant name; null when absent
   * @param tools the functions this message declares; null for none
   * @throws NullPointerException if {@code content} or a tool is null
   * @throws IllegalArgumentException if {@code content} is empty without tools (Kimi rejects empty
   *     content), not empty beside tools (Kimi rejects both), or a tool name is declared twice
   */
  public SystemMessage {
    Objects.requireNonNull(content, "system message content must not be null");
    tools = tools == null ? List.of() : List.copyOf(tools);
    if (tools.isEmpty() && content.isEmpty()) {
      throw new IllegalArgumentException(
          "system message content must not be empty (Kimi rejects empty content); leave the"
              + " message out instead");
    }
    if (!tools.isEmpty() && !content.isEmpty()) {
      throw new IllegalArgumentException(
          "a system message that declares tools must have empty content (Kimi rejects content"
              + " beside dynamic tools); put the instructions in a system message of their own");
    }
    Set<String> names = new HashSet<>();
    for (FunctionTool t : tools) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            "a system message declares the tool \"" + t.name() + "\" twice; declare it once");
      }
    }
  }

  /**
   * Creates an ordinary system message: instructions, no tools.
   *
   * @param content the instructions, never empty
   * @param name an optional participant name; null when absent
   * @throws NullPointerException if {@code content} is null
   * @throws IllegalArgumentException if {@code content} is empty (Kimi rejects empty content)
   */
  public SystemMessage(String content, String name) {
    this(content, name, List.of());
  }

  /**
   * Tells whether this message declares tools (kimi-k3's dynamic tools) rather than instructions.
   *
   * @return true when {@link #tools()} is not empty
   */
  public boolean declaresTools() {
    return !tools.isEmpty();
  }

  /**
   * Returns {@code "system"}.
   *
   * @return {@code "system"}
   */
  @Override
  public String role() {
    return "system";
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("SystemMessage")
        .add("content", content)
        .add("name", name)
        .add("tools", tools)
        .toString();
  }
}
