package io.github.kimisdk;

import io.github.kimisdk.host.ServedBy;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status and headers of one Kimi HTTP response, with accessors for the ones worth quoting in a
 * support ticket ({@code Msh-Request-Id}, {@code x-trace-id}) and for rate limiting.
 *
 * <p>Header names are matched case-insensitively.
 *
 * @param statusCode the HTTP status code
 * @param headers the response headers, keyed case-insensitively; never null
 * @param servedBy the target of the client's fallback chain that answered ({@link
 *     KimiClient.Builder#fallback}): its place, host and model; null for a client without fallback
 *     targets
 */
public record ResponseMetadata(
    int statusCode, Map<String, List<String>> headers, ServedBy servedBy) {

  private static final Pattern SERVER_TIMING_DUR = Pattern.compile("dur=([0-9]+(?:\\.[0-9]+)?)");

  /**
   * Copies the headers into an unmodifiable case-insensitive map.
   *
   * @param statusCode the HTTP status code
   * @param headers the response headers
   * @param servedBy the target that answered, or null
   * @throws NullPointerException if {@code headers} or a name or value in it is null
   */
  public ResponseMetadata {
    Objects.requireNonNull(headers, "headers");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      List<String> values = new ArrayList<>(copy.getOrDefault(e.getKey(), List.of()));
      values.addAll(e.getValue());
      copy.put(Objects.requireNonNull(e.getKey(), "header name"), List.copyOf(values));
    }
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the metadata of a {@code java.net.http} response.
   *
   * @param statusCode the HTTP status code
   * @param headers the response headers
   * @return the metadata
   */
  public static ResponseMetadata of(int statusCode, HttpHeaders headers) {
    return new ResponseMetadata(statusCode, headers.map(), null);
  }

  /**
   * Returns metadata of a response of a client without fallback targets.
   *
   * @param statusCode the HTTP status code
   * @param headers the response headers
   * @throws NullPointerException if {@code headers} or a name or value in it is null
   */
  public ResponseMetadata(int statusCode, Map<String, List<String>> headers) {
    this(statusCode, headers, null);
  }

  /**
   * Returns the metadata of a {@code java.net.http} response that {@code servedBy} answered.
   *
   * @param statusCode the HTTP status code
   * @param headers the response headers
   * @param servedBy the target that answered, or null
   * @return the metadata
   */
  public static ResponseMetadata of(int statusCode, HttpHeaders headers, ServedBy servedBy) {
    return new ResponseMetadata(statusCode, headers.map(), servedBy);
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, any case
   * @return the first value, or empty when the header is absent
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Returns the id to quote to Moonshot support: {@code Msh-Request-Id}, else {@code x-trace-id}
   * (Kimi Code), else {@code x-request-id}.
   *
   * @return the best request id, or empty when the response carried none
   */
  public Optional<String> requestId() {
    return mshRequestId().or(this::traceId).or(this::xRequestId);
  }

  /**
   * Returns Moonshot's {@code Msh-Request-Id} header.
   *
   * @return the header value, or empty
   */
  public Optional<String> mshRequestId() {
    return header("Msh-Request-Id");
  }

  /**
   * Returns the {@code x-trace-id} header that Kimi Code sets.
   *
   * @return the header value, or empty
   */
  public Optional<String> traceId() {
    return header("x-trace-id");
  }

  /**
   * Returns the generic {@code x-request-id} header.
   *
   * @return the header value, or empty
   */
  public Optional<String> xRequestId() {
    return header("x-request-id");
  }

  /**
   * Returns the {@code Content-Type} header.
   *
   * @return the content type, or empty
   */
  public Optional<String> contentType() {
    return header("Content-Type");
  }

  /**
   * Returns the {@code Server-Timing} header.
   *
   * @return the header value, or empty
   */
  public Optional<String> serverTiming() {
    return header("Server-Timing");
  }

  /**
   * Returns the server-side duration in whole milliseconds from the {@code dur=} segment of {@code
   * Server-Timing}.
   *
   * @return the duration, or empty when absent or malformed
   */
  public OptionalLong serverDurationMillis() {
    Optional<String> timing = serverTiming();
    if (timing.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher m = SERVER_TIMING_DUR.matcher(timing.get());
    return m.find() ? OptionalLong.of((long) Double.parseDouble(m.group(1))) : OptionalLong.empty();
  }

  /**
   * Returns the rate-limit headers ({@code x-ratelimit-*} and {@code ratelimit-*}), keyed in lower
   * case, in name order.
   *
   * @return the rate-limit headers; empty when there are none
   */
  public Map<String, String> rateLimitHeaders() {
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if ((name.startsWith("x-ratelimit-") || name.startsWith("ratelimit"))
          && !e.getValue().isEmpty()) {
        out.put(name, e.getValue().get(0));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns the wait the server asked for: {@code Retry-After-Ms}, else {@code Retry-After} in
   * seconds or as an HTTP date (relative to now).
   *
   * @return the wait, or empty when the response asked for none or the value is malformed
   */
  public Optional<Duration> retryAfter() {
    return retryAfter(Instant.now());
  }

  Optional<Duration> retryAfter(Instant now) {
    Optional<String> ms = header("Retry-After-Ms");
    if (ms.isPresent()) {
      try {
        double v = Double.parseDouble(ms.get().strip());
        if (v >= 0 && Double.isFinite(v)) {
          return Optional.of(Duration.ofMillis((long) v));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    Optional<String> value = header("Retry-After");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().strip();
    if (v.matches("[0-9]{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Returns the status and the request ids, never the request's headers or key. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ResponseMetadata[status=").append(statusCode);
    mshRequestId().ifPresent(v -> sb.append(", Msh-Request-Id=").append(v));
    traceId().ifPresent(v -> sb.append(", x-trace-id=").append(v));
    xRequestId().ifPresent(v -> sb.append(", x-request-id=").append(v));
    if (servedBy != null) {
      sb.append(", servedBy=").append(servedBy.target()).append(' ').append(servedBy.host());
      if (servedBy.model() != null) {
        sb.append(' ').append(servedBy.model());
      }
    }
    return sb.append(']').toString();
  }
}
