package io.github.kimisdk.mcp;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Answers a server's request for a completion ({@code sampling/createMessage}): the server asks the
 * client's model to write a message, so that it needs no model of its own. Set one with {@link
 * McpClient.Builder#sampling(McpSampling)}; the client then declares the {@code sampling}
 * capability. {@link #kimi(KimiClient, String)} answers through Kimi:
 *
 * <pre>{@code
 * McpClient mcp =
 *     McpClient.httpBuilder("https://mcp.example.com/mcp")
 *         .sampling(McpSampling.kimi(kimi, "kimi-k2.6"))
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
   * Returns a handler that answers through Kimi: the server's messages, system prompt, {@code
   * maxTokens} (as {@code max_completion_tokens}), {@code temperature} and {@code stopSequences} as
   * a {@link ChatRequest} for {@code model}, sent with {@link KimiClient#chat(ChatRequest)}; the
   * reply's text is the message, Kimi's model id its {@code model}, and its finish reason the
   * {@code stopReason} ({@code stop}: {@code endTurn}, {@code length}: {@code maxTokens}). Thinking
   * is switched off where the model lets the caller choose (a server's {@code maxTokens} is sized
   * for an answer, not for reasoning too). Text and image blocks reach the model; audio and other
   * blocks are described in a line. The server's {@code modelPreferences} and {@code
   * includeContext} are not used.
   *
   * @param kimi the client; not closed by the MCP client
   * @param model the model that answers, such as {@code "kimi-k2.6"}
   * @return the handler
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code model} is blank
   */
  static McpSampling kimi(KimiClient kimi, String model) {
    Objects.requireNonNull(kimi, "kimi must not be null");
    Objects.requireNonNull(model, "model must not be null");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    ModelInfo info = ModelCatalog.defaults().find(model).orElse(null);
    Thinking thinking =
        info != null && info.thinking() == ModelInfo.ThinkingSupport.SWITCHABLE
            ? Thinking.disabled()
            : null;
    return request -> {
      ChatRequest.Builder b = ChatRequest.builder(model);
      if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
        b.addMessage(Message.system(request.systemPrompt()));
      }
      for (SamplingMessage m : request.messages()) {
        if (m.role().equals("assistant")) {
          b.addMessage(Message.assistant(m.text()));
        } else {
          List<ContentPart> parts = new ArrayList<>();
          StringBuilder text = new StringBuilder();
          for (JsonObject block : m.content()) {
            String type = McpTools.string(block, "type");
            String data = McpTools.string(block, "data");
            String mime = McpTools.string(block, "mimeType");
            if ("image".equals(type) && data != null && mime != null) {
              parts.add(new ContentPart.ImagePart("data:" + mime + ";base64," + data));
            } else {
              text.append(text.length() == 0 ? "" : "\n").append(SamplingMessage.text(block));
            }
          }
          if (text.length() > 0 || parts.isEmpty()) {
            parts.add(0, ContentPart.text(text.toString()));
          }
          b.addMessage(Message.user(parts));
        }
      }
      if (request.maxTokens() != null) {
        b.maxCompletionTokens(request.maxTokens());
      }
      b.temperature(request.temperature());
      if (!request.stopSequences().isEmpty()) {
        b.stop(request.stopSequences());
      }
      if (thinking != null) {
        b.thinking(thinking);
      }
      ChatCompletion reply = kimi.chat(b.build());
      String finish = reply.finishReason() == null ? null : reply.finishReason().value();
      String stop =
          finish == null
              ? null
              : finish.equals("stop") ? "endTurn" : finish.equals("length") ? "maxTokens" : finish;
      return new Result(reply.model() == null ? model : reply.model(), reply.text(), stop);
    };
  }

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
      String type = McpTools.string(block, "type");
      if ("text".equals(type)) {
        String t = McpTools.string(block, "text");
        return t == null ? "" : t;
      }
      return McpTools.text(List.of(block), null);
    }

    /** Returns the role and the blocks' types. */
    @Override
    public String toString() {
      return RecordText.of("SamplingMessage")
          .add("role", role)
          .add("text", McpTools.cut(text()))
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

    /** The most messages and stop sequences read from one request. */
    private static final int MAX_ITEMS = 10_000;

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

    /** Reads the request's parameters. */
    static Request of(JsonObject params) {
      List<SamplingMessage> messages = new ArrayList<>();
      if (params.get("messages") instanceof JsonArray a) {
        for (JsonValue v : a.values()) {
          if (messages.size() == MAX_ITEMS) {
            break;
          }
          if (v instanceof JsonObject m) {
            String role = McpTools.string(m, "role");
            List<JsonObject> blocks = new ArrayList<>();
            JsonValue c = m.get("content");
            if (c instanceof JsonObject o) {
              blocks.add(o);
            } else if (c instanceof JsonArray list) {
              for (JsonValue b : list.values()) {
                if (b instanceof JsonObject o && blocks.size() < MAX_ITEMS) {
                  blocks.add(o);
                }
              }
            }
            messages.add(new SamplingMessage(role == null ? "user" : role, blocks));
          }
        }
      }
      List<String> stops = new ArrayList<>();
      if (params.get("stopSequences") instanceof JsonArray a) {
        for (JsonValue v : a.values()) {
          if (v instanceof JsonString s && stops.size() < MAX_ITEMS) {
            stops.add(s.value());
          }
        }
      }
      Integer max =
          params.get("maxTokens") instanceof JsonNumber n && n.doubleValue() >= 1
              ? (int) Math.min(Integer.MAX_VALUE, n.longValue())
              : null;
      Double temperature = McpTools.number(params, "temperature");
      return new Request(
          messages, McpTools.string(params, "systemPrompt"), max, temperature, stops, params);
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

    /** The result as MCP's {@code CreateMessageResult}. */
    JsonObject toJson() {
      JsonObject.Builder b =
          JsonObject.builder()
              .put("role", "assistant")
              .put(
                  "content",
                  JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(text)))
              .put("model", model);
      if (stopReason != null) {
        b.put("stopReason", stopReason);
      }
      return b.build();
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
