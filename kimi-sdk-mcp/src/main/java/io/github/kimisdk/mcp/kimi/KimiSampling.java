package io.github.kimisdk.mcp.kimi;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpSampling;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Answers an MCP server's requests for completions ({@code sampling/createMessage}) with Kimi: set
 * it with {@link McpClient.Builder#sampling(McpSampling)}.
 *
 * <pre>{@code
 * McpClient mcp =
 *     McpClient.httpBuilder("https://mcp.example.com/mcp")
 *         .sampling(KimiSampling.of(kimi, "kimi-k2.6"))
 *         .build();
 * }</pre>
 *
 * <p>The server's messages, system prompt, {@code maxTokens} (as {@code max_completion_tokens}),
 * {@code temperature} and {@code stopSequences} become a {@link ChatRequest} for the model, sent
 * with {@link KimiClient#chat(ChatRequest)}; the reply's text is the message, Kimi's model id its
 * {@code model}, and its finish reason the {@code stopReason} ({@code stop}: {@code endTurn},
 * {@code length}: {@code maxTokens}). Thinking is switched off where the model lets the caller
 * choose (a server's {@code maxTokens} is sized for an answer, not for reasoning too). Text and
 * image blocks reach the model; audio and other blocks are described in a line. The server's {@code
 * modelPreferences} and {@code includeContext} are not used. The server's request reaches the model
 * without a person seeing it first: offer sampling to servers you trust with your model and your
 * spend. Thread-safe.
 */
public final class KimiSampling implements McpSampling {

  private final KimiClient kimi;
  private final String model;
  private final Thinking thinking; // null: the model's own

  private KimiSampling(KimiClient kimi, String model) {
    this.kimi = kimi;
    this.model = model;
    ModelInfo info = ModelCatalog.defaults().find(model).orElse(null);
    this.thinking =
        info != null && info.thinking() == ModelInfo.ThinkingSupport.SWITCHABLE
            ? Thinking.disabled()
            : null;
  }

  /**
   * Returns the handler that answers through {@code kimi} with {@code model}.
   *
   * @param kimi the client; not closed by the MCP client
   * @param model the model that answers, such as {@code "kimi-k2.6"}
   * @return the handler
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code model} is blank
   */
  public static KimiSampling of(KimiClient kimi, String model) {
    Objects.requireNonNull(kimi, "kimi must not be null");
    Objects.requireNonNull(model, "model must not be null");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    return new KimiSampling(kimi, model);
  }

  /**
   * Writes the message with Kimi.
   *
   * @param request what the server asked
   * @return Kimi's message
   * @throws io.github.kimisdk.errors.KimiException if the call to Kimi fails
   */
  @Override
  public Result createMessage(Request request) {
    ChatRequest.Builder b = ChatRequest.builder(model);
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      b.addMessage(Message.system(request.systemPrompt()));
    }
    for (SamplingMessage m : request.messages()) {
      if (m.role().equals("assistant")) {
        b.addMessage(Message.assistant(m.text()));
      } else {
        b.addMessage(Message.user(parts(m)));
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
  }

  /** A user message's parts: its images as images, everything else as one text part first. */
  private static List<ContentPart> parts(SamplingMessage m) {
    List<ContentPart> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (JsonObject block : m.content()) {
      String type = string(block, "type");
      String data = string(block, "data");
      String mime = string(block, "mimeType");
      if ("image".equals(type) && data != null && mime != null) {
        parts.add(new ContentPart.ImagePart("data:" + mime + ";base64," + data));
      } else {
        text.append(text.length() == 0 ? "" : "\n")
            .append(new SamplingMessage(m.role(), List.of(block)).text());
      }
    }
    if (text.length() > 0 || parts.isEmpty()) {
      parts.add(0, ContentPart.text(text.toString()));
    }
    return parts;
  }

  private static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  /** Returns the model; never the client's key. */
  @Override
  public String toString() {
    return "KimiSampling[" + model + "]";
  }
}
