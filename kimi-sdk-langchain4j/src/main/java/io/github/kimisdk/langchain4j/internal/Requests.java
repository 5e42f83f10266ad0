package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.VideoContent;
import dev.langchain4j.data.video.Video;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatSettings;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.langchain4j.KimiChatRequestParameters;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LangChain4j's chat requests and messages as the SDK's: system, user (text, images, video),
 * assistant (text, thinking as {@code reasoning_content}, tool calls) and tool-result messages; the
 * common parameters, tool specifications, tool choice and response format; Kimi's own parameters.
 * What Kimi cannot take fails with {@link UnsupportedFeatureException} before anything is sent. An
 * empty system message carries nothing and is left out (Kimi refuses empty content).
 */
public final class Requests {

  /**
   * The {@link AiMessage#attributes()} key under which a reasoning signature (Kimi's
   * Anthropic-compatible surface signs thinking) is kept, to be sent back unchanged.
   */
  public static final String REASONING_SIGNATURE = "kimi.reasoning_signature";

  private Requests() {}

  /**
   * Maps a whole request.
   *
   * @param messages the messages
   * @param p the parameters, already merged with the model's defaults
   * @param stream whether the request streams
   * @return the SDK's request
   * @throws UnsupportedFeatureException for what Kimi does not take
   * @throws IllegalArgumentException for a request Kimi would refuse whatever the model
   */
  public static ChatRequest toKimi(
      List<ChatMessage> messages, ChatRequestParameters p, boolean stream) {
    if (p.topK() != null) {
      throw new UnsupportedFeatureException(
          "topK is not supported by Kimi: its models sample with temperature and topP only");
    }
    String model = p.modelName();
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "modelName must be set, such as \"kimi-k3\", on the model's builder or the request");
    }
    ChatSettings.Builder settings =
        ChatSettings.builder()
            .temperature(p.temperature())
            .topP(p.topP())
            .frequencyPenalty(p.frequencyPenalty())
            .presencePenalty(p.presencePenalty())
            .maxCompletionTokens(p.maxOutputTokens());
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
      settings.stop(p.stopSequences());
    }
    if (p.toolChoice() != null) {
      settings.toolChoice(
          switch (p.toolChoice()) {
            case AUTO -> ToolChoice.auto();
            case REQUIRED -> ToolChoice.required();
            case NONE -> ToolChoice.none();
          });
    }
    if (p.responseFormat() != null) {
      settings.responseFormat(responseFormat(p.responseFormat()));
    }
    ChatRequest.Builder b = ChatRequest.builder(model).messages(messages(messages)).stream(stream);
    if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
      List<Tool> tools = new ArrayList<>();
      for (ToolSpecification t : p.toolSpecifications()) {
        tools.add(tool(t));
      }
      b.tools(tools);
    }
    if (p instanceof KimiChatRequestParameters k) {
      settings
          .thinking(k.thinking())
          .reasoningEffort(k.reasoningEffort())
          .promptCacheKey(k.promptCacheKey())
          .promptCacheTtl(k.promptCacheTtl())
          .safetyIdentifier(k.safetyIdentifier())
          .logprobs(k.logprobs())
          .topLogprobs(k.topLogprobs())
          .prediction(k.prediction());
      if (stream && k.includeUsage() != null) {
        b.includeUsage(k.includeUsage());
      }
      for (Map.Entry<String, Object> e : k.customParameters().entrySet()) {
        Object v = e.getValue();
        settings.extraBody(e.getKey(), v instanceof JsonValue j ? j : Json.toJson(v));
      }
    }
    settings.build().applyTo(b);
    return b.build();
  }

  /**
   * Maps messages.
   *
   * @param messages LangChain4j's messages
   * @return the SDK's
   * @throws UnsupportedFeatureException for content Kimi does not take
   */
  public static List<Message> messages(List<ChatMessage> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      if (m instanceof dev.langchain4j.data.message.SystemMessage s
          && (s.text() == null || s.text().isEmpty())) {
        continue; // carries nothing, and Kimi refuses empty content: left out
      }
      out.add(message(m));
    }
    return out;
  }

  /**
   * Maps one message.
   *
   * @param m the message
   * @return the SDK's
   * @throws UnsupportedFeatureException for content Kimi does not take
   */
  public static Message message(ChatMessage m) {
    if (m instanceof dev.langchain4j.data.message.SystemMessage s) {
      return Message.system(s.text());
    }
    if (m instanceof dev.langchain4j.data.message.UserMessage u) {
      List<ContentPart> parts = new ArrayList<>(u.contents().size());
      for (Content c : u.contents()) {
        parts.add(part(c));
      }
      return new UserMessage(parts, u.name());
    }
    if (m instanceof AiMessage a) {
      List<ToolCall> calls = new ArrayList<>(a.toolExecutionRequests().size());
      for (ToolExecutionRequest r : a.toolExecutionRequests()) {
        calls.add(ToolCall.function(r.id(), r.name(), r.arguments()));
      }
      Object signature = a.attributes().get(REASONING_SIGNATURE);
      return new AssistantMessage(
          a.text(), a.thinking(), calls, null, false, signature instanceof String s ? s : null);
    }
    if (m instanceof ToolExecutionResultMessage t) {
      return Message.tool(t.id(), t.toolName(), toolResult(t));
    }
    throw new UnsupportedFeatureException(
        "Kimi does not support " + m.type() + " messages: only system, user, AI and tool results");
  }

  /**
   * A tool result's text: its text contents joined; Kimi's tool messages carry text only. An empty
   * result is sent as {@code " "}: Kimi documents every message's content as non-empty, and a
   * single space is what the SDK sends for an empty {@code reasoning_content} too.
   */
  private static String toolResult(ToolExecutionResultMessage t) {
    StringBuilder text = new StringBuilder();
    for (Content c : t.contents()) {
      if (!(c instanceof TextContent part)) {
        throw new UnsupportedFeatureException(
            "Kimi does not support non-text content in tool results ("
                + c.type()
                + " from tool "
                + t.toolName()
                + "): a tool message carries text only. Return text, or send the image in a"
                + " UserMessage");
      }
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(part.text());
    }
    return text.length() == 0 ? " " : text.toString();
  }

  private static ContentPart part(Content c) {
    if (c instanceof TextContent t) {
      return ContentPart.text(t.text());
    }
    if (c instanceof ImageContent i) {
      return new ContentPart.ImagePart(
          url(i.image().url(), i.image().base64Data(), i.image().mimeType(), "image"));
    }
    if (c instanceof VideoContent v) {
      Video video = v.video();
      return new ContentPart.VideoPart(
          url(video.url(), video.base64Data(), video.mimeType(), "video"));
    }
    throw new UnsupportedFeatureException(
        "Kimi does not support " + c.type() + " content: only text, images and video");
  }

  /** A media part's URL as Kimi takes it: a {@code data:} URL or a Kimi file ({@code ms://}). */
  private static String url(URI url, String base64, String mimeType, String kind) {
    if (base64 != null) {
      if (mimeType == null) {
        throw new IllegalArgumentException(
            "a base64 " + kind + " needs its MIME type, such as \"" + kind + "/png\"");
      }
      return "data:" + mimeType + ";base64," + base64;
    }
    String text = url == null ? "" : url.toString();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      throw new UnsupportedFeatureException(
          "Kimi does not support "
              + kind
              + "s by http(s) URL: it reads only base64 data and files uploaded to Kimi"
              + " (ms://<file-id>). Download the "
              + kind
              + " and pass its bytes, as "
              + (kind.equals("image") ? "ImageContent.from(base64, mimeType)" : "base64 data"));
    }
    return text;
  }

  private static FunctionTool tool(ToolSpecification t) {
    return new FunctionTool(
        t.name(),
        t.description(),
        Schemas.parameters(t.parameters(), "tool " + t.name()),
        t.strict());
  }

  private static ResponseFormat responseFormat(
      dev.langchain4j.model.chat.request.ResponseFormat format) {
    if (format.type() == ResponseFormatType.TEXT) {
      return ResponseFormat.text();
    }
    if (format.jsonSchema() == null) {
      return ResponseFormat.jsonObject();
    }
    String name = format.jsonSchema().name();
    return ResponseFormat.jsonSchema(
        name == null || name.isBlank() ? "response" : name,
        Schemas.responseSchema(format.jsonSchema().rootElement(), "response format " + name));
  }
}
