package io.github.kimisdk.testing;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves {@code POST /v1/messages} (and {@code /anthropic/v1/messages}) in front of the
 * chat-completions fake: the Anthropic request is translated into a chat-completions request for
 * {@link FakeModel} and the server's responder (a final assistant message, Anthropic's prefill,
 * becomes Kimi's {@code "partial": true} message), and every answer (the model's, a scripted one or
 * a responder's, all written in the chat-completions shape) is translated back into Messages
 * shapes: a completion into a message, chunks into Messages events, error envelopes into Anthropic
 * error envelopes. Bodies that are not chat-completions JSON (already Anthropic-shaped, HTML,
 * malformed) pass unchanged, so faults stay faults.
 */
final class MessagesSurface implements FakeSurface {

  static final MessagesSurface INSTANCE = new MessagesSurface();

  /** The path below which this surface answers every request: its base URL's path. */
  static final String BASE = "/anthropic";

  private MessagesSurface() {}

  @Override
  public WireProtocol protocol() {
    return WireProtocol.ANTHROPIC_MESSAGES;
  }

  /** Claims the Messages calls and every other path below {@code /anthropic}. */
  @Override
  public boolean claims(RecordedRequest request) {
    String path = request.path();
    return isCall(request)
        || path.equals(BASE)
        || path.startsWith(BASE + "/")
        || path.startsWith(BASE + "?");
  }

  /**
   * Answers a Messages call through the chat-completions request it stands for (the responder sees
   * the call as sent when it cannot be translated, a refusal included); any other path below {@code
   * /anthropic} is answered as sent, by default with an Anthropic-shaped 404.
   */
  @Override
  public FakeResponse answer(RecordedRequest request, FakeResponse given, Backend backend) {
    if (!isCall(request)) {
      return FakeSurface.asSent(
          request, given, backend, r -> error(404, "not_found_error", "Not Found: " + r.path()));
    }
    return translateResponse(
        FakeSurface.throughChat(
            request, given, backend, r -> translateRequest(r, backend.replaying()), false));
  }

  /** Tells whether the request is a Messages call. */
  private static boolean isCall(RecordedRequest request) {
    String path = FakeSurface.path(request);
    return request.method().equals("POST")
        && (path.equals("/v1/messages") || path.equals(BASE + "/v1/messages"));
  }

  /** Returns the fake signature of a reasoning text. */
  static String signature(String thinking) {
    long h = 1125899906842597L;
    for (int i = 0; i < thinking.length(); i++) {
      h = 31 * h + thinking.charAt(i);
    }
    return "fake-sig-" + Long.toHexString(h);
  }

  /**
   * Returns the chat-completions request the fake model answers, or an Anthropic error response
   * when the request is unauthenticated or malformed.
   */
  private static Object translateRequest(RecordedRequest request, boolean foreignSignatures) {
    String key = request.header("x-api-key").orElse("");
    if (key.isBlank()) {
      // newer Anthropic clients send the key as a bearer token, which Kimi's surface also takes
      String auth = request.header("Authorization").orElse("");
      key = auth.startsWith("Bearer ") ? auth.substring(7).strip() : "";
    }
    if (key.isBlank()) {
      return error(401, "authentication_error", "x-api-key header is required");
    }
    if (request.header("anthropic-version").isEmpty()) {
      return error(400, "invalid_request_error", "anthropic-version header is required");
    }
    if (!(request.json() instanceof JsonObject body)) {
      return error(400, "invalid_request_error", "the body is not a JSON object");
    }
    if (!(body.get("max_tokens") instanceof JsonNumber maxTokens)) {
      return error(400, "invalid_request_error", "max_tokens: Field required");
    }
    JsonWriter w = new JsonWriter();
    w.beginObject();
    if (body.get("model") != null) {
      w.name("model").value(body.get("model"));
    }
    w.name("max_completion_tokens").value(maxTokens);
    w.name("messages").beginArray();
    JsonValue system = body.get("system");
    if (system instanceof JsonString s) {
      w.beginObject().name("role").value("system").name("content").value(s.value()).endObject();
    } else if (system instanceof JsonArray a) {
      w.beginObject().name("role").value("system").name("content").value(text(a)).endObject();
    }
    Map<String, String> toolNames = new HashMap<>();
    if (body.get("messages") instanceof JsonArray messages) {
      List<JsonValue> all = messages.values();
      for (int i = 0; i < all.size(); i++) {
        JsonObject m = all.get(i).asObject();
        String role = m.get("role").asString();
        JsonValue content = m.get("content");
        if (role.equals("assistant")) {
          // A final assistant message is Anthropic's prefill: Kimi's partial mode.
          String problem =
              writeAssistant(w, content, toolNames, i == all.size() - 1, foreignSignatures);
          if (problem != null) {
            return error(400, "invalid_request_error", problem);
          }
        } else {
          writeUser(w, content, toolNames);
        }
      }
    }
    w.endArray();
    copy(body, w, "temperature", "temperature");
    copy(body, w, "top_p", "top_p");
    copy(body, w, "stop_sequences", "stop");
    if (body.get("stream") instanceof JsonBoolean b && b.value()) {
      w.name("stream").value(true);
      w.name("stream_options").beginObject().name("include_usage").value(true).endObject();
    }
    if (body.get("tools") instanceof JsonArray tools) {
      w.name("tools").beginArray();
      for (JsonValue t : tools.values()) {
        JsonObject tool = t.asObject();
        w.beginObject().name("type").value("function").name("function").beginObject();
        w.name("name").value(tool.get("name"));
        if (tool.get("description") != null) {
          w.name("description").value(tool.get("description"));
        }
        if (tool.get("input_schema") != null) {
          w.name("parameters").value(tool.get("input_schema"));
        }
        w.endObject().endObject();
      }
      w.endArray();
    }
    if (body.get("tool_choice") instanceof JsonObject choice) {
      String type = choice.get("type").asString();
      w.name("tool_choice");
      switch (type) {
        case "any" -> w.value("required");
        case "tool" -> {
          w.beginObject().name("type").value("function").name("function").beginObject();
          w.name("name").value(choice.get("name")).endObject().endObject();
        }
        default -> w.value(type);
      }
    }
    String effort =
        body.get("output_config") instanceof JsonObject oc
                && oc.get("effort") instanceof JsonString e
            ? e.value()
            : null;
    if (body.get("thinking") instanceof JsonObject thinking) {
      // Kimi's Messages endpoints take "adaptive" as thinking on; a budget has no chat equivalent
      String type =
          thinking.get("type") instanceof JsonString t && t.value().equals("disabled")
              ? "disabled"
              : "enabled";
      w.name("thinking").beginObject().name("type").value(type);
      if (effort != null) {
        w.name("effort").value(effort);
      }
      w.endObject();
    } else if (effort != null) {
      w.name("reasoning_effort").value(effort);
    }
    w.endObject();
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    headers.put("Authorization", List.of("Bearer " + key));
    return new RecordedRequest(
        "POST", "/v1/chat/completions", headers, w.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void writeUser(JsonWriter w, JsonValue content, Map<String, String> toolNames) {
    if (content instanceof JsonString s) {
      w.beginObject().name("role").value("user").name("content").value(s.value()).endObject();
      return;
    }
    List<JsonObject> parts = new ArrayList<>();
    for (JsonValue v : content.asArray().values()) {
      JsonObject block = v.asObject();
      String type = block.get("type").asString();
      if (type.equals("tool_result")) {
        String id = block.get("tool_use_id").asString();
        JsonValue c = block.get("content");
        String text = c instanceof JsonArray a ? text(a) : c == null ? "" : c.asString();
        w.beginObject().name("role").value("tool").name("tool_call_id").value(id);
        w.name("name").value(toolNames.getOrDefault(id, "unknown"));
        w.name("content").value(text).endObject();
      } else {
        parts.add(block);
      }
    }
    if (parts.isEmpty()) {
      return;
    }
    w.beginObject().name("role").value("user").name("content").beginArray();
    for (JsonObject block : parts) {
      w.beginObject();
      if (block.get("type").asString().equals("image")) {
        JsonObject source = block.get("source").asObject();
        w.name("type").value("image_url").name("image_url").beginObject();
        w.name("url")
            .value(
                "data:"
                    + source.get("media_type").asString()
                    + ";base64,"
                    + source.get("data").asString());
        w.endObject();
      } else {
        w.name("type").value("text").name("text").value(block.get("text"));
      }
      w.endObject();
    }
    w.endArray().endObject();
  }

  /**
   * Writes an assistant message; {@code foreignSignatures}: its thinking was signed by the Kimi
   * that answered a recorded conversation, so the fake does not judge the signatures.
   */
  private static String writeAssistant(
      JsonWriter w,
      JsonValue content,
      Map<String, String> toolNames,
      boolean last,
      boolean foreignSignatures) {
    w.beginObject().name("role").value("assistant");
    if (content instanceof JsonString s) {
      w.name("content").value(s.value());
      if (last) {
        w.name("partial").value(true);
      }
      w.endObject();
      return null;
    }
    StringBuilder text = new StringBuilder();
    String reasoning = null;
    List<JsonObject> calls = new ArrayList<>();
    for (JsonValue v : content.asArray().values()) {
      JsonObject block = v.asObject();
      switch (block.get("type").asString()) {
        case "thinking" -> {
          String t = block.get("thinking").asString();
          // Kimi Code's K3 signs with an empty signature, or none, and takes either back
          if (!foreignSignatures
              && block.get("signature") instanceof JsonString sig
              && !sig.value().isEmpty()
              && !sig.value().equals(signature(t))) {
            return "messages: the signature of a thinking block does not match its thinking";
          }
          reasoning = reasoning == null ? t : reasoning + t;
        }
        case "text" -> text.append(block.get("text").asString());
        case "tool_use" -> {
          calls.add(block);
          toolNames.put(block.get("id").asString(), block.get("name").asString());
        }
        default -> {}
      }
    }
    if (text.length() > 0) {
      w.name("content").value(text.toString());
    }
    if (reasoning != null) {
      w.name("reasoning_content").value(reasoning);
    }
    if (!calls.isEmpty()) {
      w.name("tool_calls").beginArray();
      for (JsonObject c : calls) {
        w.beginObject().name("id").value(c.get("id")).name("type").value("function");
        w.name("function").beginObject().name("name").value(c.get("name"));
        w.name("arguments").value(Json.write(c.get("input"))).endObject().endObject();
      }
      w.endArray();
    } else if (last) {
      w.name("partial").value(true);
    }
    w.endObject();
    return null;
  }

  private static String text(JsonArray blocks) {
    StringBuilder sb = new StringBuilder();
    for (JsonValue v : blocks.values()) {
      if (v instanceof JsonObject o && o.get("text") instanceof JsonString s) {
        sb.append(s.value());
      }
    }
    return sb.toString();
  }

  private static void copy(JsonObject from, JsonWriter w, String name, String as) {
    if (from.get(name) != null) {
      w.name(as).value(from.get(name));
    }
  }

  /** An Anthropic error response. */
  static FakeResponse error(int status, String type, String message) {
    return FakeResponse.error(status, errorBody(type, message));
  }

  private static String errorBody(String type, String message) {
    JsonWriter w = new JsonWriter();
    w.beginObject().name("type").value("error").name("error").beginObject();
    w.name("type").value(type).name("message").value(message);
    return w.endObject().endObject().toString();
  }

  /** Translates a chat-completions answer into the Messages shape. */
  private static FakeResponse translateResponse(FakeResponse response) {
    if (!response.streamed()) {
      return FakeSurface.translateBody(response, MessagesSurface::translateJson);
    }
    List<FakeResponse.Part> out =
        new StreamTranslator(lastUsage(response.parts())).translate(response.parts());
    return response.withParts(out);
  }

  /** Translates a JSON body, or returns null when it is not chat-completions JSON. */
  private static String translateJson(String body) {
    JsonObject o;
    try {
      o = Json.parse(body).asObject();
    } catch (RuntimeException notJson) {
      return null;
    }
    if (o.get("error") instanceof JsonObject e && o.get("choices") == null) {
      return errorBody(
          errorType(e.get("type") instanceof JsonString s ? s.value() : null),
          e.get("message") instanceof JsonString m ? m.value() : "");
    }
    if (!(o.get("choices") instanceof JsonArray choices) || choices.values().isEmpty()) {
      return null;
    }
    JsonObject choice = choices.get(0).asObject();
    JsonObject message = choice.get("message").asObject();
    JsonWriter w = new JsonWriter();
    w.beginObject().name("id").value(messageId(o.get("id"))).name("type").value("message");
    w.name("role").value("assistant");
    if (o.get("model") != null) {
      w.name("model").value(o.get("model"));
    }
    w.name("content").beginArray();
    if (message.get("reasoning_content") instanceof JsonString r) {
      w.beginObject().name("type").value("thinking").name("thinking").value(r.value());
      w.name("signature").value(signature(r.value())).endObject();
    }
    if (message.get("content") instanceof JsonString c && !c.value().isEmpty()) {
      w.beginObject().name("type").value("text").name("text").value(c.value()).endObject();
    }
    if (message.get("tool_calls") instanceof JsonArray calls) {
      for (JsonValue v : calls.values()) {
        JsonObject call = v.asObject();
        JsonObject f = call.get("function").asObject();
        w.beginObject().name("type").value("tool_use").name("id").value(call.get("id"));
        w.name("name").value(f.get("name"));
        String args = f.get("arguments") instanceof JsonString a ? a.value() : "";
        w.name("input").value(args.isBlank() ? JsonObject.of() : Json.parse(args));
        w.endObject();
      }
    }
    w.endArray();
    writeStopReason(w, choice.get("finish_reason"));
    w.name("stop_sequence").nullValue();
    if (o.get("usage") instanceof JsonObject u) {
      w.name("usage");
      writeUsage(w, u);
    }
    w.endObject();
    return w.toString();
  }

  /** Anthropic message ids start with {@code msg_}; the chat id's own part is kept. */
  static String messageId(JsonValue chatId) {
    String id = chatId instanceof JsonString s ? s.value() : "";
    if (id.startsWith("msg_")) {
      return id;
    }
    for (String prefix : List.of("chatcmpl-", "cmpl-")) {
      if (id.startsWith(prefix)) {
        return "msg_" + id.substring(prefix.length());
      }
    }
    return "msg_" + (id.isEmpty() ? "fake" : id);
  }

  /** The last usage a chat-completions stream carries, to report in {@code message_start}. */
  private static JsonObject lastUsage(List<FakeResponse.Part> parts) {
    StringBuilder all = new StringBuilder();
    for (FakeResponse.Part p : parts) {
      if (p.bytes() != FakeResponse.DROP) {
        all.append(new String(p.bytes(), StandardCharsets.UTF_8));
      }
    }
    JsonObject usage = null;
    for (String line : all.toString().replace("\r\n", "\n").split("\n")) {
      if (!line.startsWith("data:")) {
        continue;
      }
      try {
        JsonObject o = Json.parse(line.substring(5).strip()).asObject();
        if (o.get("usage") instanceof JsonObject u) {
          usage = u;
        }
        if (o.get("choices") instanceof JsonArray c
            && !c.isEmpty()
            && c.get(0) instanceof JsonObject choice
            && choice.get("usage") instanceof JsonObject u) {
          usage = u;
        }
      } catch (RuntimeException notJson) {
        // [DONE], comments and malformed payloads carry no usage
      }
    }
    return usage;
  }

  private static void writeUsage(JsonWriter w, JsonObject u) {
    long prompt = u.get("prompt_tokens") instanceof JsonNumber n ? n.longValue() : 0;
    long out = u.get("completion_tokens") instanceof JsonNumber n ? n.longValue() : 0;
    long cached = -1;
    if (u.get("cached_tokens") instanceof JsonNumber n) {
      cached = n.longValue();
    } else if (u.get("prompt_tokens_details") instanceof JsonObject d
        && d.get("cached_tokens") instanceof JsonNumber n) {
      cached = n.longValue();
    }
    w.beginObject();
    w.name("input_tokens").value(prompt - Math.max(0, cached));
    if (cached >= 0) {
      w.name("cache_read_input_tokens").value(cached);
    }
    w.name("output_tokens").value(out);
    w.endObject();
  }

  private static void writeStopReason(JsonWriter w, JsonValue finish) {
    w.name("stop_reason");
    if (finish instanceof JsonString s) {
      w.value(stopReason(s.value()));
    } else {
      w.nullValue();
    }
  }

  private static String stopReason(String finish) {
    return switch (finish) {
      case "stop" -> "end_turn";
      case "length" -> "max_tokens";
      case "tool_calls" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> finish;
    };
  }

  /** Maps Kimi's error types onto Anthropic's; Kimi-only ones pass unchanged. */
  static String errorType(String kimi) {
    if (kimi == null) {
      return "api_error";
    }
    return switch (kimi) {
      case "invalid_authentication_error", "incorrect_api_key_error" -> "authentication_error";
      case "permission_denied_error" -> "permission_error";
      case "resource_not_found_error" -> "not_found_error";
      case "rate_limit_reached_error" -> "rate_limit_error";
      case "engine_overloaded_error" -> "overloaded_error";
      case "server_error" -> "api_error";
      default -> kimi;
    };
  }

  /** Turns chat-completions SSE text into Messages events, one event at a time. */
  private static final class StreamTranslator extends SseTranslator {
    private boolean started;
    private boolean stopped;
    private int nextBlock;
    private String openType;
    private String thinking;
    private final Map<Integer, Integer> blockOfTool = new HashMap<>();
    private String finish;
    private JsonObject usage;
    private final JsonObject expected;

    /** Starts a stream whose {@code message_start} reports {@code expected} (null: zeros). */
    StreamTranslator(JsonObject expected) {
      this.expected = expected;
    }

    /**
     * The end of a stream that finished without {@code [DONE]}: its {@code message_delta} with the
     * stop reason and usage, and no {@code message_stop}, as some servers end a Messages stream;
     * empty when the stream ended otherwise.
     */
    @Override
    String end(boolean dropped) {
      if (!started || stopped || finish == null) {
        return "";
      }
      StringBuilder out = new StringBuilder();
      finish(out);
      int stop = out.lastIndexOf("event: message_stop");
      return out.substring(0, stop);
    }

    @Override
    void translate(String event, StringBuilder out) {
      String data = data(event);
      boolean comment = hasLine(event, ":");
      if (data == null || stopped) {
        if (comment || stopped) {
          out.append(event);
        }
        return;
      }
      String payload = data.strip();
      if (payload.equals("[DONE]")) {
        finish(out);
        return;
      }
      JsonObject o;
      try {
        o = Json.parse(payload).asObject();
      } catch (RuntimeException malformed) {
        out.append(event);
        return;
      }
      if (o.get("choices") == null && o.get("type") instanceof JsonString) {
        out.append(event); // already a Messages event
        return;
      }
      if (o.get("error") instanceof JsonObject e && o.get("choices") == null) {
        emit(
            out,
            "error",
            errorBody(
                errorType(e.get("type") instanceof JsonString s ? s.value() : null),
                e.get("message") instanceof JsonString m ? m.value() : ""));
        return;
      }
      if (!started) {
        started = true;
        JsonWriter w = new JsonWriter();
        w.beginObject().name("type").value("message_start").name("message").beginObject();
        w.name("id").value(messageId(o.get("id")));
        w.name("type").value("message").name("role").value("assistant");
        if (o.get("model") != null) {
          w.name("model").value(o.get("model"));
        }
        w.name("content").beginArray().endArray();
        w.name("stop_reason").nullValue().name("stop_sequence").nullValue();
        // As Anthropic does: the input is known at the start, the output only counts up from 1.
        w.name("usage");
        if (expected != null) {
          JsonObject.Builder start = JsonObject.builder();
          expected.members().forEach(start::put);
          start.put("completion_tokens", JsonNumber.of(1));
          writeUsage(w, start.build());
        } else {
          w.beginObject().name("input_tokens").value(0).name("output_tokens").value(0).endObject();
        }
        w.endObject().endObject();
        emit(out, "message_start", w.toString());
      }
      if (o.get("usage") instanceof JsonObject u) {
        usage = u;
      }
      if (!(o.get("choices") instanceof JsonArray choices) || choices.values().isEmpty()) {
        return;
      }
      JsonObject choice = choices.get(0).asObject();
      if (choice.get("usage") instanceof JsonObject u) {
        usage = u;
      }
      if (choice.get("finish_reason") instanceof JsonString f) {
        finish = f.value();
      }
      if (!(choice.get("delta") instanceof JsonObject delta)) {
        return;
      }
      if (delta.get("reasoning_content") instanceof JsonString r) {
        if (!"thinking".equals(openType)) {
          open(out, "thinking", "{\"type\":\"thinking\",\"thinking\":\"\"}");
          thinking = "";
        }
        if (!r.value().isEmpty()) {
          thinking += r.value();
          blockDelta(out, "thinking_delta", "thinking", r.value());
        }
      }
      if (delta.get("content") instanceof JsonString c && !c.value().isEmpty()) {
        if (!"text".equals(openType)) {
          open(out, "text", "{\"type\":\"text\",\"text\":\"\"}");
        }
        blockDelta(out, "text_delta", "text", c.value());
      }
      if (delta.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue v : calls.values()) {
          JsonObject call = v.asObject();
          int index = call.get("index") instanceof JsonNumber n ? n.intValue() : 0;
          JsonObject f = call.get("function") instanceof JsonObject fn ? fn : JsonObject.of();
          if (call.get("id") instanceof JsonString id) {
            JsonWriter w = new JsonWriter();
            w.beginObject().name("type").value("tool_use").name("id").value(id.value());
            w.name("name").value(f.get("name") == null ? JsonString.of("") : f.get("name"));
            w.name("input").beginObject().endObject().endObject();
            open(out, "tool_use", w.toString());
            blockOfTool.put(index, nextBlock - 1);
          }
          if (f.get("arguments") instanceof JsonString a && !a.value().isEmpty()) {
            Integer block = blockOfTool.get(index);
            JsonWriter w = new JsonWriter();
            w.beginObject().name("type").value("content_block_delta");
            w.name("index").value(block == null ? nextBlock - 1 : block);
            w.name("delta").beginObject().name("type").value("input_json_delta");
            w.name("partial_json").value(a.value()).endObject().endObject();
            emit(out, "content_block_delta", w.toString());
          }
        }
      }
    }

    private void open(StringBuilder out, String type, String block) {
      close(out);
      openType = type;
      emit(
          out,
          "content_block_start",
          "{\"type\":\"content_block_start\",\"index\":"
              + nextBlock
              + ",\"content_block\":"
              + block
              + "}");
      nextBlock++;
    }

    private void close(StringBuilder out) {
      if (openType == null) {
        return;
      }
      int index = nextBlock - 1;
      if (openType.equals("thinking")) {
        JsonWriter w = new JsonWriter();
        w.beginObject().name("type").value("content_block_delta").name("index").value(index);
        w.name("delta").beginObject().name("type").value("signature_delta");
        w.name("signature").value(signature(thinking)).endObject().endObject();
        emit(out, "content_block_delta", w.toString());
      }
      emit(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
      openType = null;
    }

    private void blockDelta(StringBuilder out, String type, String field, String value) {
      JsonWriter w = new JsonWriter();
      w.beginObject().name("type").value("content_block_delta").name("index").value(nextBlock - 1);
      w.name("delta").beginObject().name("type").value(type).name(field).value(value);
      w.endObject().endObject();
      emit(out, "content_block_delta", w.toString());
    }

    private void finish(StringBuilder out) {
      close(out);
      JsonWriter w = new JsonWriter();
      w.beginObject().name("type").value("message_delta").name("delta").beginObject();
      writeStopReason(w, finish == null ? null : JsonString.of(finish));
      w.name("stop_sequence").nullValue().endObject();
      if (usage != null) {
        w.name("usage");
        writeUsage(w, usage);
      }
      w.endObject();
      emit(out, "message_delta", w.toString());
      emit(out, "message_stop", "{\"type\":\"message_stop\"}");
      stopped = true;
    }

    private static void emit(StringBuilder out, String event, String data) {
      out.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
    }
  }
}
