package io.github.kimisdk;

import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.TruncatedStreamException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How long a {@link KimiClient} waits for each phase of a call.
 *
 * <p>The defaults suit thinking models, which may reason for minutes before answering: 10 seconds
 * to connect, 10 minutes for the response headers, 10 minutes for a stream's first event, then 5
 * minutes of silence between its events (or between the bytes of a non-streamed body after its
 * headers). A non-streaming reply arrives with its headers only when the whole answer is ready, so
 * keep the response timeout long, or stream. Every attempt is bounded by these; the whole call,
 * retries included, by the overall limit ({@link #withOverall(Duration)}, {@code chat} and {@code
 * chatAsync}) or the stream total ({@link #withStreamTotal(Duration)}, streams), both 2 hours by
 * default: Kimi's longest documented gateway timeout, so a healthy answer never meets them, while a
 * server that trickles an event every few minutes cannot hold a call forever.
 *
 * <p><b>What counts as a stream's progress</b> ({@link #withIdleClock(IdleClock)}). Servers and
 * gateways keep a connection open with SSE comments ({@code : keep-alive}) or, over Anthropic
 * Messages, {@code ping} events, also while the model has stalled; three agent clients were held
 * for hours that way in 2026 and changed their watchdogs to restart the idle clock on data events
 * only, with a budget of its own for the first one. By default the SDK does the same ({@link
 * IdleClock#DATA_EVENTS}): keep-alives never restart the clock, so a stream that carries nothing
 * else is cut by the first-event budget or the idle timeout, and retried when nothing had reached
 * the caller; the bytes of a data event do, as they arrive, so an event that trickles in slowly (a
 * byte at a time through a slow link or proxy) is not cut while it comes. Whether Kimi itself sends
 * comments while a model reasons is not known (kimi-api.md, "Changes of 2026-11-25, second look");
 * either way its reasoning arrives as events ({@code reasoning_content}, {@code thinking_delta}),
 * which keep a thinking stream alive, and the wait before the first of them has its own budget
 * ({@link #withFirstEvent(Duration)}): K3 at long context has reasoned over 180 seconds before its
 * first token, so the 10 minute default leaves room, as much as a non-streamed reply gets for its
 * headers.
 *
 * <pre>{@code
 * Timeouts t = Timeouts.defaults()
 *     .withConnect(Duration.ofSeconds(5))
 *     .withFirstEvent(Duration.ofMinutes(20))      // very long prompts to a thinking model
 *     .withStreamIdle(Duration.ofSeconds(90));
 * }</pre>
 */
public final class Timeouts {

  /** Says what restarts a stream's idle clock ({@link #withIdleClock(IdleClock)}). */
  public enum IdleClock {
    /**
     * Events that carry data restart it, and so do the bytes of one arriving, however slowly,
     * before it is complete; SSE comments and Anthropic Messages {@code ping} events do not, so
     * keep-alives cannot hold a stalled stream. The default.
     */
    DATA_EVENTS,
    /**
     * Any bytes of the body restart it, keep-alives included (the SDK's behaviour before this
     * setting): a server that sends only keep-alives then holds a stream until its {@link
     * #withStreamTotal(Duration) total time}.
     */
    ANY_BYTES
  }

  /**
   * The default bound on a whole call, a stream's included: Kimi's longest documented gateway
   * timeout, so a healthy answer never reaches it, yet no call can wait forever whatever a server
   * sends.
   */
  static final Duration DEFAULT_TOTAL = Duration.ofHours(2);

  private static final Timeouts DEFAULTS = new Timeouts(new Parts());

  private final Duration connect;
  private final Duration responseHeaders;
  private final Duration streamIdle;
  private final Duration firstEvent;
  private final IdleClock idleClock;
  private final Duration overall;
  private final Duration streamTotal;

  private Timeouts(Parts p) {
    this.connect = positive(p.connect, "connect");
    this.responseHeaders = positive(p.responseHeaders, "responseHeaders");
    this.streamIdle = positive(p.streamIdle, "streamIdle");
    this.firstEvent = positive(p.firstEvent, "firstEvent");
    this.idleClock = Objects.requireNonNull(p.idleClock, "idleClock");
    this.overall = p.overall == null ? null : positive(p.overall, "overall");
    this.streamTotal = p.streamTotal == null ? null : positive(p.streamTotal, "streamTotal");
  }

  /** The timeouts' parts by name, the defaults' unless changed: each {@code with} changes one. */
  private static final class Parts {
    Duration connect = Duration.ofSeconds(10);
    Duration responseHeaders = Duration.ofMinutes(10);
    Duration streamIdle = Duration.ofMinutes(5);
    Duration firstEvent = Duration.ofMinutes(10);
    IdleClock idleClock = IdleClock.DATA_EVENTS;
    Duration overall = DEFAULT_TOTAL;
    Duration streamTotal = DEFAULT_TOTAL;

    Parts() {}

    Parts(Timeouts t) {
      connect = t.connect;
      responseHeaders = t.responseHeaders;
      streamIdle = t.streamIdle;
      firstEvent = t.firstEvent;
      idleClock = t.idleClock;
      overall = t.overall;
      streamTotal = t.streamTotal;
    }
  }

  /** Returns these timeouts with the part {@code change} sets, checked as a new one is. */
  private Timeouts with(Consumer<Parts> change) {
    Parts p = new Parts(this);
    change.accept(p);
    return new Timeouts(p);
  }

  /**
   * Returns the defaults: 10 seconds to connect, 10 minutes to the response headers, 10 minutes to
   * a stream's first event and then 5 minutes between its data events (keep-alives do not count), 2
   * hours for a whole call or stream.
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
    return with(p -> p.connect = connect);
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
    return with(p -> p.responseHeaders = responseHeaders);
  }

  /**
   * Returns a copy with another stream idle timeout: a stream that makes no progress for this long
   * after its first event (no data event, or no bytes at all with {@link IdleClock#ANY_BYTES})
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
    return with(p -> p.streamIdle = streamIdle);
  }

  /**
   * Returns a copy with another budget for a stream's first event: from the response headers, a
   * stream that makes no progress for this long (by {@link #withIdleClock(IdleClock) the idle
   * clock}) while its consumer is waiting is aborted as an idle one is ({@link
   * #withStreamIdle(Duration)}). It covers a thinking model that reasons before it streams
   * anything, so it is the longer of this and the stream idle timeout; 10 minutes by default.
   *
   * @param firstEvent the longest wait for the first event; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code firstEvent} is zero or negative
   */
  public Timeouts withFirstEvent(Duration firstEvent) {
    return with(p -> p.firstEvent = firstEvent);
  }

  /**
   * Returns a copy with another idle clock: what restarts it, and what a stream's first event is
   * ({@link IdleClock#DATA_EVENTS} by default, see the class comment).
   *
   * @param idleClock what counts as a stream's progress
   * @return the new timeouts
   * @throws NullPointerException if {@code idleClock} is null
   */
  public Timeouts withIdleClock(IdleClock idleClock) {
    return with(p -> p.idleClock = idleClock);
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
    Objects.requireNonNull(overall, "overall");
    return with(p -> p.overall = overall);
  }

  /**
   * Returns a copy with a limit on a stream's total time, from subscribing to its end, retries
   * included. When it passes, the exchange in flight is aborted and the stream fails with a {@link
   * KimiTimeoutException} that is not retried. It ends what the idle timeout cannot: a server that
   * trickles events slowly forever (or only keep-alives, with {@link IdleClock#ANY_BYTES}). It is 2
   * hours by default, so that a long healthy answer is never cut off.
   *
   * @param streamTotal the limit; positive
   * @return the new timeouts
   * @throws IllegalArgumentException if {@code streamTotal} is zero or negative
   */
  public Timeouts withStreamTotal(Duration streamTotal) {
    Objects.requireNonNull(streamTotal, "streamTotal");
    return with(p -> p.streamTotal = streamTotal);
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
   * Returns the budget for a stream's first event.
   *
   * @return the first-event budget (10 minutes by default)
   */
  public Duration firstEvent() {
    return firstEvent;
  }

  /**
   * Returns what restarts a stream's idle clock.
   *
   * @return the idle clock ({@link IdleClock#DATA_EVENTS} by default)
   */
  public IdleClock idleClock() {
    return idleClock;
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
        && t.firstEvent.equals(firstEvent)
        && t.idleClock == idleClock
        && Objects.equals(t.overall, overall)
        && Objects.equals(t.streamTotal, streamTotal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        connect, responseHeaders, streamIdle, firstEvent, idleClock, overall, streamTotal);
  }

  @Override
  public String toString() {
    return "Timeouts[connect="
        + connect
        + ", responseHeaders="
        + responseHeaders
        + ", streamIdle="
        + streamIdle
        + ", firstEvent="
        + firstEvent
        + ", idleClock="
        + idleClock
        + (overall == null ? "" : ", overall=" + overall)
        + (streamTotal == null ? "" : ", streamTotal=" + streamTotal)
        + "]";
  }
}
