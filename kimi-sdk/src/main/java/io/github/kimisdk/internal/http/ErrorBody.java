package io.github.kimisdk.internal.http;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;

/**
 * The parts of an error body the SDK uses, read leniently: Kimi's {@code {"error":{...}}} envelope
 * (also inside Anthropic's {@code {"type":"error",...}}), the gateway's {@code
 * {"code":5,"error":"url.not_found",...}} envelope, FastAPI's {@code {"detail": ...}}, a bare
 * {@code {"message":...}}, an HTML page or plain text. Every part may be null. The parts are as the
 * server sent them, from a body already read within its limit: the classifier reads their bounded
 * prefixes ({@link #read}), before any redaction could change what they say, and an exception keeps
 * them cut to a few KiB with the client's key redacted ({@link #shown}).
 */
record ErrorBody(String type, String message, String code) {

  /** The most {@code detail[].msg} entries of a FastAPI validation error that are read. */
  private static final int MAX_DETAILS = 8;

  /**
   * Returns the parts cut to what the classifier scans ({@link ServerText#MAX_SHORT}, {@link
   * ServerText#MAX_MESSAGE}), not redacted: never shown.
   */
  ErrorBody read() {
    return new ErrorBody(
        head(type, ServerText.MAX_SHORT),
        head(message, ServerText.MAX_MESSAGE),
        head(code, ServerText.MAX_SHORT));
  }

  /** Returns the parts as an exception keeps them: cut, with the client's key redacted. */
  ErrorBody shown(ServerText text) {
    return new ErrorBody(
        text.keep(type, ServerText.MAX_SHORT),
        text.keep(message, ServerText.MAX_MESSAGE),
        text.keep(code, ServerText.MAX_SHORT));
  }

  private static String head(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /**
   * Returns the kind of failure an error body names, which {@link ErrorMaker#classify} decides by:
   * its {@code code} when the code names a kind the SDK knows, else its {@code type} ("" when it
   * has neither). The code wins because it is the more specific of the two where servers send both:
   * OpenAI and the gateways that follow it send {@code rate_limit_exceeded}, {@code
   * insufficient_quota} or {@code context_length_exceeded} under the type {@code
   * invalid_request_error} (or {@code requests}, {@code tokens}), and an error event of a Responses
   * stream carries only a code. Kimi's own envelope usually has no code, so its type decides, as
   * before.
   */
  static String kind(String type, String code) {
    if (code != null) {
      switch (code) {
        case "rate_limit_exceeded":
          return "rate_limit_reached_error";
        case "invalid_api_key":
          return "invalid_authentication_error";
        case "model_not_found":
          return "resource_not_found_error";
        case "context_length_exceeded":
          return "invalid_request_error";
        case "exceeded_current_quota_error":
        case "billing_error":
        case "insufficient_quota":
        case "engine_overloaded_error":
        case "overloaded_error":
        case "rate_limit_reached_error":
        case "rate_limit_error":
        case "content_filter":
        case "invalid_authentication_error":
        case "incorrect_api_key_error":
        case "authentication_error":
        case "permission_denied_error":
        case "permission_error":
        case "access_terminated_error":
        case "resource_not_found_error":
        case "not_found_error":
        case "invalid_request_error":
        case "request_too_large":
        case "server_error":
        case "api_error":
        case "timeout_error":
        case "unexpected_output":
        case "server_unavailable":
          return code;
        default:
          break;
      }
    }
    return type == null ? "" : type;
  }

  /**
   * Returns the status an error is judged by: the HTTP status its error object names as its {@code
   * code} (a number from 400 to 599) when it came inside a 2xx answer, as SGLang names 503 in the
   * error event that refuses a stream whose queue is full ({@code {"error": {"message": "The
   * request queue is full.", "type": "SERVICE_UNAVAILABLE", "code": 503, ...}}} on the stream's
   * 200); else {@code transportStatus}. Read from the bounded parts ({@link #read}).
   *
   * @param transportStatus the response's HTTP status
   * @return the status to judge the error by
   */
  int status(int transportStatus) {
    if (transportStatus < 200 || transportStatus >= 300 || code == null || code.length() != 3) {
      return transportStatus;
    }
    int named = 0;
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (c < '0' || c > '9') {
        return transportStatus;
      }
      named = named * 10 + (c - '0');
    }
    return named >= 400 && named < 600 ? named : transportStatus;
  }

  static ErrorBody parse(byte[] body, int off, int len) {
    if (len == 0) {
      return new ErrorBody(null, null, null);
    }
    if (looksLikeJson(body, off, len)) {
      try {
        JsonValue root = Json.parse(body, off, len);
        if (root instanceof JsonObject object) {
          return fromObject(object);
        }
      } catch (RuntimeException notJson) {
        // fall through: a truncated or broken JSON body is shown as text
      }
    }
    String excerpt = ServerText.excerpt(ServerText.prefix(body, off, len, ServerText.MAX_SCANNED));
    return new ErrorBody(null, excerpt, null);
  }

  static ErrorBody fromObject(JsonObject root) {
    JsonValue error = root.get("error");
    String type;
    String message;
    String code;
    if (error instanceof JsonObject e) {
      type = string(e.get("type"));
      message = string(e.get("message"));
      code = scalar(e.get("code"));
    } else if (error instanceof JsonString s) {
      // gateway envelope: {"code":5,"error":"url.not_found","message":"...",...}
      type = s.value();
      message = string(root.get("message"));
      code = scalar(root.get("code"));
    } else {
      type = string(root.get("type"));
      message = string(root.get("message"));
      code = scalar(root.get("code"));
      if (message == null) {
        message = detail(root.get("detail"));
      }
    }
    return new ErrorBody(type, message, code);
  }

  /**
   * FastAPI's {@code detail}: a string, or a list of validation errors whose {@code msg} (with the
   * {@code loc} path, when given) is joined with "; ".
   */
  private static String detail(JsonValue detail) {
    if (detail instanceof JsonString s) {
      return string(s);
    }
    if (!(detail instanceof JsonArray list)) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (JsonValue item : list) {
      if (!(item instanceof JsonObject o) || string(o.get("msg")) == null) {
        continue;
      }
      if (n == MAX_DETAILS || sb.length() > ServerText.MAX_MESSAGE) {
        sb.append("; ... (").append(list.size()).append(" errors in all)");
        break;
      }
      if (n > 0) {
        sb.append("; ");
      }
      String loc = location(o.get("loc"));
      if (loc != null) {
        sb.append(loc).append(": ");
      }
      sb.append(string(o.get("msg")));
      n++;
    }
    return n == 0 ? null : sb.toString();
  }

  /** FastAPI's {@code loc}, such as {@code ["body","temperature"]}, as {@code body.temperature}. */
  private static String location(JsonValue loc) {
    if (!(loc instanceof JsonArray parts) || parts.size() == 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonValue p : parts) {
      String s = scalar(p);
      if (s == null || sb.length() > ServerText.MAX_SHORT) {
        return null;
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(s);
    }
    return sb.toString();
  }

  private static boolean looksLikeJson(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c == '{' || c == '[') {
        return true;
      }
      if (c != ' '
          && c != '\t'
          && c != '\r'
          && c != '\n'
          && c != (byte) 0xEF
          && c != (byte) 0xBB
          && c != (byte) 0xBF) {
        return false; // HTML, text, or binary such as gzip: not worth a parse
      }
    }
    return false;
  }

  private static String string(JsonValue v) {
    if (v instanceof JsonString s) {
      return s.value().isBlank() ? null : s.value();
    }
    return null;
  }

  private static String scalar(JsonValue v) {
    if (v instanceof JsonNumber n) {
      return n.literal();
    }
    return string(v);
  }
}
