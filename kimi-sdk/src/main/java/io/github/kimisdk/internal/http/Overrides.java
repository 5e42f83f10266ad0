package io.github.kimisdk.internal.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What one call adds to every HTTP request it sends: headers set after the client's own (so they
 * win) and query parameters appended to the URL.
 *
 * @param headers the extra headers, already validated
 * @param query the encoded query string without {@code ?}, or {@code ""}
 */
public record Overrides(Map<String, String> headers, String query) {

  /** Adds nothing. */
  public static final Overrides NONE = new Overrides(Map.of(), "");

  /** Copies the headers. */
  public Overrides {
    headers = Map.copyOf(headers);
  }

  /**
   * Returns the overrides for {@code headers} and {@code params}, percent-encoding the parameters.
   *
   * @param headers the extra headers
   * @param params the query parameters, in order
   * @return the overrides
   */
  public static Overrides of(Map<String, String> headers, Map<String, String> params) {
    if (headers.isEmpty() && params.isEmpty()) {
      return NONE;
    }
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (q.length() > 0) {
        q.append('&');
      }
      q.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
    }
    return new Overrides(headers, q.toString());
  }

  /** Returns {@code path} with the query parameters appended. */
  String apply(String path) {
    if (query.isEmpty()) {
      return path;
    }
    return path + (path.indexOf('?') >= 0 ? '&' : '?') + query;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
