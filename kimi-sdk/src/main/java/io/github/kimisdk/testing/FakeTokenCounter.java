package io.github.kimisdk.testing;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
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

  /** The prompt tokens of a chat request body: its messages and tools. */
  int countPrompt(JsonObject body) {
    ChatRequest chat = decode(body);
    if (body.get("tools") instanceof JsonArray tools) {
      List<Tool> list = new ArrayList<>();
      for (JsonValue v : tools.values()) {
        list.add(tool(v));
      }
      chat = chat.toBuilder().tools(list).build();
    }
    return counter.count(chat).total();
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
      return FakeModel.error(400, "invalid_request_error", "Invalid request: " + e.getMessage());
    }
    int total = counter.count(chat).total();
    JsonWriter w = new JsonWriter();
    w.beginObject().name("data").beginObject().name("total_tokens").value(total);
    return FakeResponse.json(w.endObject().endObject().toString());
  }

  private static ChatRequest decode(JsonValue body) {
    if (!(body instanceof JsonObject o) || !(o.get("model") instanceof JsonString model)) {
      throw new IllegalArgumentException("model is required");
    }
    if (!(o.get("messages") instanceof JsonArray messages)) {
      throw new IllegalArgumentException("messages must be an array");
    }
    List<Message> out = new ArrayList<>();
    for (JsonValue v : messages.values()) {
      out.add(message((JsonObject) v));
    }
    return ChatRequest.builder(model.value()).messages(out).build();
  }

  private static Message message(JsonObject m) {
    String role = string(m, "role");
    String name = string(m, "name");
    if (role == null) {
      throw new IllegalArgumentException("a message has no role");
    }
    switch (role) {
      case "system":
        return new SystemMessage(string(m, "content"), name);
      case "user":
        return new UserMessage(parts(m.get("content")), name);
      case "assistant":
        List<ToolCall> calls = new ArrayList<>();
        if (m.get("tool_calls") instanceof JsonArray a) {
          for (JsonValue c : a.values()) {
            JsonObject call = (JsonObject) c;
            JsonObject f = (JsonObject) call.get("function");
            calls.add(
                ToolCall.function(string(call, "id"), string(f, "name"), string(f, "arguments")));
          }
        }
        return new AssistantMessage(
            string(m, "content"), string(m, "reasoning_content"), calls, name, false);
      case "tool":
        return Message.tool(string(m, "tool_call_id"), name, string(m, "content"));
      default:
        throw new IllegalArgumentException("unknown role " + role);
    }
  }

  private static List<ContentPart> parts(JsonValue content) {
    if (content instanceof JsonString s) {
      return List.of(ContentPart.text(s.value()));
    }
    List<ContentPart> parts = new ArrayList<>();
    for (JsonValue v : ((JsonArray) content).values()) {
      JsonObject p = (JsonObject) v;
      String type = string(p, "type");
      if ("image_url".equals(type)) {
        parts.add(ContentPart.imageUrl(url(p.get("image_url"))));
      } else if ("video_url".equals(type)) {
        parts.add(ContentPart.videoUrl(url(p.get("video_url"))));
      } else {
        parts.add(ContentPart.text(string(p, "text")));
      }
    }
    return parts;
  }

  private static String url(JsonValue v) {
    return v instanceof JsonObject o ? string(o, "url") : ((JsonString) v).value();
  }

  private static String string(JsonObject o, String key) {
    return o.get(key) instanceof JsonString s ? s.value() : null;
  }
}
