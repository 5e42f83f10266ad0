package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpElicitation;
import io.github.kimisdk.mcp.McpRoot;
import io.github.kimisdk.mcp.McpSampling;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.Rpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server's own requests, answered with the user's handlers: {@code ping}, {@code roots/list},
 * {@code sampling/createMessage} and {@code elicitation/create} (form mode), with MCP's JSON for
 * each handler's request and result. A server of 2025-11-25 or before sends them as requests (on
 * the client's own threads); one of 2026-07-28 asks for them in a result ({@link InputRounds}).
 */
final class ServerRequests {

  /** The most messages and stop sequences read from one sampling request. */
  private static final int MAX_ITEMS = 10_000;

  private final Settings settings;

  ServerRequests(Settings settings) {
    this.settings = settings;
  }

  /**
   * Answers one of the server's requests with the handlers: the result, or null when the client has
   * no handler for the method.
   *
   * @throws Rpc.Refusal for a request the handler cannot take (an elicitation in another mode)
   */
  JsonValue answer(String method, JsonValue params) {
    JsonObject p = params instanceof JsonObject o ? o : JsonObject.of();
    switch (method) {
      case "ping":
        return JsonObject.of();
      case "roots/list":
        {
          if (settings.roots() == null) {
            return null;
          }
          List<JsonValue> list = new ArrayList<>();
          for (McpRoot r : settings.roots()) {
            JsonObject.Builder b = JsonObject.builder().put("uri", r.uri());
            if (r.name() != null) {
              b.put("name", r.name());
            }
            list.add(b.build());
          }
          return JsonObject.of("roots", JsonArray.of(list));
        }
      case "sampling/createMessage":
        return settings.sampling() == null
            ? null
            : result(settings.sampling().createMessage(samplingRequest(p)));
      case "elicitation/create":
        {
          if (settings.elicitation() == null) {
            return null;
          }
          String mode = Fields.string(p, "mode");
          if (mode != null && !mode.equals("form")) {
            throw new Rpc.Refusal(
                -32602, "this client answers elicitation in form mode only, not " + mode);
          }
          McpElicitation.Request request = elicitationRequest(p);
          McpElicitation.Result result = settings.elicitation().elicit(request);
          if (result == null) {
            throw new IllegalStateException("the elicitation handler returned null");
          }
          return result(result, request.requestedSchema());
        }
      default:
        return null;
    }
  }

  /** Reads a {@code sampling/createMessage} request's parameters. */
  static McpSampling.Request samplingRequest(JsonObject params) {
    List<McpSampling.SamplingMessage> messages = new ArrayList<>();
    if (params.get("messages") instanceof JsonArray a) {
      for (JsonValue v : a.values()) {
        if (messages.size() == MAX_ITEMS) {
          break;
        }
        if (v instanceof JsonObject m) {
          String role = Fields.string(m, "role");
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
          messages.add(new McpSampling.SamplingMessage(role == null ? "user" : role, blocks));
        }
      }
    }
    List<String> stops = Fields.strings(params.get("stopSequences"), MAX_ITEMS);
    Integer max =
        params.get("maxTokens") instanceof JsonNumber n && n.doubleValue() >= 1
            ? (int) Math.min(Integer.MAX_VALUE, n.longValue())
            : null;
    return new McpSampling.Request(
        messages,
        Fields.string(params, "systemPrompt"),
        max,
        Fields.number(params, "temperature"),
        stops,
        params);
  }

  /** The result as MCP's {@code CreateMessageResult}. */
  static JsonObject result(McpSampling.Result r) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("role", "assistant")
            .put(
                "content",
                JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(r.text())))
            .put("model", r.model());
    if (r.stopReason() != null) {
      b.put("stopReason", r.stopReason());
    }
    return b.build();
  }

  /** Reads an {@code elicitation/create} request's parameters. */
  static McpElicitation.Request elicitationRequest(JsonObject params) {
    String message = Fields.string(params, "message");
    return new McpElicitation.Request(
        message == null ? "" : message,
        params.get("requestedSchema") instanceof JsonObject s ? s : JsonObject.of(),
        params);
  }

  /**
   * The result as MCP's {@code ElicitResult}, each property the content leaves out filled with the
   * default {@code schema} gives it (SEP-1034).
   */
  static JsonObject result(McpElicitation.Result r, JsonObject schema) {
    JsonObject.Builder b =
        JsonObject.builder().put("action", r.action().name().toLowerCase(Locale.ROOT));
    if (r.action() == McpElicitation.Action.ACCEPT) {
      JsonObject.Builder c = JsonObject.builder();
      r.content().members().forEach(c::put);
      if (schema.get("properties") instanceof JsonObject props) {
        for (var p : props.members().entrySet()) {
          JsonValue d = p.getValue() instanceof JsonObject prop ? prop.get("default") : null;
          if (!r.content().has(p.getKey()) && d != null && !d.isNull()) {
            c.put(p.getKey(), d);
          }
        }
      }
      b.put("content", c.build());
    }
    return b.build();
  }
}
