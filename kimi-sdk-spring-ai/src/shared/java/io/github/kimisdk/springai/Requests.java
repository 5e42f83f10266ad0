package io.github.kimisdk.springai;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Spring AI's messages and options as the SDK's request: system, user (text, images, video),
 * assistant (text, tool calls, and the {@code reasoning_content} kept in its metadata) and tool
 * responses; the portable options, Kimi's own, the declared tools and the response format. An empty
 * system message is left out. What Kimi cannot take fails with {@link IllegalArgumentException}
 * before anything is sent.
 */
final class Requests {

  private Requests() {}

  /**
   * Maps a whole request.
   *
   * @param messages the prompt's messages
   * @param o the options, already merged with the model's defaults, naming a model
   * @param stream whether the request streams
   * @return the SDK's request
   * @throws IllegalArgumentException for what Kimi does not take
   */
  static ChatRequest toKimi(
      List<org.springframework.ai.chat.messages.Message> messages,
      KimiChatOptions o,
      boolean stream) {
    return toKimi(messages, o, stream, definitions(o));
  }

  /** The definitions of the options' tool callbacks. */
  static List<ToolDefinition> definitions(KimiChatOptions o) {
    List<ToolDefinition> tools = new ArrayList<>(o.getToolCallbacks().size());
    for (ToolCallback c : o.getToolCallbacks()) {
      tools.add(c.getToolDefinition());
    }
    return tools;
  }

  /**
   * Maps a whole request, declaring the given tools (on Spring AI 1, the options' callbacks and the
   * tools their names resolve to).
   *
   * @param messages the prompt's messages
   * @param o the options, already merged with the model's defaults, naming a model
   * @param stream whether the request streams
   * @param tools the tools declared to the model
   * @return the SDK's request
   * @throws IllegalArgumentException for what Kimi does not take
   */
  static ChatRequest toKimi(
      List<org.springframework.ai.chat.messages.Message> messages,
      KimiChatOptions o,
      boolean stream,
      List<ToolDefinition> tools) {
    if (o.getTopK() != null) {
      throw new IllegalArgumentException(
          "topK is not supported by Kimi: its models sample with temperature and topP only;"
              + " leave topK unset");
    }
    ChatRequest.Builder b =
        ChatRequest.builder(o.getModel()).messages(messages(messages)).stream(stream)
            // a stream's last response carries the usage, with its details, for Spring AI's
            // observations and the tool loop's usage total
            .includeUsage(stream);
    o.settings().applyTo(b);
    if (!tools.isEmpty()) {
      List<Tool> declared = new ArrayList<>(tools.size());
      for (ToolDefinition d : tools) {
        declared.add(tool(d));
      }
      b.tools(declared);
    }
    return b.build();
  }

  static List<Message> messages(List<org.springframework.ai.chat.messages.Message> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    for (org.springframework.ai.chat.messages.Message m : messages) {
      if (m instanceof ToolResponseMessage t) {
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          out.add(Message.tool(r.id(), r.name(), r.responseData() == null ? "" : r.responseData()));
        }
      } else if (m instanceof SystemMessage s && (s.getText() == null || s.getText().isEmpty())) {
        // Left out: it carries nothing, and Kimi refuses empty content. Spring AI sends one on
        // every tool step when the memory advisor runs inside the tool loop and the application
        // has no system message (ToolCallingAdvisor asks the prompt for its system message, which
        // is an empty one when there is none).
        continue;
      } else {
        out.add(message(m));
      }
    }
    return out;
  }

  private static Message message(org.springframework.ai.chat.messages.Message m) {
    if (m instanceof SystemMessage s) {
      return Message.system(text(s.getText()));
    }
    if (m instanceof UserMessage u) {
      if (u.getMedia().isEmpty()) {
        return Message.user(text(u.getText()));
      }
      List<ContentPart> parts = new ArrayList<>(u.getMedia().size() + 1);
      if (u.getText() != null && !u.getText().isEmpty()) {
        parts.add(ContentPart.text(u.getText()));
      }
      for (Media media : u.getMedia()) {
        parts.add(part(media));
      }
      return Message.user(parts);
    }
    if (m instanceof AssistantMessage a) {
      List<ToolCall> calls = new ArrayList<>(a.getToolCalls().size());
      for (AssistantMessage.ToolCall c : a.getToolCalls()) {
        calls.add(new ToolCall(c.id(), c.type(), c.name(), c.arguments()));
      }
      return new io.github.kimisdk.chat.AssistantMessage(
          a.getText(),
          reasoning(a),
          calls,
          null,
          false,
          metadataText(a, KimiChatModel.REASONING_SIGNATURE));
    }
    throw new IllegalArgumentException(
        "Kimi does not support "
            + m.getMessageType()
            + " messages: only system, user, assistant and tool responses");
  }

  private static String text(String text) {
    return text == null ? "" : text;
  }

  /**
   * The reasoning under {@value KimiChatModel#REASONING_CONTENT}, the key Spring AI's OpenAI module
   * writes and replays too; an empty one counts as none, as that module writes {@code ""} for a
   * model that did not reason (the SDK then fills in what a thinking Kimi model requires).
   */
  private static String reasoning(AssistantMessage a) {
    String reasoning = metadataText(a, KimiChatModel.REASONING_CONTENT);
    return reasoning == null || reasoning.isEmpty() ? null : reasoning;
  }

  private static String metadataText(AssistantMessage a, String key) {
    return a.getMetadata().get(key) instanceof String s ? s : null;
  }

  /** An image or a video, as a {@code data:} URL or a Kimi file ({@code ms://}). */
  private static ContentPart part(Media media) {
    String type = media.getMimeType().getType() + "/" + media.getMimeType().getSubtype();
    boolean image = type.startsWith("image/");
    if (!image && !type.startsWith("video/")) {
      throw new IllegalArgumentException(
          "Kimi does not support " + type + " media: only images and video");
    }
    Object data = media.getData();
    if (data instanceof byte[] bytes) {
      return image ? ContentPart.image(bytes, type) : ContentPart.video(bytes, type);
    }
    if (data instanceof String || data instanceof URI) {
      String url = data.toString();
      return image ? ContentPart.imageUrl(url) : ContentPart.videoUrl(url);
    }
    throw new IllegalArgumentException(
        "media data must be bytes, a data: URL or an ms:// file reference: "
            + (data == null ? "null" : data.getClass().getName()));
  }

  /** A tool's definition as a Kimi function, its schema rewritten into one Kimi accepts. */
  private static FunctionTool tool(ToolDefinition d) {
    JsonSchema.Normalized schema = JsonSchema.normalize(Json.parse(d.inputSchema()));
    String description = d.description();
    return new FunctionTool(
        d.name(),
        description == null || description.isBlank() ? null : description,
        schema.schema(),
        null);
  }
}
