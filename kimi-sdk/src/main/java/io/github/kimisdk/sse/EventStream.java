package io.github.kimisdk.sse;

import io.github.kimisdk.internal.flow.BlockingSubscriber;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A blocking, single-use view of an event stream for plain loops and streams. Closing it cancels
 * the subscription, which closes the connection when the events come from {@link
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
 * error, other unchecked exceptions as they are. If the thread is interrupted while it waits, the
 * stream is closed, the interrupt flag is set again and a {@link CancellationException} is thrown.
 *
 * <p>An {@code EventStream} is meant for one consuming thread; {@link #close()} may be called from
 * any thread.
 */
public final class EventStream implements Iterable<ServerSentEvent>, AutoCloseable {
  private static final int PREFETCH = 32;

  private final BlockingSubscriber<ServerSentEvent> subscriber;
  private boolean iterated;

  private EventStream(BlockingSubscriber<ServerSentEvent> subscriber) {
    this.subscriber = subscriber;
  }

  /**
   * Subscribes to {@code events} now and returns a blocking view of them. At most a few dozen
   * events are requested ahead of the loop.
   *
   * @param events the events to iterate over
   * @return the blocking view
   * @throws NullPointerException if {@code events} is null
   */
  public static EventStream of(Flow.Publisher<ServerSentEvent> events) {
    Objects.requireNonNull(events, "events");
    BlockingSubscriber<ServerSentEvent> subscriber = new BlockingSubscriber<>(PREFETCH);
    events.subscribe(subscriber);
    return new EventStream(subscriber);
  }

  /**
   * Returns the iterator over the events. An event stream can be iterated once.
   *
   * @return the iterator
   * @throws IllegalStateException if the stream was iterated or streamed before
   */
  @Override
  public Iterator<ServerSentEvent> iterator() {
    if (iterated) {
      throw new IllegalStateException("an EventStream can be iterated only once");
    }
    iterated = true;
    return subscriber;
  }

  /**
   * Returns a sequential stream of the events; closing the returned stream closes this one.
   *
   * @return the stream of events
   * @throws IllegalStateException if the stream was iterated or streamed before
   */
  public Stream<ServerSentEvent> stream() {
    Spliterator<ServerSentEvent> spliterator =
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(spliterator, false).onClose(this::close);
  }

  /**
   * Cancels the subscription, closing the connection, and ends the iteration. Calling it again has
   * no effect.
   */
  @Override
  public void close() {
    subscriber.close();
  }
}
