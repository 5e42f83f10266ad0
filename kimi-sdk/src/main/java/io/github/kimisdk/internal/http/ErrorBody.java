package io.github.kimisdk.internal.http;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an error body the SDK uses, read leniently: Kimi's {@code {"error":{...}}} envelope,
 * the gateway's {@code {"code":5,"error":"url.not_found",...}} envelope, a bare {@code
 * {"message":...}}, an HTML page or plain text. Every part may be null.
 */
record ErrorBody(String type, String message, String code) {

  private static final int MAX_EXCERPT = 300;
  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern H1 =
      Pattern.compile("<h1[^>]*>(.*?)</h1>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  static ErrorBody parse(byte[] body, int off, int len) {
    if (len == 0) {
      return new ErrorBody(null, null, null);
    }
    try {
      JsonValue root = Json.parse(body, off, len);
      if (root instanceof JsonObject object) {
        return fromObject(object);
      }
    } catch (RuntimeException notJson) {
      // fall through: HTML gateway pages and plain text are common here
    }
    String text = new String(body, off, len, StandardCharsets.UTF_8);
    return new ErrorBody(null, excerpt(text), null);
  }

  static ErrorBody fromObject(JsonObject root) {
    JsonValue error = root.get("error");
    if (error instanceof JsonObject e) {
      return new ErrorBody(string(e.get("type")), string(e.get("message")), scalar(e.get("code")));
    }
    if (error instanceof JsonString s) {
      // gateway envelope: {"code":5,"error":"url.not_found","message":"...",...}
      return new ErrorBody(s.value(), string(root.get("message")), scalar(root.get("code")));
    }
    return new ErrorBody(
        string(root.get("type")), string(root.get("message")), scalar(root.get("code")));
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

  /** A short, single-line, tag-free excerpt of a non-JSON body. */
  static String excerpt(String text) {
    String t = text;
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<body")) {
      Matcher m = TITLE.matcher(t);
      Matcher h1 = H1.matcher(t);
      if (m.find()) {
        t = m.group(1);
      } else if (h1.find()) {
        t = h1.group(1);
      }
      t = t.replaceAll("<[^>]*>", " ");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      sb.append(Character.isISOControl(c) || Character.isWhitespace(c) ? ' ' : c);
    }
    String clean = sb.toString().replaceAll(" {2,}", " ").strip();
    if (clean.length() > MAX_EXCERPT) {
      clean = clean.substring(0, MAX_EXCERPT) + "...";
    }
    return clean.isEmpty() ? null : clean;
  }
}
