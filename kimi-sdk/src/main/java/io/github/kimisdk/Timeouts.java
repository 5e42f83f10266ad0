package io.github.kimisdk;

import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.TruncatedStreamException;
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
 * long, or stream. Every attempt is bounded by these; the whole call, retries included, by the
 * overall limit ({@link #withOverall(Duration)}, {@code chat} and {@code chatAsync}) or the stream
 * total ({@link #withStreamTotal(Duration)}, streams), both 2 hours by default: Kimi's longest
 * documented gateway timeout, so a healthy answer never meets them, while a server that sends only
 * keep-alive comments, or trickles a byte every few minutes, cannot hold a call forever.
 *
 * <pre>{@code
 * Timeouts t = Timeouts.defaults()
 *     .withConnect(Duration.ofSeconds(5))
 *     .withStreamIdle(Duration.ofSeconds(90));
 * }</pre>
 */
public final class Timeouts {

  /**
   * The default bound on a whole call, a stream's included: Kimi's longest documented gateway
   * timeout, so a healthy answer never reaches it, yet no call can wait forever whatever a server
   * sends.
   */
  static final Duration DEFAULT_TOTAL = Duration.ofHours(2);

  private static final Timeouts DEFAULTS =
      new Timeouts(
          Duration.ofSeconds(10),
          Duration.ofMinutes(10),
          Duration.ofMinutes(5),
          DEFAULT_TOTAL,
          DEFAULT_TOTAL);

  private final Duration connect;
  private final Duration responseHeaders;
  private final Duration streamIdle;
  private final Duration overall;
  private final Duration streamTotal;

  private Timeouts(
      Duration connect, Duration responseHeaders, Duration streamIdle, Duration overall) {
    this(connect, responseHeaders, streamIdle, overall, null);
  }

  private Timeouts(
      Duration connect,
      Duration responseHeaders,
      Duration streamIdle,
      Duration overall,
      Duration streamTotal) {
    this.connect = positive(connect, "connect");
    this.responseHeaders = positive(responseHeaders, "responseHeaders");
    this.streamIdle = positive(streamIdle, "streamIdle");
    this.overall = overall == null ? null : positive(overall, "overall");
    this.streamTotal = streamTotal == null ? null : positive(streamTotal, "streamTotal");
  }

  /**
   * Returns the defaults: 10 seconds to connect, 10 minutes to the response headers, 5 minutes of
   * stream silence, 2 hours for a whole call or stream.
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
    return new Timeouts(connect, responseHeaders, streamIdle, overall, streamTotal);
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
    return new Timeouts(connect, responseHeaders, streamIdle, overall, streamTotal);
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
    return new Timeouts(connect, responseHeaders, streamIdle, overall, streamTotal);
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
        connect,
        responseHeaders,
        streamIdle,
        Objects.requireNonNull(overall, "overall"),
        streamTotal);
  }

  /**
   * Returns a copy with a limit on a stream's total time, from subscribing to its end, retries
   * included. When it passes, the exchange in flight is aborted and the stream fails with a {@link
   * KimiTimeoutException} that is not retried. The stream idle timeout cannot catch a server that
   * sends only {@code : keep-alive} comments; this can. It is 2 hours by default, so that a long
   * healthy answer is never cut off.
   *
   * @param streamTotal the limit; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code streamTotal} is zero or negative
   */
  public Timeouts withStreamTotal(Duration streamTotal) {
    return new Timeouts(
        connect,
        responseHeaders,
        streamIdle,
        overall,
        Objects.requireNonNull(streamTotal, "streamTotal"));
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
   * @return the limit (2 hours by default); empty never, since every call is bounded
   */
  public Optional<Duration> overall() {
    return Optional.ofNullable(overall);
  }

  /**
   * Returns the limit on a stream's total time.
   *
   * @return the limit (2 hours by default); empty never, since every stream is bounded
   */
  public Optional<Duration> streamTotal() {
    return Optional.ofNullable(streamTotal);
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
        && Objects.equals(t.overall, overall)
        && Objects.equals(t.streamTotal, streamTotal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connect, responseHeaders, streamIdle, overall, streamTotal);
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
        + (streamTotal == null ? "" : ", streamTotal=" + streamTotal)
        + "]";
  }
}
