package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request {@link FakeKimiServer} received, for assertions: method, path, headers and body.
 *
 * <pre>{@code
 * RecordedRequest r = server.takeRequest();
 * assertThat(r.path()).isEqualTo("/v1/chat/completions");
 * assertThat(r.header("Authorization")).contains("Bearer test-key");
 * assertThat(r.json().toString()).contains("\"stream\":true");
 * }</pre>
 */
public final class RecordedRequest {

  private final String method;
  private final String path;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {
    this.method = method;
    this.path = path;
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k, List.copyOf(new ArrayList<>(v))));
    this.headers = Collections.unmodifiableMap(copy);
    this.body = body.clone();
  }

  /**
   * Returns the HTTP method, such as {@code POST}.
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path with its query, such as {@code /v1/chat/completions}.
   *
   * @return the path
   */
  public String path() {
    return path;
  }

  /**
   * Returns all request headers, keyed case-insensitively.
   *
   * @return the headers
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, any case
   * @return the value, or empty when absent
   */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * Returns a copy of the raw body bytes.
   *
   * @return the body; empty when there was none
   */
  public byte[] body() {
    return body.clone();
  }

  /**
   * Returns the body decoded as UTF-8.
   *
   * @return the body text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Returns the body parsed as JSON.
   *
   * @return the JSON tree, or null when the body is empty or not JSON
   */
  public JsonValue json() {
    if (body.length == 0) {
      return null;
    }
    try {
      return Json.parse(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Returns the method, path and body size; header values are left out (they hold the key). */
  @Override
  public String toString() {
    return "RecordedRequest[" + method + " " + path + ", " + body.length + " body bytes]";
  }
}
