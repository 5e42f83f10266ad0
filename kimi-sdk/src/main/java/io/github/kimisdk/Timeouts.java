package io.github.kimisdk;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a {@link KimiClient} waits for each phase of a call.
 *
 * <p>The defaults suit thinking models, which may reason for minutes before answering: 10 seconds
 * to connect, 10 minutes for the response headers, and 5 minutes of silence between the bytes of a
 * response body (a stream's events, or a non-streamed body after its headers). A non-streaming
 * reply arrives with its headers only when the whole answer is ready, so keep the response timeout
 * long, or stream. There is no overall limit by default, so a long healthy stream is never cut off;
 * an overall limit set with {@link #withOverall(Duration)} applies to {@code chat} and {@code
 * chatAsync} calls, retries included.
 *
 * <pre>{@code
 * Timeouts t = Timeouts.defaults()
 *     .withConnect(Duration.ofSeconds(5))
 *     .withStreamIdle(Duration.ofSeconds(90));
 * }</pre>
 */
public final class Timeouts {

  private static final Timeouts DEFAULTS =
      new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(5), null);

  private final Duration connect;
  private final Duration responseHeaders;
  private final Duration streamIdle;
  private final Duration overall;

  private Timeouts(
      Duration connect, Duration responseHeaders, Duration streamIdle, Duration overall) {
    this.connect = positive(connect, "connect");
    this.responseHeaders = positive(responseHeaders, "responseHeaders");
    this.streamIdle = positive(streamIdle, "streamIdle");
    this.overall = overall == null ? null : positive(overall, "overall");
  }

  /**
   * Returns the defaults: 10 seconds to connect, 10 minutes to the response headers, 5 minutes of
   * stream silence, no overall limit.
   *
   * @return the default timeouts
   */
  public static Timeouts defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with another connect timeout.
   *
   * @param connect the time allowed to open the TCP and TLS connection; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code connect} is zero or negative
   */
  public Timeouts withConnect(Duration connect) {
    return new Timeouts(connect, responseHeaders, streamIdle, overall);
  }

  /**
   * Returns a copy with another response-headers timeout.
   *
   * @param responseHeaders the time allowed from sending the request to receiving the response
   *     headers; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code responseHeaders} is zero or negative
   */
  public Timeouts withResponseHeaders(Duration responseHeaders) {
    return new Timeouts(connect, responseHeaders, streamIdle, overall);
  }

  /**
   * Returns a copy with another stream idle timeout: a stream that receives no bytes for this long
   * while its consumer is waiting for a chunk is aborted (the connection is closed) and fails with
   * a {@link TruncatedStreamException} (or, before the first chunk, is retried). Time in which the
   * consumer requests nothing does not count.
   *
   * <p>The same limit guards the body of a non-streamed response after its headers arrived: when no
   * bytes of it come for this long, the exchange is aborted and the attempt fails with a {@link
   * KimiTimeoutException}, which the {@link RetryPolicy} may retry.
   *
   * @param streamIdle the longest silence; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code streamIdle} is zero or negative
   */
  public Timeouts withStreamIdle(Duration streamIdle) {
    return new Timeouts(connect, responseHeaders, streamIdle, overall);
  }

  /**
   * Returns a copy with an overall limit on a {@code chat} or {@code chatAsync} call, retries and
   * waits between them included. When it passes, the exchange in flight is aborted and the call
   * fails with a {@link KimiTimeoutException}. Streams are not limited by it.
   *
   * @param overall the limit; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code overall} is zero or negative
   */
  public Timeouts withOverall(Duration overall) {
    return new Timeouts(
        connect, responseHeaders, streamIdle, Objects.requireNonNull(overall, "overall"));
  }

  /**
   * Returns the connect timeout.
   *
   * @return the connect timeout
   */
  public Duration connect() {
    return connect;
  }

  /**
   * Returns the time allowed until the response headers arrive.
   *
   * @return the response-headers timeout
   */
  public Duration responseHeaders() {
    return responseHeaders;
  }

  /**
   * Returns the longest silence allowed between the bytes of a response body being read: a stream,
   * or a non-streamed body after its headers.
   *
   * @return the stream idle timeout
   */
  public Duration streamIdle() {
    return streamIdle;
  }

  /**
   * Returns the overall limit on a non-streaming call.
   *
   * @return the limit, or empty when there is none (the default)
   */
  public Optional<Duration> overall() {
    return Optional.ofNullable(overall);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " timeout must be positive: " + d);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timeouts t
        && t.connect.equals(connect)
        && t.responseHeaders.equals(responseHeaders)
        && t.streamIdle.equals(streamIdle)
        && Objects.equals(t.overall, overall);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connect, responseHeaders, streamIdle, overall);
  }

  @Override
  public String toString() {
    return "Timeouts[connect="
        + connect
        + ", responseHeaders="
        + responseHeaders
        + ", streamIdle="
        + streamIdle
        + (overall == null ? "" : ", overall=" + overall)
        + "]";
  }
}
