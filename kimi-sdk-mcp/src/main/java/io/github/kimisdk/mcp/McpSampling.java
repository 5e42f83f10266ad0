package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.ContentText;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.util.List;
import java.util.Objects;

/**
 * Answers a server's request for a completion ({@code sampling/createMessage}): the server asks the
 * client's model to write a message, so that it needs no model of its own. Set one with {@link
 * McpClient.Builder#sampling(McpSampling)}; the client then declares the {@code sampling}
 * capability. {@code KimiSampling.of(kimi, model)} (package {@code io.github.kimisdk.mcp.kimi})
 * answers through Kimi:
 *
 * <pre>{@code
 * McpClient mcp =
 *     McpClient.httpBuilder("https://mcp.example.com/mcp")
 *         .sampling(KimiSampling.of(kimi, "kimi-k2.6"))
 *         .build();
 * }</pre>
 *
 * <p>The client calls it on a thread of its own for a request the server sends (protocol versions
 * up to 2025-11-25), and on the calling thread for one that comes with a result ({@code
 * input_required}, 2026-07-28), so it may take its time; it may be called from several threads at
 * once. The server's request is not shown to a person first: offer sampling only to servers you
 * trust with your model. An exception it throws fails the request (a server's own request is
 * answered with a JSON-RPC error; a call that came with the request throws it).
 */
@FunctionalInterface
public interface McpSampling {

  /**
   * Writes the message the server asked for.
   *
   * @param request what the server asked
   * @return the message
   */
  Result createMessage(Request request);

  /**
   * Holds one message of the conversation a server asks to continue.
   *
   * @param role {@code "user"} or {@code "assistant"}, as the server sent it
   * @param content the content blocks ({@code text}, {@code image}, {@code audio}, ...), each as
   *     sent
   */
  record SamplingMessage(String role, List<JsonObject> content) {

    /**
     * Copies the content.
     *
     * @param role the role
     * @param content the blocks
     * @throws NullPointerException if an argument or a block is null
     */
    public SamplingMessage {
      Objects.requireNonNull(role, "role must not be null");
      content = List.copyOf(Objects.requireNonNull(content, "content must not be null"));
    }

    /**
     * Returns the message as text: text blocks as they are, other blocks described in a line.
     *
     * @return the text
     */
    public String text() {
      StringBuilder s = new StringBuilder();
      for (JsonObject block : content) {
        s.append(s.length() == 0 ? "" : "\n").append(text(block));
      }
      return s.toString();
    }

    private static String text(JsonObject block) {
      String type = Fields.string(block, "type");
      if ("text".equals(type)) {
        String t = Fields.string(block, "text");
        return t == null ? "" : t;
      }
      return ContentText.text(List.of(block), null);
    }

    /** Returns the role and the blocks' types. */
    @Override
    public String toString() {
      return RecordText.of("SamplingMessage")
          .add("role", role)
          .add("text", ServerText.cut(text()))
          .toString();
    }
  }

  /**
   * Holds a server's {@code sampling/createMessage} request.
   *
   * @param messages the conversation to continue, oldest first
   * @param systemPrompt the system prompt the server asks for; null when none
   * @param maxTokens the most tokens the answer may take; null when the server sent none
   * @param temperature the sampling temperature; null when the server sent none
   * @param stopSequences sequences that end the answer; empty when none
   * @param params the request's parameters as sent ({@code modelPreferences}, {@code
   *     includeContext}, {@code metadata}, ...)
   */
  record Request(
      List<SamplingMessage> messages,
      String systemPrompt,
      Integer maxTokens,
      Double temperature,
      List<String> stopSequences,
      JsonObject params) {

    /**
     * Copies the lists.
     *
     * @param messages the conversation
     * @param systemPrompt the system prompt; may be null
     * @param maxTokens the token limit; may be null
     * @param temperature the temperature; may be null
     * @param stopSequences the stop sequences
     * @param params the parameters as sent
     * @throws NullPointerException if {@code messages}, {@code stopSequences}, {@code params} or an
     *     element is null
     */
    public Request {
      messages = List.copyOf(Objects.requireNonNull(messages, "messages must not be null"));
      stopSequences =
          List.copyOf(Objects.requireNonNull(stopSequences, "stopSequences must not be null"));
      Objects.requireNonNull(params, "params must not be null");
    }

    /** Returns the numbers and the size of the conversation, not its text. */
    @Override
    public String toString() {
      return RecordText.of("Request")
          .add("messages", messages.size())
          .add("maxTokens", maxTokens)
          .add("temperature", temperature)
          .toString();
    }
  }

  /**
   * Holds the message written for a server.
   *
   * @param model the model that wrote it, such as {@code "kimi-k2.6"}
   * @param text the message's text
   * @param stopReason why it ended: {@code "endTurn"}, {@code "stopSequence"}, {@code "maxTokens"}
   *     or another value; null when unknown
   */
  record Result(String model, String text, String stopReason) {

    /**
     * Validates the components.
     *
     * @param model the model
     * @param text the text
     * @param stopReason why it ended; may be null
     * @throws NullPointerException if {@code model} or {@code text} is null
     */
    public Result {
      Objects.requireNonNull(model, "model must not be null");
      Objects.requireNonNull(text, "text must not be null");
    }

    /** Returns the model, the stop reason and the length of the text. */
    @Override
    public String toString() {
      return RecordText.of("Result")
          .add("model", model)
          .add("chars", text.length())
          .add("stopReason", stopReason)
          .toString();
    }
  }
}
