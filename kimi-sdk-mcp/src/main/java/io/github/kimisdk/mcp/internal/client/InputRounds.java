package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.Rpc;
import java.util.Map;

/**
 * A request that a 2026-07-28 server may answer by asking for input first ({@code resultType:
 * "input_required"}): the inputs are asked of the handlers on the calling thread, and the request
 * is sent again with their answers and the server's {@code requestState}, each time as a new
 * request, at most {@value #MAX_INPUT_ROUNDS} rounds.
 */
final class InputRounds {

  /** How many rounds of input one request may ask for before the client gives up. */
  static final int MAX_INPUT_ROUNDS = 8;

  /** How many inputs one round may ask for. */
  private static final int MAX_INPUTS = 32;

  private final Connection c;

  InputRounds(Connection c) {
    this.c = c;
  }

  /** Sends the request and answers the inputs its results ask for; returns the final result. */
  JsonValue request(
      String method,
      JsonObject params,
      String label,
      boolean progress,
      Map<String, String> headers) {
    return request(method, params, label, progress, headers, null);
  }

  /** As above, continuing from {@code first}, the answer to the first sending, when given. */
  JsonValue request(
      String method,
      JsonObject params,
      String label,
      boolean progress,
      Map<String, String> headers,
      JsonValue first) {
    JsonObject responses = null;
    String state = null;
    for (int round = 0; ; round++) {
      JsonObject p = params == null ? JsonObject.of() : params;
      if (responses != null || state != null) {
        JsonObject.Builder b = JsonObject.builder();
        p.members().forEach(b::put);
        if (responses != null) {
          b.put("inputResponses", responses);
        }
        if (state != null) {
          b.put("requestState", state);
        }
        p = b.build();
      } else if (params == null) {
        p = null;
      }
      JsonValue r =
          round == 0 && first != null
              ? first
              : c.exchange(method, p, c.settings.callTimeout(), label, progress, headers);
      if (!(r instanceof JsonObject o)) {
        return r;
      }
      String type = Fields.string(o, "resultType");
      if (type == null || type.equals("complete")) {
        return r;
      }
      if (!type.equals("input_required")) {
        throw c.protocol(
            "answered "
                + method
                + " with the result type \""
                + c.shown(type)
                + "\", which this client does not know");
      }
      if (round + 1 >= MAX_INPUT_ROUNDS) {
        throw c.protocol(
            "asked for input "
                + MAX_INPUT_ROUNDS
                + " times in answer to one "
                + method
                + "; the client gave up");
      }
      responses = inputs(method, o.get("inputRequests"));
      state = Fields.string(o, "requestState");
    }
  }

  /** Whether a result asks for input. */
  static boolean required(JsonValue r) {
    return r instanceof JsonObject o && "input_required".equals(Fields.string(o, "resultType"));
  }

  /** Answers the inputs a result asks for, with the handlers. */
  private JsonObject inputs(String method, JsonValue requests) {
    if (!(requests instanceof JsonObject asked)) {
      return null;
    }
    if (asked.members().size() > MAX_INPUTS) {
      throw c.protocol(
          "asked for "
              + asked.members().size()
              + " inputs in answer to one "
              + method
              + "; this client answers at most "
              + MAX_INPUTS);
    }
    JsonObject.Builder answers = JsonObject.builder();
    for (var e : asked.members().entrySet()) {
      JsonObject request = e.getValue() instanceof JsonObject o ? o : JsonObject.of();
      String m = Handshake.orEmpty(Fields.string(request, "method"));
      JsonValue answer;
      try {
        answer = c.requests.answer(m, request.get("params"));
      } catch (Rpc.Refusal r) {
        answer = null;
      }
      if (answer == null) {
        throw c.protocol(
            "asked for "
                + (m.isEmpty() ? "an input without a method" : m)
                + " in answer to "
                + method
                + ", which this client has no handler for"
                + (m.equals("elicitation/create")
                    ? " (set McpClient.Builder.elicitation)"
                    : m.equals("sampling/createMessage")
                        ? " (set McpClient.Builder.sampling)"
                        : m.equals("roots/list") ? " (set McpClient.Builder.roots)" : ""));
      }
      answers.put(e.getKey(), answer);
    }
    return answers.build();
  }
}
