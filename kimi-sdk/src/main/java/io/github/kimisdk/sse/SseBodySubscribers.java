package io.github.kimisdk.sse;

import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.base.sse.SseSubscriber;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Body subscribers that turn a {@code text/event-stream} response body into events.
 *
 * <p>Both kinds complete their body at once, so {@code HttpClient.send} returns as soon as the
 * headers arrive, and the events are read from the connection as they are consumed:
 *
 * <pre>{@code
 * HttpResponse<EventStream> response =
 *     client.send(request, info -> SseBodySubscribers.ofEventStream());
 * try (EventStream events = response.body()) {
 *   for (ServerSentEvent event : events) {
 *     System.out.println(event.data());
 *   }
 * }
 * }</pre>
 *
 * <p>They parse whatever body they get: check the status code and {@code Content-Type} in the body
 * handler first and pick another subscriber for an error response.
 */
public final class SseBodySubscribers {
  private SseBodySubscribers() {}

  /**
   * Returns a body subscriber whose body is a {@link Flow.Publisher} of the stream's events, with
   * {@linkplain SseLimits#defaults() default limits}.
   *
   * @return a new body subscriber
   * @see #ofEvents(SseLimits)
   */
  public static HttpResponse.BodySubscriber<Flow.Publisher<ServerSentEvent>> ofEvents() {
    return ofEvents(SseLimits.defaults());
  }

  /**
   * Returns a body subscriber whose body is a {@link Flow.Publisher} of the stream's events.
   *
   * <p>The publisher accepts one subscriber; a second one receives {@code onError} with an {@link
   * IllegalStateException}. It reads from the connection only as the subscriber requests events,
   * keeping at most the events of one network buffer ahead of demand. Cancelling the subscription
   * closes the connection. The subscriber's {@code onError} receives an {@link SseException} when
   * the stream exceeds {@code limits}, or the {@code IOException} of a broken connection after the
   * events that arrived before it; an event left unterminated when the body ends is discarded.
   *
   * @param limits the line and event size limits
   * @return a new body subscriber
   * @throws NullPointerException if {@code limits} is null
   */
  public static HttpResponse.BodySubscriber<Flow.Publisher<ServerSentEvent>> ofEvents(
      SseLimits limits) {
    Objects.requireNonNull(limits, "limits");
    return new SseSubscriber<>(EventHandler.INSTANCE, limits);
  }

  /**
   * Returns a body subscriber whose body is a blocking {@link EventStream}, with {@linkplain
   * SseLimits#defaults() default limits}.
   *
   * @return a new body subscriber
   * @see #ofEventStream(SseLimits)
   */
  public static HttpResponse.BodySubscriber<EventStream> ofEventStream() {
    return ofEventStream(SseLimits.defaults());
  }

  /**
   * Returns a body subscriber whose body is a blocking {@link EventStream} over {@link
   * #ofEvents(SseLimits)}. Close the stream to release the connection early.
   *
   * @param limits the line and event size limits
   * @return a new body subscriber
   * @throws NullPointerException if {@code limits} is null
   */
  public static HttpResponse.BodySubscriber<EventStream> ofEventStream(SseLimits limits) {
    return HttpResponse.BodySubscribers.mapping(ofEvents(limits), EventStream::of);
  }

  /** Makes a {@link ServerSentEvent} of each event. */
  private enum EventHandler implements SseEventHandler<ServerSentEvent> {
    INSTANCE;

    @Override
    public void onEvent(
        String type,
        byte[] data,
        int off,
        int len,
        String lastEventId,
        Emitter<ServerSentEvent> out) {
      out.emit(new ServerSentEvent(type, SseParser.decodeUtf8(data, off, len), lastEventId));
    }
  }
}
