package io.github.kimisdk;

import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.flow.StoppablePublisher;
import io.github.kimisdk.internal.flow.StreamHandle;
import io.github.kimisdk.sse.ServerSentEvent;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The server-sent events of a call to an endpoint the SDK does not model ({@link
 * KimiClient#requestEvents}), passed on as they come, {@code data: [DONE]} included (which ends the
 * stream). It keeps the contract every stream of the SDK keeps, as {@link
 * io.github.kimisdk.chat.ChatStream} does: it is cold (nothing is sent until it is subscribed to or
 * iterated), it can be consumed once (a {@code for} loop, {@link #stream()}, or one {@code Flow}
 * subscriber honouring its demand), its attempts are retried as the client's retry policy says
 * until the first event reached the consumer, and it holds its rate-limiter slot until it ends.
 *
 * <pre>{@code
 * try (KimiEventStream events = kimi.requestEvents("POST", "responses", body)) {
 *   for (ServerSentEvent e : events) {
 *     System.out.println(e.event() + ": " + e.data());
 *   }
 * }
 * }</pre>
 *
 * <p>Every failure is a {@link KimiException}: an {@link ApiException} when the server answers with
 * an error, a {@link DecodingException} when the answer is not an event stream. Closing it ({@link
 * #close()} or {@link KimiClient#close()}) while another thread consumes it, or interrupting the
 * consuming thread while it waits, fails that consumer with a {@link CancelledException} that says
 * so (an interrupted thread keeps its interrupt status set); a {@code Flow} subscriber that cancels
 * ends it quietly.
 */
public sealed class KimiEventStream
    implements Flow.Publisher<ServerSentEvent>, Iterable<ServerSentEvent>, AutoCloseable
    permits io.github.kimisdk.internal.client.SdkStreams.Events {

  private final StreamHandle<ServerSentEvent, ResponseMetadata> handle;

  /**
   * Creates the stream of a call the SDK makes; this class is sealed, so only the SDK's own streams
   * come this way.
   *
   * @param source the call's events, stopped by {@link #close()} or an interrupt
   * @param metadata returns the response metadata, or null until the response headers arrived
   */
  @SuppressWarnings("exports") // the SDK's own subclass is the only caller: this class is sealed
  protected KimiEventStream(
      StoppablePublisher<ServerSentEvent> source, Supplier<ResponseMetadata> metadata) {
    this.handle = new StreamHandle<>(source, "KimiEventStream", metadata);
  }

  /**
   * Starts the call and delivers its events to {@code subscriber}, honouring its demand. Only one
   * subscriber is allowed; a second one, or one arriving after {@link #close()}, receives {@code
   * onError(IllegalStateException)}.
   *
   * @param subscriber receives the events
   * @throws NullPointerException if {@code subscriber} is null
   */
  @Override
  public final void subscribe(Flow.Subscriber<? super ServerSentEvent> subscriber) {
    handle.subscribe(subscriber);
  }

  /**
   * Starts the call and returns a blocking iterator over its events. The request goes out on the
   * calling thread, which waits here for the response headers; {@code hasNext()} throws the
   * stream's {@link KimiException} when it failed (before the headers too), was closed or
   * interrupted.
   *
   * @return the iterator; it can be obtained once
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  @Override
  public final Iterator<ServerSentEvent> iterator() {
    return handle.iterator();
  }

  /**
   * Returns the events as a sequential {@link Stream}; closing that stream closes this one.
   *
   * @return the stream of events
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  public final Stream<ServerSentEvent> stream() {
    return handle.stream();
  }

  /**
   * Returns the response status and headers once they arrived.
   *
   * @return the metadata, or empty before the response headers arrived
   */
  public final Optional<ResponseMetadata> metadata() {
    return handle.metadata();
  }

  /**
   * Cancels the call: stops delivery and closes the connection. A consumer waiting on another
   * thread fails with a {@link CancelledException} saying the stream was closed. Idempotent; a
   * no-op once the stream has ended.
   */
  @Override
  public final void close() {
    handle.close();
  }

  @Override
  public final String toString() {
    return handle.toString();
  }
}
