package io.github.kimisdk.internal.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one call adds to every HTTP request it sends: headers set after the client's own (so they
 * win) and query parameters appended to the URL; who hears its attempts; and, for one attempt, the
 * key it sends when that is not the client's fixed key (a supplier's, a tenant's).
 *
 * @param headers the extra headers, already validated
 * @param query the encoded query string without {@code ?}, or {@code ""}
 * @param observer hears each attempt as it is sent and its headers arrive
 * @param key the attempt's key, or null for the client's fixed key
 */
public record Overrides(
    Map<String, String> headers, String query, AttemptObserver observer, ApiKey key) {

  /** Adds nothing. */
  public static final Overrides NONE = new Overrides(Map.of(), "", AttemptObserver.NONE, null);

  /** Copies the headers. */
  public Overrides {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(observer, "observer");
  }

  /**
   * Returns these overrides with {@code observer} hearing the attempts.
   *
   * @param observer the observer
   * @return the overrides
   */
  public Overrides observed(AttemptObserver observer) {
    return new Overrides(headers, query, observer, key);
  }

  /**
   * Returns these overrides for an attempt that sends {@code attemptKey}.
   *
   * @param attemptKey the key
   * @return the overrides
   */
  public Overrides withKey(ApiKey attemptKey) {
    return new Overrides(headers, query, observer, attemptKey);
  }

  /**
   * Returns these overrides with {@code more} headers, each replacing one of the same name (names
   * compare without case).
   *
   * @param more the headers to add, already checked ({@code HeaderPolicy})
   * @return the overrides
   */
  public Overrides withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    for (Map.Entry<String, String> e : more.entrySet()) {
      all.keySet().removeIf(k -> k.equalsIgnoreCase(e.getKey()));
      all.put(e.getKey(), e.getValue());
    }
    return new Overrides(all, query, observer, key);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "Overrides[headers="
        + headers.keySet()
        + ", query="
        + query
        + (key == null ? "" : ", key=***")
        + "]";
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
    return new Overrides(headers, q.toString(), AttemptObserver.NONE, null);
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
