package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The line {@code --verbose} prints for each request the server answers: {@code POST
 * /v1/chat/completions model=kimi-k3 -> 200}, and for an error answer its type and message ({@code
 * -> 404 resource_not_found_error: Not found the model ...}), and the fields the model took and did
 * nothing with, as Kimi does ({@code ... -> 200 ignored as Kimi ignores them: seed (not a field
 * Kimi takes)}); then the request's headers, one per line, indented, in the order of their names
 * ({@link #headers}), a secret one's value never shown ({@link SecretHeaders}). The key is masked
 * wherever else the client sent it (its body, another header); every part is cut to a bound and
 * made one line, so each line stays short whatever a client sends.
 */
final class RequestLog {

  /** The longest path, model and error message a line shows, in characters. */
  static final int MAX_PATH = 200;

  static final int MAX_MODEL = 64;
  static final int MAX_MESSAGE = 300;

  /** The longest header name and value a line shows, in characters. */
  static final int MAX_HEADER_NAME = 64;

  static final int MAX_HEADER_VALUE = 200;

  /** The most headers shown of one request; the rest are counted. */
  static final int MAX_HEADERS = 64;

  /** What a secret header's value is shown as. */
  static final String REDACTED = "[redacted]";

  /** The largest request body read for its model; a larger one (an upload) is not parsed. */
  static final int MAX_PARSED_BODY = 1 << 20;

  private RequestLog() {}

  /**
   * The line for one exchange.
   *
   * @param method the request's method
   * @param path the request's path, without its query (which a client may fill with anything)
   * @param request the request as read, or null when it could not be read
   * @param response the answer sent, or null when none was (dropped, or the handler failed)
   * @param dropped whether the connection was dropped on purpose (a scripted drop)
   */
  static String line(
      String method, String path, RecordedRequest request, FakeResponse response, boolean dropped) {
    String key = request == null ? "" : key(request);
    StringBuilder sb = new StringBuilder(128);
    sb.append(part(method, 16, key)).append(' ').append(part(path, MAX_PATH, key));
    String model = request == null ? null : model(request);
    if (model != null) {
      sb.append(" model=").append(part(model, MAX_MODEL, key));
    }
    sb.append(" -> ");
    if (dropped) {
      sb.append("dropped");
    } else if (response == null) {
      sb.append("failed");
    } else {
      sb.append(response.status());
      if (response.streamed()) {
        sb.append(" stream");
      }
      String error = response.status() >= 400 ? error(response, key) : null;
      if (error != null) {
        sb.append(' ').append(error);
      }
    }
    if (request != null && !request.ignored().isEmpty()) {
      sb.append(ignored(request.ignored(), key));
    }
    return sb.toString();
  }

  /** The most fields ignored one line names; the rest are counted. */
  static final int MAX_IGNORED = 16;

  /**
   * What the model took and did nothing with, as Kimi does: {@code " ignored as Kimi ignores them:
   * seed (not a field Kimi takes), thinking (kimi-k3.1-pro takes no thinking field)"}, at most
   * {@value #MAX_IGNORED} fields, each cut to a bound.
   */
  private static String ignored(List<FakeRules.Ignored> fields, String key) {
    StringBuilder sb = new StringBuilder(" ignored as Kimi ignores them:");
    for (int i = 0; i < fields.size(); i++) {
      if (i == MAX_IGNORED) {
        sb.append(" ... ").append(fields.size() - i).append(" more");
        break;
      }
      FakeRules.Ignored f = fields.get(i);
      sb.append(i == 0 ? " " : ", ")
          .append(part(f.field(), MAX_MODEL, key))
          .append(" (")
          .append(part(f.why(), MAX_MESSAGE, key))
          .append(')');
    }
    return sb.toString();
  }

  /**
   * The request's headers as {@code --verbose} shows them under its line: each on a line of its own
   * ({@code "\n traceparent: 00-..."}), names in lower case and in order, a secret header's value
   * shown as {@value #REDACTED} (after its scheme: {@code authorization: Bearer [redacted]}), the
   * key masked in any other, each cut to a bound, at most {@value #MAX_HEADERS} headers.
   *
   * @param request the request as read
   * @return the lines, each starting with a line feed; empty for a request without headers
   */
  static String headers(RecordedRequest request) {
    String key = key(request);
    StringBuilder sb = new StringBuilder(256);
    int shown = 0;
    Map<String, List<String>> all = request.headers();
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      if (shown == MAX_HEADERS) {
        sb.append("\n  ... ").append(all.size() - shown).append(" more headers");
        break;
      }
      String name = e.getKey().toLowerCase(Locale.ROOT);
      boolean secret = SecretHeaders.named(name);
      for (String value : e.getValue()) {
        sb.append("\n  ")
            .append(part(name, MAX_HEADER_NAME, key))
            .append(": ")
            .append(
                secret
                    ? part(SecretHeaders.shown(value, REDACTED), MAX_HEADER_VALUE, key)
                    : part(value, MAX_HEADER_VALUE, key));
      }
      shown++;
    }
    return sb.toString();
  }

  /** The {@code model} a JSON request body names, or null. */
  private static String model(RecordedRequest request) {
    if (request.size() > MAX_PARSED_BODY) {
      return null; // not read: a large upload's body is on disk
    }
    byte[] body = request.body();
    if (body.length == 0 || body.length > MAX_PARSED_BODY || body[firstNonSpace(body)] != '{') {
      return null;
    }
    return request.json() instanceof JsonObject o && o.get("model") instanceof JsonString s
        ? s.value()
        : null;
  }

  private static int firstNonSpace(byte[] b) {
    int i = 0;
    while (i < b.length - 1 && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * The type and message of an error body: Kimi's {@code {"error":{"type":...,"message":...}}}, as
   * the chat, Responses and platform endpoints write it and the Messages surface nests it too; null
   * for any other body.
   */
  private static String error(FakeResponse response, String key) {
    JsonObject e = errorOf(response);
    if (e == null) {
      return null;
    }
    String type = e.get("type") instanceof JsonString t ? part(t.value(), MAX_MODEL, key) : null;
    String message =
        e.get("message") instanceof JsonString m ? part(m.value(), MAX_MESSAGE, key) : null;
    if (type == null) {
      return message;
    }
    return message == null ? type : type + ": " + message;
  }

  /**
   * The error object of an answer's body, {@code {"type":...,"message":...}}: Kimi's envelope
   * {@code {"error":{...}}}, which the Messages surface and most hosts nest too; SGLang's flat body
   * {@code {"object":"error",...}} is its own; a bare {@code {"error":"Unauthorized"}} (vLLM's and
   * SGLang's 401) reads as its message. Null for an answer below 400, a stream, a body over {@link
   * #MAX_PARSED_BODY} or any other body.
   */
  static JsonObject errorOf(FakeResponse response) {
    List<FakeResponse.Part> parts = response.parts();
    if (response.status() < 400
        || response.streamed()
        || parts.isEmpty()
        || parts.get(0).bytes().length > MAX_PARSED_BODY) {
      return null;
    }
    JsonValue json;
    try {
      json = Json.parse(parts.get(0).bytes());
    } catch (RuntimeException notJson) {
      return null;
    }
    if (!(json instanceof JsonObject o)) {
      return null;
    }
    if (o.get("error") instanceof JsonObject e) {
      return e;
    }
    if (o.get("error") instanceof JsonString message) {
      return JsonObject.of("message", message);
    }
    return o.get("object") instanceof JsonString object && object.value().equals("error")
        ? o
        : null;
  }

  /**
   * {@code s} with the key masked, on one line (control and line-separator characters become
   * spaces), cut to {@code max} characters: masked before it is cut, so no part of a key survives.
   */
  static String part(String s, int max, String key) {
    String t = key.isEmpty() ? s : s.replace(key, "***");
    StringBuilder sb = new StringBuilder(Math.min(t.length(), max + 3));
    for (int i = 0; i < t.length(); i++) {
      if (sb.length() == max) {
        return sb.append("...").toString();
      }
      char c = t.charAt(i);
      int type = Character.getType(c);
      boolean breaks =
          Character.isISOControl(c)
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR;
      sb.append(breaks ? ' ' : c);
    }
    return sb.toString();
  }

  /** The key the request carries (a bearer token, or the Messages surface's header); "" if none. */
  private static String key(RecordedRequest request) {
    String auth = request.header("Authorization").orElse("");
    String key =
        auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).strip()
            : request.header("x-api-key").orElse("").strip();
    // a key of a few characters would mask unrelated text; real keys are long
    return key.length() < 8 ? "" : key;
  }
}
