package io.github.kimisdk.sse;

import io.github.kimisdk.internal.flow.StreamHandle;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * A blocking, single-use view of an event stream for plain loops and streams. It keeps the contract
 * of the SDK's other streams ({@code ChatStream}, {@code KimiEventStream}): it is cold, subscribing
 * to its publisher only when it is iterated or streamed, and can be consumed once. Closing it
 * cancels the subscription, which closes the connection when the events come from {@link
 * SseBodySubscribers}.
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
 * error, other unchecked exceptions as they are. A stream closed from another thread while it is
 * iterated fails the iterator with a {@link CancellationException} saying it was closed, ahead of
 * the events still queued; if the iterating thread is interrupted while it waits, the stream is
 * closed, the interrupt flag is set again and a {@link CancellationException} whose cause is the
 * interrupt is thrown. A stream closed before it is consumed refuses to be iterated ({@link
 * IllegalStateException}) and cancels its publisher at once (it subscribes only to cancel), so that
 * a response body behind it is released.
 *
 * <p>An {@code EventStream} is meant for one consuming thread; {@link #close()} may be called from
 * any thread.
 */
public final class EventStream implements Iterable<ServerSentEvent>, AutoCloseable {

  private final StreamHandle<ServerSentEvent, Void> handle;

  private EventStream(Flow.Publisher<ServerSentEvent> events) {
    this.handle =
        new StreamHandle<>(
            StreamHandle.foreign(events, EventStream::stopped), "EventStream", () -> null);
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
   * Subscribes to the events and returns the iterator over them. An event stream can be iterated
   * once.
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

  @Override
  public String toString() {
    return handle.toString();
  }
}
