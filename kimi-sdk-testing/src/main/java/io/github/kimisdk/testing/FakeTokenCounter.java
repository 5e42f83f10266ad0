package io.github.kimisdk.testing;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts tokens for {@link FakeKimiServer} as the SDK does: prompts with {@link RequestTokens} and
 * replies with the same text count, exactly when the server was given a tokenizer, else with the
 * estimator. It answers {@code POST /v1/tokenizers/estimate-token-count} and counts the usage of
 * every chat reply.
 */
final class FakeTokenCounter {

  /** A request the fake cannot read; its message is the fake's own, as Kimi would word it. */
  static final class Unreadable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  private static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();

  private volatile RequestTokens counter = RequestTokens.estimated();
  private volatile KimiTokenizer tokenizer;

  void tokenizer(KimiTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    counter = tokenizer == null ? RequestTokens.estimated() : RequestTokens.exact(tokenizer);
  }

  /** The tokens of a reply's text. */
  int countText(String text) {
    KimiTokenizer t = tokenizer;
    return text.isEmpty() ? 0 : t != null ? t.count(text) : ESTIMATOR.estimate(text);
  }

  /**
   * The prompt tokens of a chat request body: its messages (with the tools system messages declare,
   * in place), its tools and a {@code json_schema} response format.
   *
   * @param keptReasoning whether the reasoning of earlier turns counts (K3, {@code keep: "all"})
   */
  int countPrompt(JsonObject body, boolean keptReasoning) {
    ChatRequest chat = decode(body);
    ChatRequest.Builder b = chat.toBuilder();
    if (body.get("tools") instanceof JsonArray tools) {
      List<Tool> list = new ArrayList<>();
      for (JsonValue v : tools.values()) {
        list.add(tool(v));
      }
      b.tools(list);
    }
    if (keptReasoning) {
      b.thinking(Thinking.preserved());
    }
    int total = counter.count(b.build()).total();
    if (body.get("response_format") instanceof JsonObject format
        && format.get("json_schema") instanceof JsonObject schema) {
      total += countText(Json.write(schema)); // the schema is part of the prompt on Kimi
    }
    return total;
  }

  private static Tool tool(JsonValue v) {
    JsonObject t = (JsonObject) v;
    JsonObject f = (JsonObject) t.get("function");
    String name = string(f, "name");
    if ("builtin_function".equals(string(t, "type"))) {
      return Tool.builtin(name);
    }
    Boolean strict = f.get("strict") instanceof JsonBoolean b ? b.value() : null;
    try {
      return new FunctionTool(name, string(f, "description"), f.get("parameters"), strict);
    } catch (IllegalArgumentException notMfjs) {
      // a lenient server still counts a schema the SDK would refuse
      return new FunctionTool(name, string(f, "description"), f.get("parameters"), false);
    }
  }

  FakeResponse respond(RecordedRequest request) {
    ChatRequest chat;
    try {
      chat = decode(request.json());
    } catch (RuntimeException e) {
      return FakeRules.unreadable(e);
    }
    int total = counter.count(chat).total();
    JsonWriter w = new JsonWriter();
    w.beginObject().name("data").beginObject().name("total_tokens").value(total);
    return FakeResponse.json(w.endObject().endObject().toString());
  }

  private static ChatRequest decode(JsonValue body) {
    if (!(body instanceof JsonObject o) || !(o.get("model") instanceof JsonString model)) {
      throw new Unreadable("model is required");
    }
    if (!(o.get("messages") instanceof JsonArray messages)) {
      throw new Unreadable("messages must be an array");
    }
    List<Message> out = new ArrayList<>();
    for (JsonValue v : messages.values()) {
      if (!(v instanceof JsonObject m)) {
        throw new Unreadable("every message must be an object");
      }
      out.add(message(m));
    }
    return ChatRequest.builder(model.value()).messages(out).build();
  }

  /**
   * The SDK message a wire message counts as. Kimi takes more than the SDK's typed messages hold (a
   * tool message without {@code name}, content as text parts for every role, tools declared in a
   * system message), so the decoding is lenient: text parts are joined, a missing name counts as
   * the role, and a system message declaring tools counts as the {@code tool_declare} message the
   * request's tools make. Empty text counts as one blank, keeping the message's template tokens.
   */
  private static Message message(JsonObject m) {
    String role = string(m, "role");
    String name = string(m, "name");
    if (role == null) {
      throw new Unreadable("a message has no role");
    }
    switch (role) {
      case "system":
        if (m.get("tools") instanceof JsonArray tools) {
          return new SystemMessage(Json.write(tools), "tool_declare");
        }
        return new SystemMessage(orBlank(text(m.get("content"))), name);
      case "user":
        return new UserMessage(parts(m.get("content")), name);
      case "assistant":
        List<ToolCall> calls = new ArrayList<>();
        if (m.get("tool_calls") instanceof JsonArray a) {
          for (JsonValue c : a.values()) {
            JsonObject call = c instanceof JsonObject co ? co : JsonObject.of();
            JsonObject f = call.get("function") instanceof JsonObject fo ? fo : JsonObject.of();
            calls.add(
                ToolCall.function(string(call, "id"), string(f, "name"), string(f, "arguments")));
          }
        }
        String content = text(m.get("content"));
        return new AssistantMessage(
            content.isEmpty() ? null : content, string(m, "reasoning_content"), calls, name, false);
      case "tool":
        String id = string(m, "tool_call_id");
        return Message.tool(
            id == null ? "" : id, name == null ? "tool" : name, text(m.get("content")));
      default:
        throw new Unreadable("unknown role " + role);
    }
  }

  /** The text of a content: the string, or its text parts joined; "" when there is none. */
  private static String text(JsonValue content) {
    if (content instanceof JsonString s) {
      return s.value();
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (JsonValue p : parts.values()) {
        if (p instanceof JsonObject o && o.get("text") instanceof JsonString t) {
          sb.append(t.value());
        }
      }
    }
    return sb.toString();
  }

  private static String orBlank(String text) {
    return text.isEmpty() ? " " : text;
  }

  private static List<ContentPart> parts(JsonValue content) {
    if (!(content instanceof JsonArray array)) {
      return List.of(ContentPart.text(orBlank(text(content))));
    }
    List<ContentPart> parts = new ArrayList<>();
    for (JsonValue v : array.values()) {
      JsonObject p = v instanceof JsonObject o ? o : JsonObject.of();
      String type = string(p, "type");
      if ("image_url".equals(type)) {
        parts.add(image(url(p.get("image_url"), "image_url")));
      } else if ("video_url".equals(type)) {
        parts.add(video(url(p.get("video_url"), "video_url")));
      } else if (string(p, "text") != null && !string(p, "text").isEmpty()) {
        parts.add(ContentPart.text(string(p, "text")));
      }
    }
    if (parts.isEmpty()) {
      parts.add(ContentPart.text(" "));
    }
    return parts;
  }

  /** An image part as counted; a URL the SDK would not send counts as an uploaded file. */
  private static ContentPart image(String url) {
    try {
      return ContentPart.imageUrl(url);
    } catch (IllegalArgumentException notSent) {
      return ContentPart.imageUrl("ms://unread");
    }
  }

  /** A video part as counted; a URL the SDK would not send counts as an uploaded file. */
  private static ContentPart video(String url) {
    try {
      return ContentPart.videoUrl(url);
    } catch (IllegalArgumentException notSent) {
      return ContentPart.videoUrl("ms://unread");
    }
  }

  private static String url(JsonValue v, String part) {
    String url =
        v instanceof JsonObject o ? string(o, "url") : v instanceof JsonString s ? s.value() : null;
    if (url == null) {
      throw new Unreadable(part + ".url is required");
    }
    return url;
  }

  private static String string(JsonObject o, String key) {
    return o.get(key) instanceof JsonString s ? s.value() : null;
  }
}
