package io.github.kimisdk.testing;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves {@code POST /v1/responses}, Kimi's stateless Responses API, in front of the
 * chat-completions fake: the Responses request is translated into a chat-completions request for
 * {@link FakeModel} and the server's responder (instructions and system or developer items become
 * system messages, consecutive reasoning, assistant message and function call items one assistant
 * message, function call outputs tool messages), and every 2xx answer written in the
 * chat-completions shape is translated back: a completion into a response object, chunks into
 * Responses events. What Kimi refuses on this surface is refused here first ({@code store: true},
 * {@code previous_response_id}, {@code conversation}, {@code prompt_cache_breakpoint}, unknown item
 * types or roles, the tools it does not take: see {@code writeTools}); the rest is judged by the
 * model. Error envelopes, non-2xx bodies and bodies that are not chat-completions JSON (already
 * Responses-shaped, HTML, malformed) pass unchanged, so faults stay faults.
 */
final class ResponsesSurface implements FakeSurface {

  static final ResponsesSurface INSTANCE = new ResponsesSurface();

  private ResponsesSurface() {}

  @Override
  public WireProtocol protocol() {
    return WireProtocol.RESPONSES;
  }

  /** Claims {@code POST /v1/responses}. */
  @Override
  public boolean claims(RecordedRequest request) {
    return request.method().equals("POST") && FakeSurface.path(request).equals("/v1/responses");
  }

  /**
   * Answers a Responses call through the chat-completions request it stands for; what Kimi refuses
   * on this surface is refused before any responder sees the call.
   */
  @Override
  public FakeResponse answer(RecordedRequest request, FakeResponse given, Backend backend) {
    return translateResponse(
        FakeSurface.throughChat(request, given, backend, ResponsesSurface::translateRequest, true),
        request);
  }

  // ---- the request: Responses -> chat completions ----

  /**
   * Returns the chat-completions request the fake model answers, or an error response when the
   * request is unauthenticated or one Kimi refuses on this surface.
   */
  private static Object translateRequest(RecordedRequest request) {
    String auth = request.header("Authorization").orElse("");
    if (!auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
      return FakeModel.error(401, "invalid_authentication_error", "Invalid Authentication");
    }
    if (!(request.json() instanceof JsonObject body)) {
      return invalid("the body is not a JSON object");
    }
    if (body.get("store") instanceof JsonBoolean s && s.value()) {
      return invalid("store is not supported; send store: false");
    }
    if (present(body.get("previous_response_id"))) {
      return invalid(
          "previous_response_id is not supported: responses are not stored, send the whole"
              + " conversation in input");
    }
    if (present(body.get("prompt_cache_breakpoint"))) {
      return invalid("prompt_cache_breakpoint is not supported");
    }
    if (present(body.get("conversation"))) {
      return invalid(
          "conversation is not supported: responses are not stored, send the whole conversation"
              + " in input");
    }
    if (!(body.get("model") instanceof JsonString model) || model.value().isBlank()) {
      return invalid("model is required");
    }
    JsonValue input = body.get("input");
    if (!present(input)) {
      return invalid("input is required");
    }
    JsonWriter w = new JsonWriter();
    w.beginObject().name("model").value(model.value());
    w.name("messages").beginArray();
    JsonValue instructions = body.get("instructions");
    if (instructions instanceof JsonString s) {
      w.beginObject().name("role").value("system").name("content").value(s.value()).endObject();
    } else if (present(instructions)) {
      return invalid("instructions must be a string");
    }
    String problem = writeInput(w, input);
    if (problem != null) {
      return invalid(problem);
    }
    w.endArray();
    for (Map.Entry<String, JsonValue> member : body.members().entrySet()) {
      problem = writeField(w, member.getKey(), member.getValue());
      if (problem != null) {
        return invalid(problem);
      }
    }
    w.endObject();
    return new RecordedRequest(
        "POST",
        "/v1/chat/completions",
        request.headers(),
        w.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean present(JsonValue v) {
    return v != null && !(v instanceof JsonNull);
  }

  private static FakeResponse invalid(String problem) {
    return FakeModel.error(400, "invalid_request_error", "Invalid request: " + problem);
  }

  /** Writes one top-level field of the request, translated, passed on or dropped. */
  private static String writeField(JsonWriter w, String name, JsonValue value) {
    switch (name) {
      case "model", "input", "instructions", "store", "include", "previous_response_id" -> {
        // written above, checked above, or without meaning for a stateless chat request
      }
      case "conversation", "stream_options" -> {
        // conversation is null here; Responses' stream options (obfuscation) have no chat twin
      }
      case "stream" -> {
        w.name("stream").value(value);
        if (value instanceof JsonBoolean b && b.value()) {
          w.name("stream_options").beginObject().name("include_usage").value(true).endObject();
        }
      }
      case "max_output_tokens" -> w.name("max_completion_tokens").value(value);
      case "reasoning" -> {
        if (value instanceof JsonObject r && r.get("effort") instanceof JsonString e) {
          w.name("reasoning_effort").value(e.value());
        }
      }
      case "text" -> {
        if (value instanceof JsonObject t && t.get("format") instanceof JsonObject format) {
          writeFormat(w, format);
        }
      }
      case "tools" -> {
        return writeTools(w, value);
      }
      case "tool_choice" -> {
        return writeToolChoice(w, value);
      }
      default -> w.name(name).value(value);
    }
    return null;
  }

  private static void writeFormat(JsonWriter w, JsonObject format) {
    String type = format.get("type") instanceof JsonString t ? t.value() : "";
    switch (type) {
      case "text" -> {}
      case "json_object" -> {
        w.name("response_format").beginObject().name("type").value("json_object").endObject();
      }
      case "json_schema" -> {
        w.name("response_format").beginObject().name("type").value("json_schema");
        w.name("json_schema").beginObject();
        for (String field : List.of("name", "description", "schema", "strict")) {
          if (present(format.get(field))) {
            w.name(field).value(format.get(field));
          }
        }
        w.endObject().endObject();
      }
      default -> w.name("response_format").value(format); // the model judges it
    }
  }

  /**
   * Writes the function tools for the model, and judges the others as Kimi's Responses surface
   * does: {@code function}, {@code namespace} (a group of function tools, each offered to the model
   * by its own name), {@code custom} named {@code apply_patch} and the built-in {@code web_search}
   * are accepted; {@code defer_loading} anywhere, and {@code search_context_size} or {@code
   * blocked_domains} on a web search (or in its {@code filters}), are refused; {@code
   * user_location} is ignored. The fake runs no search and applies no patch: those two reach the
   * model as nothing.
   */
  private static String writeTools(JsonWriter w, JsonValue value) {
    if (!present(value)) {
      return null;
    }
    if (!(value instanceof JsonArray tools)) {
      return "tools must be an array";
    }
    List<JsonObject> functions = new ArrayList<>();
    int i = 0;
    for (JsonValue v : tools.values()) {
      String at = "tools." + i++;
      if (!(v instanceof JsonObject tool)) {
        return at + ": every tool must be an object";
      }
      String type = tool.get("type") instanceof JsonString t ? t.value() : "";
      if (present(tool.get("defer_loading"))) {
        return at + ": defer_loading is not supported";
      }
      switch (type) {
        case "function" -> functions.add(tool);
        case "namespace" -> {
          if (!(tool.get("tools") instanceof JsonArray inner)) {
            return at + ": a namespace needs its tools";
          }
          int k = 0;
          for (JsonValue f : inner.values()) {
            String in = at + ".tools." + k++;
            if (!(f instanceof JsonObject fn)
                || !(fn.get("type") instanceof JsonString ft)
                || !ft.value().equals("function")) {
              return in + ": a namespace holds function tools only";
            }
            if (present(fn.get("defer_loading"))) {
              return in + ": defer_loading is not supported";
            }
            functions.add(fn);
          }
        }
        case "custom" -> {
          String name = tool.get("name") instanceof JsonString n ? n.value() : "";
          if (!name.equals("apply_patch")) {
            return at + ": custom tool \"" + name + "\" is not supported; only apply_patch is";
          }
        }
        case "web_search" -> {
          JsonObject filters = tool.get("filters") instanceof JsonObject f ? f : JsonObject.of();
          for (String field : List.of("search_context_size", "blocked_domains")) {
            if (present(tool.get(field)) || present(filters.get(field))) {
              return at + ": " + field + " is not supported";
            }
          }
        }
        default -> {
          return at + ": tool type \"" + (type.isEmpty() ? "(none)" : type) + "\" is not supported";
        }
      }
    }
    if (!functions.isEmpty()) { // a request whose only tools the fake cannot run declares none
      w.name("tools").beginArray();
      for (JsonObject f : functions) {
        writeFunctionTool(w, f);
      }
      w.endArray();
    }
    return null;
  }

  private static void writeFunctionTool(JsonWriter w, JsonObject tool) {
    w.beginObject().name("type").value("function").name("function").beginObject();
    for (String field : List.of("name", "description", "parameters", "strict")) {
      if (present(tool.get(field))) {
        w.name(field).value(tool.get(field));
      }
    }
    w.endObject().endObject();
  }

  private static String writeToolChoice(JsonWriter w, JsonValue value) {
    if (value instanceof JsonString) {
      w.name("tool_choice").value(value);
    } else if (value instanceof JsonObject choice) {
      String type = choice.get("type") instanceof JsonString t ? t.value() : "";
      if (!type.equals("function")) {
        return "unsupported tool_choice type " + (type.isEmpty() ? "(none)" : type);
      }
      if (!(choice.get("name") instanceof JsonString name)) {
        return "a function tool_choice needs a name";
      }
      w.name("tool_choice").beginObject().name("type").value("function");
      w.name("function").beginObject().name("name").value(name.value());
      w.endObject().endObject();
    } else if (present(value)) {
      return "tool_choice must be a string or an object";
    }
    return null;
  }

  /** The assistant turn being gathered from consecutive reasoning, message and call items. */
  private static final class AssistantTurn {
    private final StringBuilder text = new StringBuilder();
    private StringBuilder reasoning;
    private final List<JsonObject> calls = new ArrayList<>();

    void write(JsonWriter w) {
      w.beginObject().name("role").value("assistant");
      w.name("content").value(text.toString()); // Kimi wants content, "" beside tool calls
      if (reasoning != null) {
        w.name("reasoning_content").value(reasoning.toString());
      }
      if (!calls.isEmpty()) {
        w.name("tool_calls").beginArray();
        for (JsonObject c : calls) {
          w.beginObject().name("id").value(c.get("call_id")).name("type").value("function");
          w.name("function").beginObject().name("name").value(c.get("name"));
          JsonValue args = c.get("arguments");
          w.name("arguments").value(args instanceof JsonString ? args : JsonString.of(""));
          w.endObject().endObject();
        }
        w.endArray();
      }
      w.endObject();
    }
  }

  private static String writeInput(JsonWriter w, JsonValue input) {
    if (input instanceof JsonString s) {
      w.beginObject().name("role").value("user").name("content").value(s.value()).endObject();
      return null;
    }
    if (!(input instanceof JsonArray items)) {
      return "input must be a string or an array of input items";
    }
    AssistantTurn turn = null;
    for (JsonValue v : items.values()) {
      if (!(v instanceof JsonObject item)) {
        return "every input item must be an object";
      }
      String role = item.get("role") instanceof JsonString r ? r.value() : null;
      String type =
          item.get("type") instanceof JsonString t ? t.value() : role != null ? "message" : null;
      if (type == null) {
        return "an input item needs a type";
      }
      boolean assistant =
          type.equals("reasoning")
              || type.equals("function_call")
              || (type.equals("message") && "assistant".equals(role));
      if (!assistant && turn != null) {
        turn.write(w);
        turn = null;
      } else if (assistant && turn == null) {
        turn = new AssistantTurn();
      }
      String problem =
          switch (type) {
            case "message" -> writeMessage(w, item, role, turn);
            case "reasoning" -> addReasoning(item, turn);
            case "function_call" -> addCall(item, turn);
            case "function_call_output" -> writeToolOutput(w, item);
            default -> "unsupported input item type " + type;
          };
      if (problem != null) {
        return problem;
      }
    }
    if (turn != null) {
      turn.write(w);
    }
    return null;
  }

  private static String writeMessage(
      JsonWriter w, JsonObject item, String role, AssistantTurn turn) {
    if (role == null) {
      return "a message item needs a role";
    }
    JsonValue content = item.get("content");
    switch (role) {
      case "system", "developer" -> {
        StringBuilder text = new StringBuilder();
        String problem = texts(content, List.of("input_text"), text, "a " + role + " message");
        if (problem != null) {
          return problem;
        }
        w.beginObject().name("role").value("system").name("content").value(text.toString());
        w.endObject();
        return null;
      }
      case "user" -> {
        w.beginObject().name("role").value("user").name("content");
        String problem = writeContent(w, content, "a user message");
        w.endObject();
        return problem;
      }
      case "assistant" -> {
        return texts(
            content,
            List.of("output_text", "input_text", "refusal"),
            turn.text,
            "an assistant" + " message");
      }
      default -> {
        return "unsupported role " + role + " in input";
      }
    }
  }

  /** Appends the text of a string content or of its parts of the given types. */
  private static String texts(JsonValue content, List<String> types, StringBuilder to, String of) {
    if (content instanceof JsonString s) {
      to.append(s.value());
      return null;
    }
    if (!(content instanceof JsonArray parts)) {
      return of + " needs content, a string or an array of parts";
    }
    for (JsonValue v : parts.values()) {
      String type =
          v instanceof JsonObject p && p.get("type") instanceof JsonString t ? t.value() : "";
      if (!types.contains(type)) {
        return "unsupported content part type " + (type.isEmpty() ? "(none)" : type) + " in " + of;
      }
      JsonValue text = v.asObject().get(type.equals("refusal") ? "refusal" : "text");
      if (text instanceof JsonString s) {
        to.append(s.value());
      }
    }
    return null;
  }

  /** Writes a user or tool content: a string, or chat parts for text and image parts. */
  private static String writeContent(JsonWriter w, JsonValue content, String of) {
    if (content instanceof JsonString s) {
      w.value(s.value());
      return null;
    }
    if (!(content instanceof JsonArray parts)) {
      w.nullValue();
      return of + " needs content, a string or an array of parts";
    }
    w.beginArray();
    String problem = null;
    for (JsonValue v : parts.values()) {
      String type =
          v instanceof JsonObject p && p.get("type") instanceof JsonString t ? t.value() : "";
      JsonObject part = v instanceof JsonObject p ? p : JsonObject.of();
      if (type.equals("input_text") && part.get("text") instanceof JsonString text) {
        w.beginObject().name("type").value("text").name("text").value(text.value()).endObject();
      } else if (type.equals("input_image") && part.get("image_url") instanceof JsonString url) {
        w.beginObject().name("type").value("image_url").name("image_url").beginObject();
        w.name("url").value(url.value()).endObject().endObject();
      } else if (type.equals("input_text") || type.equals("input_image")) {
        problem =
            "an "
                + type
                + " part needs "
                + (type.equals("input_text") ? "a text" : "an image_url")
                + " in "
                + of;
        break;
      } else {
        problem =
            "unsupported content part type " + (type.isEmpty() ? "(none)" : type) + " in " + of;
        break;
      }
    }
    w.endArray();
    return problem;
  }

  private static String addReasoning(JsonObject item, AssistantTurn turn) {
    // the full reasoning when the item carries it, else its summary
    StringBuilder text = new StringBuilder();
    if (item.get("content") instanceof JsonArray content && !content.isEmpty()) {
      String problem = texts(content, List.of("reasoning_text"), text, "a reasoning item");
      if (problem != null) {
        return problem;
      }
    } else if (item.get("summary") instanceof JsonArray summary) {
      String problem = texts(summary, List.of("summary_text"), text, "a reasoning item");
      if (problem != null) {
        return problem;
      }
    }
    if (turn.reasoning == null) {
      turn.reasoning = new StringBuilder();
    }
    turn.reasoning.append(text);
    return null;
  }

  private static String addCall(JsonObject item, AssistantTurn turn) {
    if (!(item.get("call_id") instanceof JsonString) || !(item.get("name") instanceof JsonString)) {
      return "a function_call item needs a call_id and a name";
    }
    turn.calls.add(item);
    return null;
  }

  private static String writeToolOutput(JsonWriter w, JsonObject item) {
    if (!(item.get("call_id") instanceof JsonString id)) {
      return "a function_call_output item needs a call_id";
    }
    w.beginObject().name("role").value("tool").name("tool_call_id").value(id.value());
    w.name("content");
    String problem = writeContent(w, item.get("output"), "a function_call_output item");
    w.endObject();
    return problem;
  }

  // ---- the answer: chat completions -> Responses ----

  /**
   * Translates a chat-completions answer to {@code request} (the Responses request as sent) into
   * the Responses shape; anything else is returned unchanged.
   */
  private static FakeResponse translateResponse(FakeResponse response, RecordedRequest request) {
    if (response.status() < 200 || response.status() > 299) {
      return response;
    }
    JsonObject asked = request.json() instanceof JsonObject o ? o : JsonObject.of();
    List<FakeResponse.Part> parts = response.parts();
    if (!response.streamed()) {
      return FakeSurface.translateBody(response, body -> translateJson(body, asked));
    }
    return response.withParts(new StreamTranslator(asked).translate(parts));
  }

  /** Translates a completion, or returns null when the body is not a chat completion. */
  private static String translateJson(String body, JsonObject asked) {
    JsonObject o;
    try {
      o = Json.parse(body).asObject();
    } catch (RuntimeException notJson) {
      return null;
    }
    if (!(o.get("choices") instanceof JsonArray choices)
        || choices.isEmpty()
        || !(choices.get(0).asObject().get("message") instanceof JsonObject message)) {
      return null; // an error envelope, or not chat completions at all
    }
    String base = base(o.get("id"));
    List<Item> items = new ArrayList<>();
    if (message.get("reasoning_content") instanceof JsonString r) {
      Item item = new Item(Item.REASONING, base, items.size());
      item.text.append(r.value());
      items.add(item);
    }
    if (message.get("content") instanceof JsonString c && !c.value().isEmpty()) {
      Item item = new Item(Item.MESSAGE, base, items.size());
      item.text.append(c.value());
      items.add(item);
    }
    if (message.get("tool_calls") instanceof JsonArray calls) {
      for (JsonValue v : calls.values()) {
        JsonObject call = v.asObject();
        JsonObject f = call.get("function").asObject();
        Item item = new Item(Item.CALL, base, items.size());
        item.callId = call.get("id") instanceof JsonString id ? id.value() : "";
        item.name = f.get("name") instanceof JsonString n ? n.value() : "";
        if (f.get("arguments") instanceof JsonString a) {
          item.text.append(a.value());
        }
        items.add(item);
      }
    }
    JsonValue finish = choices.get(0).asObject().get("finish_reason");
    JsonWriter w = new JsonWriter();
    writeResponse(
        w,
        asked,
        "resp_" + base,
        o.get("created") instanceof JsonNumber n ? n.longValue() : 0,
        model(o, asked),
        finish instanceof JsonString f ? f.value() : null,
        items,
        o.get("usage") instanceof JsonObject u ? u : null,
        true);
    return w.toString();
  }

  private static String base(JsonValue chatId) {
    String id = chatId instanceof JsonString s ? s.value() : "";
    for (String prefix : List.of("chatcmpl-", "cmpl-")) {
      if (id.startsWith(prefix)) {
        return id.substring(prefix.length());
      }
    }
    return id.isEmpty() ? "fake" : id;
  }

  private static String model(JsonObject chat, JsonObject asked) {
    if (chat.get("model") instanceof JsonString m) {
      return m.value();
    }
    return asked.get("model") instanceof JsonString m ? m.value() : "";
  }

  /** The incomplete reason of a finish reason, or null when the response completed. */
  private static String incompleteReason(String finish) {
    if (finish == null) {
      return null;
    }
    return switch (finish) {
      case "length" -> "max_output_tokens";
      case "content_filter" -> "content_filter";
      default -> null;
    };
  }

  /** Writes a response object: whole when {@code done}, else one in progress. */
  private static void writeResponse(
      JsonWriter w,
      JsonObject asked,
      String id,
      long created,
      String model,
      String finish,
      List<Item> items,
      JsonObject usage,
      boolean done) {
    String incomplete = incompleteReason(finish);
    w.beginObject().name("id").value(id).name("object").value("response");
    w.name("created_at").value(created);
    w.name("status").value(!done ? "in_progress" : incomplete != null ? "incomplete" : "completed");
    w.name("model").value(model);
    w.name("output").beginArray();
    for (Item item : items) {
      item.write(w, true);
    }
    w.endArray();
    w.name("incomplete_details");
    if (incomplete == null) {
      w.nullValue();
    } else {
      w.beginObject().name("reason").value(incomplete).endObject();
    }
    w.name("error").nullValue();
    // the request's settings, as OpenAI's responses echo them
    w.name("instructions").value(echo(asked, "instructions", JsonNull.INSTANCE));
    w.name("max_output_tokens").value(echo(asked, "max_output_tokens", JsonNull.INSTANCE));
    w.name("metadata").value(echo(asked, "metadata", JsonObject.of()));
    w.name("parallel_tool_calls").value(echo(asked, "parallel_tool_calls", JsonBoolean.TRUE));
    w.name("previous_response_id").nullValue();
    if (asked.get("reasoning") instanceof JsonObject reasoning) {
      w.name("reasoning").value(reasoning);
    }
    w.name("store").value(false);
    w.name("temperature").value(echo(asked, "temperature", JsonNull.INSTANCE));
    w.name("text").value(echo(asked, "text", Json.parse("{\"format\":{\"type\":\"text\"}}")));
    w.name("tool_choice").value(echo(asked, "tool_choice", JsonString.of("auto")));
    w.name("tools").value(echo(asked, "tools", JsonArray.of()));
    w.name("top_p").value(echo(asked, "top_p", JsonNull.INSTANCE));
    w.name("truncation").value(echo(asked, "truncation", JsonString.of("disabled")));
    w.name("usage");
    if (usage == null) {
      w.nullValue();
    } else {
      writeUsage(w, usage);
    }
    if (asked.get("user") instanceof JsonString user) {
      w.name("user").value(user.value());
    }
    w.endObject();
  }

  private static JsonValue echo(JsonObject asked, String name, JsonValue otherwise) {
    JsonValue v = asked.get(name);
    return present(v) ? v : otherwise;
  }

  private static long number(JsonObject o, String name) {
    return o != null && o.get(name) instanceof JsonNumber n ? n.longValue() : -1;
  }

  private static void writeUsage(JsonWriter w, JsonObject u) {
    long prompt = Math.max(0, number(u, "prompt_tokens"));
    long out = Math.max(0, number(u, "completion_tokens"));
    long total = number(u, "total_tokens");
    JsonObject promptDetails =
        u.get("prompt_tokens_details") instanceof JsonObject d ? d : JsonObject.of();
    JsonObject outDetails =
        u.get("completion_tokens_details") instanceof JsonObject d ? d : JsonObject.of();
    long cached = number(u, "cached_tokens");
    if (cached < 0) {
      cached = number(promptDetails, "cached_tokens");
    }
    long cacheWrite = number(promptDetails, "cache_write_tokens");
    if (cacheWrite < 0) {
      cacheWrite = number(u, "cache_creation_input_tokens");
    }
    w.beginObject().name("input_tokens").value(prompt);
    w.name("input_tokens_details").beginObject().name("cached_tokens").value(Math.max(0, cached));
    // OpenAI's usage names cache writes too; Kimi reports none unless a gateway counts them
    w.name("cache_write_tokens").value(Math.max(0, cacheWrite)).endObject();
    w.name("output_tokens").value(out);
    w.name("output_tokens_details").beginObject();
    w.name("reasoning_tokens").value(Math.max(0, number(outDetails, "reasoning_tokens")));
    w.endObject();
    w.name("total_tokens").value(total >= 0 ? total : prompt + out);
    w.endObject();
  }

  /** One output item: a reasoning item, an assistant message or a function call. */
  private static final class Item {
    static final String REASONING = "reasoning";
    static final String MESSAGE = "message";
    static final String CALL = "function_call";

    final String kind;
    final String id;
    final int index;
    final StringBuilder text = new StringBuilder(); // reasoning, message text or arguments
    String callId = "";
    String name = "";

    Item(String kind, String base, int index) {
      this.kind = kind;
      this.index = index;
      String prefix =
          switch (kind) {
            case REASONING -> "rs_";
            case MESSAGE -> "msg_";
            default -> "fc_";
          };
      this.id = prefix + base + "_" + index;
    }

    /** Writes the item, whole when {@code done}, else as it is announced: empty. */
    void write(JsonWriter w, boolean done) {
      w.beginObject().name("type").value(kind).name("id").value(id);
      switch (kind) {
        case REASONING -> {
          w.name("summary").beginArray();
          if (done) {
            writeSummaryPart(w, text.toString());
          }
          w.endArray();
        }
        case MESSAGE -> {
          w.name("status").value(done ? "completed" : "in_progress");
          w.name("role").value("assistant").name("content").beginArray();
          if (done) {
            writeTextPart(w, text.toString());
          }
          w.endArray();
        }
        default -> {
          w.name("call_id").value(callId).name("name").value(name);
          w.name("arguments").value(done ? text.toString() : "");
          w.name("status").value(done ? "completed" : "in_progress");
        }
      }
      w.endObject();
    }
  }

  private static void writeSummaryPart(JsonWriter w, String text) {
    w.beginObject().name("type").value("summary_text").name("text").value(text).endObject();
  }

  private static void writeTextPart(JsonWriter w, String text) {
    w.beginObject().name("type").value("output_text").name("text").value(text);
    w.name("annotations").beginArray().endArray().endObject();
  }

  /** Turns chat-completions SSE text into Responses events, one event at a time. */
  private static final class StreamTranslator extends SseTranslator {
    private final JsonObject asked;
    private int sequence;
    private boolean started;
    private boolean stopped;
    private String id;
    private long created;
    private String model;
    private String base;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Item> calls = new HashMap<>();
    private Item open;
    private String finish;
    private JsonObject usage;

    StreamTranslator(JsonObject asked) {
      this.asked = asked;
    }

    /**
     * The last event of a chat stream that finished its choice but sent no {@code [DONE]}; empty
     * when it sent one, failed or never finished.
     */
    @Override
    String end(boolean dropped) {
      StringBuilder out = new StringBuilder();
      // a chat stream is whole once its choice finished, [DONE] or not: so is the response
      if (!dropped && started && !stopped && finish != null) {
        finish(out);
      }
      return out.toString();
    }

    @Override
    void translate(String event, StringBuilder out) {
      String data = data(event);
      boolean named = hasLine(event, "event:"); // chat completions name no events: already native
      String payload = data == null ? null : data.strip();
      if (named || payload == null) {
        out.append(event);
        return;
      }
      if (payload.equals("[DONE]")) {
        if (!started) {
          out.append(event);
        } else if (!stopped) {
          finish(out);
        }
        return;
      }
      if (stopped) {
        out.append(event);
        return;
      }
      JsonObject o;
      try {
        o = Json.parse(payload).asObject();
      } catch (RuntimeException malformed) {
        out.append(event);
        return;
      }
      if (o.get("error") instanceof JsonObject e && o.get("choices") == null) {
        JsonWriter w = event("error");
        JsonValue code = e.get("code") instanceof JsonString c ? c : e.get("type");
        w.name("code").value(code instanceof JsonString c ? c : JsonNull.INSTANCE);
        w.name("message").value(e.get("message") instanceof JsonString m ? m.value() : "");
        w.name("param").nullValue();
        emit(out, "error", w);
        started = true;
        stopped = true; // the stream failed: nothing completes it
        return;
      }
      boolean chunk =
          o.get("choices") instanceof JsonArray
              || o.get("usage") instanceof JsonObject
              || (o.get("object") instanceof JsonString t
                  && t.value().equals("chat.completion.chunk"));
      if (!chunk) {
        out.append(event); // already a Responses event, or some other JSON
        return;
      }
      if (!started) {
        start(o, out);
      }
      if (o.get("usage") instanceof JsonObject u) {
        usage = u;
      }
      if (!(o.get("choices") instanceof JsonArray choices)) {
        return;
      }
      for (JsonValue v : choices.values()) {
        if (v instanceof JsonObject choice
            && (!(choice.get("index") instanceof JsonNumber n) || n.intValue() == 0)) {
          choice(choice, out);
        }
      }
    }

    private void start(JsonObject chunk, StringBuilder out) {
      started = true;
      base = base(chunk.get("id"));
      id = "resp_" + base;
      created = chunk.get("created") instanceof JsonNumber n ? n.longValue() : 0;
      model = model(chunk, asked);
      for (String type : List.of("response.created", "response.in_progress")) {
        JsonWriter w = event(type).name("response");
        writeResponse(w, asked, id, created, model, null, List.of(), null, false);
        emit(out, type, w);
      }
    }

    private void choice(JsonObject choice, StringBuilder out) {
      if (choice.get("usage") instanceof JsonObject u) {
        usage = u;
      }
      if (choice.get("finish_reason") instanceof JsonString f) {
        finish = f.value();
      }
      if (!(choice.get("delta") instanceof JsonObject delta)) {
        return;
      }
      if (delta.get("reasoning_content") instanceof JsonString r && !r.value().isEmpty()) {
        if (open == null || !open.kind.equals(Item.REASONING)) {
          Item item = openItem(Item.REASONING, out);
          JsonWriter w = event("response.reasoning_summary_part.added");
          itemFields(w, item).name("summary_index").value(0).name("part");
          writeSummaryPart(w, "");
          emit(out, "response.reasoning_summary_part.added", w);
        }
        open.text.append(r.value());
        JsonWriter w = event("response.reasoning_summary_text.delta");
        itemFields(w, open).name("summary_index").value(0).name("delta").value(r.value());
        emit(out, "response.reasoning_summary_text.delta", w);
      }
      if (delta.get("content") instanceof JsonString c && !c.value().isEmpty()) {
        if (open == null || !open.kind.equals(Item.MESSAGE)) {
          Item item = openItem(Item.MESSAGE, out);
          JsonWriter w = event("response.content_part.added");
          itemFields(w, item).name("content_index").value(0).name("part");
          writeTextPart(w, "");
          emit(out, "response.content_part.added", w);
        }
        open.text.append(c.value());
        JsonWriter w = event("response.output_text.delta");
        itemFields(w, open).name("content_index").value(0).name("delta").value(c.value());
        w.name("logprobs").beginArray().endArray();
        emit(out, "response.output_text.delta", w);
      }
      if (delta.get("tool_calls") instanceof JsonArray toolCalls) {
        for (JsonValue v : toolCalls.values()) {
          toolCall(v.asObject(), out);
        }
      }
    }

    private void toolCall(JsonObject call, StringBuilder out) {
      int index = call.get("index") instanceof JsonNumber n ? n.intValue() : 0;
      JsonObject f = call.get("function") instanceof JsonObject fn ? fn : JsonObject.of();
      Item item = calls.get(index);
      if (item == null) {
        close(out);
        item = new Item(Item.CALL, base, items.size());
        item.callId =
            call.get("id") instanceof JsonString s && !s.value().isBlank()
                ? s.value()
                : "call_" + index;
        item.name = f.get("name") instanceof JsonString s ? s.value() : "";
        items.add(item);
        calls.put(index, item);
        open = item;
        JsonWriter w = event("response.output_item.added");
        w.name("output_index").value(item.index).name("item");
        item.write(w, false);
        emit(out, "response.output_item.added", w);
      } else if (item.name.isEmpty() && f.get("name") instanceof JsonString s) {
        item.name = s.value();
      }
      if (f.get("arguments") instanceof JsonString a && !a.value().isEmpty()) {
        item.text.append(a.value());
        if (item == open) {
          JsonWriter w = event("response.function_call_arguments.delta");
          itemFields(w, item).name("delta").value(a.value());
          emit(out, "response.function_call_arguments.delta", w);
        }
      }
    }

    private Item openItem(String kind, StringBuilder out) {
      close(out);
      Item item = new Item(kind, base, items.size());
      items.add(item);
      open = item;
      JsonWriter w = event("response.output_item.added");
      w.name("output_index").value(item.index).name("item");
      item.write(w, false);
      emit(out, "response.output_item.added", w);
      return item;
    }

    private void close(StringBuilder out) {
      Item item = open;
      if (item == null) {
        return;
      }
      open = null;
      String text = item.text.toString();
      switch (item.kind) {
        case Item.REASONING -> {
          JsonWriter w = event("response.reasoning_summary_text.done");
          itemFields(w, item).name("summary_index").value(0).name("text").value(text);
          emit(out, "response.reasoning_summary_text.done", w);
          w = event("response.reasoning_summary_part.done");
          itemFields(w, item).name("summary_index").value(0).name("part");
          writeSummaryPart(w, text);
          emit(out, "response.reasoning_summary_part.done", w);
        }
        case Item.MESSAGE -> {
          JsonWriter w = event("response.output_text.done");
          itemFields(w, item).name("content_index").value(0).name("text").value(text);
          w.name("logprobs").beginArray().endArray();
          emit(out, "response.output_text.done", w);
          w = event("response.content_part.done");
          itemFields(w, item).name("content_index").value(0).name("part");
          writeTextPart(w, text);
          emit(out, "response.content_part.done", w);
        }
        default -> {
          JsonWriter w = event("response.function_call_arguments.done");
          itemFields(w, item).name("name").value(item.name).name("arguments").value(text);
          emit(out, "response.function_call_arguments.done", w);
        }
      }
      JsonWriter w = event("response.output_item.done");
      w.name("output_index").value(item.index).name("item");
      item.write(w, true);
      emit(out, "response.output_item.done", w);
    }

    private void finish(StringBuilder out) {
      close(out);
      String type = incompleteReason(finish) == null ? "response.completed" : "response.incomplete";
      JsonWriter w = event(type).name("response");
      writeResponse(w, asked, id, created, model, finish, items, usage, true);
      emit(out, type, w);
      stopped = true;
    }

    private static JsonWriter itemFields(JsonWriter w, Item item) {
      return w.name("item_id").value(item.id).name("output_index").value(item.index);
    }

    private JsonWriter event(String type) {
      JsonWriter w = new JsonWriter();
      w.beginObject().name("type").value(type).name("sequence_number").value(sequence++);
      return w;
    }

    private static void emit(StringBuilder out, String type, JsonWriter w) {
      w.endObject();
      out.append("event: ").append(type).append("\ndata: ").append(w).append("\n\n");
    }
  }
}
