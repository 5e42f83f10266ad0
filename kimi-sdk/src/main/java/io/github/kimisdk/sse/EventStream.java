package io.github.kimisdk.sse;

import io.github.kimisdk.base.flow.StreamHandle;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * A stream of server-sent events, single-use, for plain loops, streams and {@code Flow}
 * subscribers: the events of a response read with {@link SseBodySubscribers}, and the events of
 * {@code KimiClient.requestEvents}, a call to an endpoint the SDK does not model ({@code data:
 * [DONE]} passed on as it comes). It keeps the contract of the SDK's other stream, {@code
 * ChatStream}: it is cold, subscribing to its publisher (sending the call) only when it is
 * consumed, and can be consumed once: a {@code for} loop, {@link #stream()}, or one {@code Flow}
 * subscriber honouring its demand. Closing it cancels the subscription, which closes the
 * connection.
 *
 * <pre>{@code
 * try (EventStream events = EventStream.of(publisher)) {
 *   for (ServerSentEvent event : events) {
 *     if (event.data().equals("[DONE]")) {
 *       break;
 *     }
 *     handle(event);
 *   }
 * }
 * }</pre>
 *
 * <p>Iteration blocks until the next event arrives. A failure of the stream is thrown from the
 * iterator's {@code hasNext()} and {@code next()} after the events that arrived before it: an
 * {@link SseException} for a broken limit, an {@link java.io.UncheckedIOException} for an I/O
 * error, other unchecked exceptions as they are (the stream of a {@code KimiClient} fails with its
 * {@code KimiException}s alone, and retries until the first event reached its consumer). A stream
 * closed from another thread while it is iterated fails the iterator with a {@link
 * CancellationException} saying it was closed (a {@code KimiClient}'s stream: a {@code
 * CancelledException}), ahead of the events still queued; if the iterating thread is interrupted
 * while it waits, the stream is closed, the interrupt flag is set again and the same failure, whose
 * cause is the interrupt, is thrown. A {@code Flow} subscriber that cancels ends it quietly. A
 * stream closed before it is consumed refuses to be iterated ({@link IllegalStateException}) and
 * cancels its publisher at once (it subscribes only to cancel), so that a response body behind it
 * is released.
 *
 * <p>An {@code EventStream} is meant for one consuming thread; {@link #close()} may be called from
 * any thread.
 */
public final class EventStream
    implements Flow.Publisher<ServerSentEvent>, Iterable<ServerSentEvent>, AutoCloseable {

  private final StreamHandle<ServerSentEvent, Void> handle;

  private EventStream(Flow.Publisher<ServerSentEvent> events) {
    this.handle =
        new StreamHandle<>(
            StreamHandle.sourceOf(events, EventStream::stopped),
            "EventStream",
            "events",
            () -> null);
  }

  /**
   * Returns a blocking view of {@code events}; it subscribes to them when it is iterated or
   * streamed, and requests at most a few dozen events ahead of the loop.
   *
   * @param events the events to iterate over; subscribed at most once
   * @return the blocking view
   * @throws NullPointerException if {@code events} is null
   */
  public static EventStream of(Flow.Publisher<ServerSentEvent> events) {
    return new EventStream(Objects.requireNonNull(events, "events"));
  }

  private static RuntimeException stopped(InterruptedException interrupt) {
    CancellationException e =
        new CancellationException(
            interrupt != null
                ? "The EventStream was interrupted while its consumer waited, and closed"
                : "The EventStream was closed (close() on the stream) before it ended");
    e.initCause(interrupt);
    return e;
  }

  /**
   * Subscribes {@code subscriber} to the events, honouring its demand. Only one consumer is
   * allowed; a second one, or one arriving after {@link #close()}, receives {@code
   * onError(IllegalStateException)}.
   *
   * @param subscriber receives the events
   * @throws NullPointerException if {@code subscriber} is null
   */
  @Override
  public void subscribe(Flow.Subscriber<? super ServerSentEvent> subscriber) {
    handle.subscribe(subscriber);
  }

  /**
   * Subscribes to the events and returns the iterator over them. An event stream can be iterated
   * once. For a {@code KimiClient}'s stream the request goes out on the calling thread, which waits
   * here for the response headers.
   *
   * @return the iterator
   * @throws IllegalStateException if the stream was iterated, streamed or closed before
   */
  @Override
  public Iterator<ServerSentEvent> iterator() {
    return handle.iterator();
  }

  /**
   * Returns a sequential stream of the events; closing the returned stream closes this one.
   *
   * @return the stream of events
   * @throws IllegalStateException if the stream was iterated, streamed or closed before
   */
  public Stream<ServerSentEvent> stream() {
    return handle.stream();
  }

  /**
   * Cancels the subscription, closing the connection, and ends the iteration: an iterator waiting
   * on another thread fails with a {@link CancellationException} saying so. Calling it again has no
   * effect.
   */
  @Override
  public void close() {
    handle.close();
  }

  /**
   * Describes the stream, never its contents: its state ({@code not started}, {@code started},
   * {@code ended} or {@code closed}), the events its iterator handed out so far, such as {@code
   * EventStream[started, 3 events read]}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return handle.toString();
  }
}
