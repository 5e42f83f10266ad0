package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Moonshot's K3 vendor contract (Kimi-Vendor-Verifier, {@code kvv/k3-contract.jsonl}; licence and
 * commit in {@code kvv/SOURCE.md}) against the SDK's typed API: every request K3 accepts is built
 * with the typed API and passes the client's model checks for kimi-k3; every request it refuses is
 * refused before a round trip, at {@code build()}, by the model checks, or because the typed API
 * cannot express it at all (such as tools on a user message). The fake's answers to the same cases
 * are {@code testing.K3ContractHttpTest}.
 */
class K3ContractTypedTest {

  private static final ModelInfo K3 = ModelCatalog.defaults().lookup("kimi-k3");

  /** A wire request the typed API has no way to say. */
  private static final class Inexpressible extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Inexpressible(String what) {
      super(what);
    }
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = K3ContractTypedTest.class.getResourceAsStream("/kvv/k3-contract.jsonl")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject c = (JsonObject) Json.parse(line);
        out.add(
            Arguments.of(
                c.get("id").asString(),
                (JsonObject) c.get("body"),
                ((JsonNumber) c.get("status")).intValue()));
      }
    }
    assertThat(out).hasSize(108);
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("cases")
  void theTypedApiAcceptsWhatK3AcceptsAndRefusesBeforeSendingWhatItRefuses(
      String id, JsonObject body, int status) {
    ChatRequest request;
    try {
      request = typed(body);
    } catch (Inexpressible | IllegalArgumentException | NullPointerException refused) {
      assertThat(status)
          .as("%s was refused locally (%s) but K3 accepts it", id, refused.getMessage())
          .isEqualTo(400);
      return;
    }
    List<String> problems = K3.problems(request);
    if (status == 200) {
      assertThat(problems).as(id).isEmpty();
      // what is sent says what the test sent, for the fields it set
      JsonObject sent = (JsonObject) Json.parse(ChatCodec.encodeRequest(request));
      assertThat(sent.get("messages").asArray().size())
          .isEqualTo(body.get("messages").asArray().size());
      for (String field : List.of("tool_choice", "reasoning_effort")) {
        assertThat(sent.get(field)).as("%s %s", id, field).isEqualTo(body.get(field));
      }
      for (String field :
          List.of("temperature", "top_p", "n", "presence_penalty", "frequency_penalty")) {
        if (body.get(field) instanceof JsonNumber want) {
          assertThat(((JsonNumber) sent.get(field)).doubleValue())
              .as("%s %s", id, field)
              .isEqualTo(want.doubleValue());
        }
      }
    } else {
      assertThat(problems).as("%s: K3 refuses it, the client must too", id).isNotEmpty();
    }
  }

  // ------------------------------------------------------------- the wire, through the typed API

  private static final Set<String> TOP =
      Set.of(
          "model",
          "messages",
          "tools",
          "tool_choice",
          "response_format",
          "thinking",
          "reasoning_effort",
          "max_tokens",
          "temperature",
          "top_p",
          "n",
          "presence_penalty",
          "frequency_penalty",
          "stream",
          "stream_options");

  private static ChatRequest typed(JsonObject body) {
    only(body, TOP, "request");
    ChatRequest.Builder b = ChatRequest.builder(body.get("model").asString());
    for (JsonValue m : array(body.get("messages"), "messages")) {
      b.addMessage(message(object(m, "message")));
    }
    if (body.get("tools") != null) {
      List<Tool> tools = new ArrayList<>();
      for (JsonValue t : array(body.get("tools"), "tools")) {
        tools.add(function(object(t, "tool")));
      }
      b.tools(tools);
    }
    JsonValue choice = body.get("tool_choice");
    if (choice instanceof JsonString s) {
      b.toolChoice(
          switch (s.value()) {
            case "auto" -> ToolChoice.auto();
            case "none" -> ToolChoice.none();
            case "required" -> ToolChoice.required();
            default -> throw new Inexpressible("tool_choice " + s.value());
          });
    } else if (choice instanceof JsonObject o) {
      b.toolChoice(
          ToolChoice.function(object(o.get("function"), "function").get("name").asString()));
    }
    if (body.get("response_format") != null) {
      b.responseFormat(responseFormat(object(body.get("response_format"), "response_format")));
    }
    if (body.get("thinking") != null) {
      JsonObject t = object(body.get("thinking"), "thinking");
      only(t, Set.of("type", "keep", "effort"), "thinking");
      String type = t.get("type") == null ? "enabled" : t.get("type").asString();
      b.thinking(
          new Thinking(
              switch (type) {
                case "enabled" -> Thinking.Type.ENABLED;
                case "disabled" -> Thinking.Type.DISABLED;
                default -> throw new Inexpressible("thinking type " + type);
              },
              t.get("keep") == null ? null : t.get("keep").asString(),
              t.get("effort") == null ? null : t.get("effort").asString()));
    }
    if (body.get("reasoning_effort") != null) {
      b.reasoningEffort(body.get("reasoning_effort").asString());
    }
    if (body.get("temperature") instanceof JsonNumber t) {
      b.temperature(t.doubleValue());
    }
    if (body.get("top_p") instanceof JsonNumber t) {
      b.topP(t.doubleValue());
    }
    if (body.get("n") instanceof JsonNumber t) {
      b.n(t.intValue());
    }
    if (body.get("presence_penalty") instanceof JsonNumber t) {
      b.presencePenalty(t.doubleValue());
    }
    if (body.get("frequency_penalty") instanceof JsonNumber t) {
      b.frequencyPenalty(t.doubleValue());
    }
    if (body.get("max_tokens") != null) {
      b.maxCompletionTokens(((JsonNumber) body.get("max_tokens")).intValue());
    }
    if (body.get("stream") instanceof JsonBoolean s && s.value()) {
      b.stream(true).includeUsage(true);
    }
    return b.build();
  }

  private static Message message(JsonObject m) {
    String role = m.get("role").asString();
    switch (role) {
      case "system":
        only(m, Set.of("role", "content", "tools"), "system message");
        List<FunctionTool> tools = new ArrayList<>();
        if (m.get("tools") != null) {
          for (JsonValue t : array(m.get("tools"), "a system message's tools")) {
            Tool tool = function(object(t, "tool"));
            if (!(tool instanceof FunctionTool f)) {
              throw new Inexpressible("a built-in tool in a message");
            }
            tools.add(f);
          }
        }
        return new SystemMessage(text(m.get("content")), null, tools);
      case "user":
        only(m, Set.of("role", "content"), "user message");
        return new UserMessage(List.of(ContentPart.text(text(m.get("content")))), null);
      case "assistant":
        only(m, Set.of("role", "content", "reasoning_content", "tool_calls"), "assistant message");
        List<ToolCall> calls = new ArrayList<>();
        if (m.get("tool_calls") != null) {
          for (JsonValue c : array(m.get("tool_calls"), "tool_calls")) {
            JsonObject call = object(c, "tool call");
            JsonObject f = object(call.get("function"), "function");
            calls.add(
                ToolCall.function(
                    call.get("id").asString(),
                    f.get("name").asString(),
                    f.get("arguments").asString()));
          }
        }
        String content = m.get("content") == null ? null : text(m.get("content"));
        String reasoning =
            m.get("reasoning_content") == null ? null : m.get("reasoning_content").asString();
        return new AssistantMessage(content, reasoning, calls, null, false);
      case "tool":
        only(m, Set.of("role", "content", "tool_call_id", "name"), "tool message");
        if (m.get("tool_call_id") == null) {
          throw new Inexpressible("a tool message without tool_call_id");
        }
        return new ToolMessage(
            m.get("tool_call_id").asString(),
            m.get("name") == null ? null : m.get("name").asString(),
            text(m.get("content")));
      default:
        throw new Inexpressible("role " + role);
    }
  }

  private static Tool function(JsonObject t) {
    only(t, Set.of("type", "function"), "tool");
    if (t.get("type") == null || !"function".equals(t.get("type").asString())) {
      throw new Inexpressible("a tool of type " + t.get("type"));
    }
    JsonObject f = object(t.get("function"), "function");
    only(f, Set.of("name", "description", "parameters", "strict"), "function");
    if (f.get("name") == null) {
      throw new Inexpressible("a function without a name");
    }
    return new FunctionTool(
        f.get("name").asString(),
        f.get("description") == null ? null : f.get("description").asString(),
        f.get("parameters"),
        f.get("strict") == null ? null : f.get("strict").asBoolean());
  }

  private static ResponseFormat responseFormat(JsonObject f) {
    JsonValue type = f.get("type");
    if (!(type instanceof JsonString t)) {
      throw new Inexpressible("response_format without a type");
    }
    switch (t.value()) {
      case "text":
        return ResponseFormat.text();
      case "json_object":
        return ResponseFormat.jsonObject();
      case "json_schema":
        JsonObject s = object(f.get("json_schema"), "json_schema");
        if (s.get("name") == null || s.get("schema") == null) {
          throw new Inexpressible("json_schema without a name or a schema");
        }
        if (s.get("strict") != null && !(s.get("strict") instanceof JsonBoolean)) {
          throw new Inexpressible("json_schema.strict " + s.get("strict"));
        }
        return s.get("strict") == null
            ? ResponseFormat.jsonSchema(s.get("name").asString(), s.get("schema"))
            : ResponseFormat.jsonSchema(
                s.get("name").asString(), s.get("schema"), s.get("strict").asBoolean());
      default:
        throw new Inexpressible("response_format type " + t.value());
    }
  }

  private static String text(JsonValue content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content instanceof JsonString s) {
      return s.value();
    }
    throw new Inexpressible("content " + content);
  }

  private static List<JsonValue> array(JsonValue v, String what) {
    if (!(v instanceof JsonArray a)) {
      throw new Inexpressible(what + " that is not an array");
    }
    return a.values();
  }

  private static JsonObject object(JsonValue v, String what) {
    if (!(v instanceof JsonObject o)) {
      throw new Inexpressible(what + " that is not an object");
    }
    return o;
  }

  private static void only(JsonObject o, Set<String> names, String what) {
    for (String n : o.names()) {
      if (!names.contains(n)) {
        throw new Inexpressible(what + " with " + n);
      }
    }
  }
}
