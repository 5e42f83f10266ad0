package io.github.kimisdk.base.sse;

/**
 * Turns dispatched server-sent events into items of type {@code T} for an {@link SseSubscriber}.
 *
 * <p>All callbacks run inside the subscriber's drain loop, one at a time, never concurrently.
 *
 * @param <T> the item type the subscriber publishes
 */
public interface SseEventHandler<T> {

  /**
   * Handles one dispatched event. {@code data[off, off + len)} is the UTF-8 data payload (lines
   * joined by {@code '\n'}), valid only during the call. Throwing fails the stream with that
   * exception (upstream is cancelled).
   *
   * @param type the event type, {@code "message"} when the event named none
   * @param data holds the payload
   * @param off where the payload starts
   * @param len the payload length
   * @param lastEventId the last event ID, {@code ""} when none was set
   * @param out where items, completion and failure go
   * @throws Exception to fail the stream
   */
  void onEvent(String type, byte[] data, int off, int len, String lastEventId, Emitter<T> out)
      throws Exception;

  /**
   * Tells whether an event of this type only keeps the connection open, such as Anthropic Messages'
   * {@code ping}: it then does not count as the stream's progress for an idle clock that counts
   * data events ({@link SseSubscriber#idleNanos(long, boolean)}). Comment lines never reach a
   * handler and never count. The default: no event type is a keep-alive.
   *
   * @param type the event type, {@code "message"} when the event named none
   * @return true for a keep-alive
   */
  default boolean isKeepAlive(String type) {
    return false;
  }

  /**
   * Called once when the input ended (EOF) and {@link Emitter#complete()} was never called. The
   * default completes the stream. If this method neither completes nor fails the stream, the
   * subscriber completes it afterwards; if it throws, the stream fails with that exception.
   *
   * @param out where items, completion and failure go
   */
  default void onEndOfInput(Emitter<T> out) {
    out.complete();
  }

  /**
   * Maps any failure (I/O error from the HTTP client, parser limit, abort cause, handler throw)
   * before it reaches the downstream subscriber. Only the first failure of a stream is delivered.
   * The default returns {@code error} unchanged.
   *
   * @param error the failure
   * @return the failure the downstream subscriber receives
   */
  default Throwable mapError(Throwable error) {
    return error;
  }

  /**
   * Where a handler sends items and the end of the stream. Meant to be called from the handler's
   * callbacks; calls after the stream ended are ignored.
   *
   * @param <T> the item type
   */
  interface Emitter<T> {
    /**
     * Queues an item for the downstream subscriber, which receives it when it has demand.
     *
     * @param item the item, not null
     */
    void emit(T item);

    /**
     * Ends the stream now: cancels upstream (closing the connection) and completes the downstream
     * subscriber once the items already queued are delivered. Later events are not handled.
     */
    void complete();

    /**
     * Ends the stream with an error: cancels upstream and fails the downstream subscriber promptly,
     * dropping items not yet delivered.
     *
     * @param error the failure, passed through {@link SseEventHandler#mapError(Throwable)}
     */
    void fail(Throwable error);
  }
}
