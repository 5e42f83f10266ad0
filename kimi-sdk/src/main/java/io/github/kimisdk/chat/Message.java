package io.github.kimisdk.chat;

import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Holds one message of a conversation: {@link SystemMessage}, {@link UserMessage}, {@link
 * AssistantMessage} or {@link ToolMessage}.
 *
 * <p>Create messages with the static factories:
 *
 * <pre>{@code
 * List<Message> history = List.of(
 *     Message.system("You are terse."),
 *     Message.user("Describe this picture", ContentPart.image(Path.of("cat.png"))),
 *     Message.partial("The picture shows"));
 * }</pre>
 */
public sealed interface Message permits SystemMessage, UserMessage, AssistantMessage, ToolMessage {

  /**
   * Returns the role this message has on the wire: {@code system}, {@code user}, {@code assistant}
   * or {@code tool}.
   *
   * @return the role
   */
  String role();

  /**
   * Creates a system message.
   *
   * @param content the instructions, not empty
   * @return the message
   * @throws NullPointerException if {@code content} is null
   * @throws IllegalArgumentException if {@code content} is empty
   */
  static SystemMessage system(String content) {
    return new SystemMessage(content, null);
  }

  /**
   * Creates a system message that declares tools mid-conversation, which kimi-k3 lets the model
   * call from then on ("dynamic tools"); see {@link SystemMessage} for Kimi's rules.
   *
   * @param tools the functions, at least one, each name once
   * @return the message, with empty content
   * @throws NullPointerException if {@code tools} or a tool is null
   * @throws IllegalArgumentException if {@code tools} is empty or names a tool twice
   */
  static SystemMessage tools(FunctionTool... tools) {
    Objects.requireNonNull(tools, "tools must not be null");
    if (tools.length == 0) {
      throw new IllegalArgumentException("Message.tools needs at least one tool");
    }
    return new SystemMessage("", null, Arrays.asList(tools));
  }

  /**
   * Creates a user message holding plain text.
   *
   * @param text the text, not empty
   * @return the message
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is empty
   */
  static UserMessage user(String text) {
    return new UserMessage(List.of(ContentPart.text(text)), null);
  }

  /**
   * Creates a user message holding text followed by further parts, such as images.
   *
   * @param text the text, not empty
   * @param parts further parts, such as {@link ContentPart#image(java.nio.file.Path)}
   * @return the message
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code text} is empty
   */
  static UserMessage user(String text, ContentPart... parts) {
    ContentPart[] all = new ContentPart[parts.length + 1];
    all[0] = ContentPart.text(text);
    System.arraycopy(parts, 0, all, 1, parts.length);
    return new UserMessage(List.of(all), null);
  }

  /**
   * Creates a user message from content parts (text, images, videos).
   *
   * @param parts the parts, at least one
   * @return the message
   * @throws NullPointerException if {@code parts} or an element is null
   * @throws IllegalArgumentException if {@code parts} is empty
   */
  static UserMessage user(List<ContentPart> parts) {
    return new UserMessage(parts, null);
  }

  /**
   * Creates an assistant message holding text, for example a reply from an earlier turn.
   *
   * @param content the text
   * @return the message
   * @throws NullPointerException if {@code content} is null
   */
  static AssistantMessage assistant(String content) {
    java.util.Objects.requireNonNull(content, "assistant content must not be null");
    return new AssistantMessage(content, null, List.of(), null, false);
  }

  /**
   * Creates an assistant message that calls tools, with the reasoning the model produced before the
   * calls. Thinking models reject a tool-call message without its {@code reasoning_content}, so
   * pass exactly what the server returned, even {@code ""}.
   *
   * @param content the text before the calls; may be null
   * @param reasoningContent the reasoning; may be null when the model did not think
   * @param toolCalls the calls
   * @return the message
   * @throws NullPointerException if {@code toolCalls} or an element is null
   */
  static AssistantMessage assistant(
      String content, String reasoningContent, List<ToolCall> toolCalls) {
    return new AssistantMessage(content, reasoningContent, toolCalls, null, false);
  }

  /**
   * Creates the partial assistant message that starts the reply (Kimi's partial mode). It must be
   * the last message of the request; the reply continues the prefix without repeating it.
   *
   * @param prefix the start of the reply, not empty
   * @return the message
   * @throws NullPointerException if {@code prefix} is null
   * @throws IllegalArgumentException if {@code prefix} is empty
   */
  static AssistantMessage partial(String prefix) {
    return partial(prefix, null);
  }

  /**
   * Creates the partial assistant message that starts the reply in a named character's voice
   * (Kimi's partial mode for role-play).
   *
   * @param prefix the start of the reply, not empty
   * @param name the character's name; may be null
   * @return the message
   * @throws NullPointerException if {@code prefix} is null
   * @throws IllegalArgumentException if {@code prefix} is empty
   */
  static AssistantMessage partial(String prefix, String name) {
    java.util.Objects.requireNonNull(prefix, "partial prefix must not be null");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException(
          "partial prefix must not be empty: give the text the reply should start with");
    }
    return new AssistantMessage(prefix, null, List.of(), name, true);
  }

  /**
   * Creates a tool message that answers one tool call.
   *
   * @param toolCallId the id of the call answered
   * @param name the name of the tool called; null when unknown (Kimi accepts it without)
   * @param content the result, as text the model reads
   * @return the message
   * @throws NullPointerException if {@code toolCallId} or {@code content} is null
   */
  static ToolMessage tool(String toolCallId, String name, String content) {
    return new ToolMessage(toolCallId, name, content);
  }

  /**
   * Creates a tool message that answers {@code call}, copying its id and name.
   *
   * @param call the call answered
   * @param content the result, as text the model reads
   * @return the message
   * @throws NullPointerException if an argument is null, or the call has no id or name
   */
  static ToolMessage tool(ToolCall call, String content) {
    return new ToolMessage(call.id(), call.name(), content);
  }
}
