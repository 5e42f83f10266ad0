package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * One attempt of a streaming call, as the layer that retries it sees it: sent by {@link #start},
 * watched while it runs, ended once. {@link HttpStreamAttempt} is the one over HTTP.
 *
 * @param <T> the item type
 */
public interface StreamAttempt<T> {

  /**
   * Sends the attempt. Its items, once the answer is a stream, go to {@code events}; a failure
   * before that goes to {@code failed}, once, and {@code events} sees nothing of this attempt.
   *
   * @param events subscribes to the items
   * @param failed hears a failure before the items started
   */
  void start(Flow.Subscriber<? super T> events, Consumer<Throwable> failed);

  /**
   * Sends the attempt like {@link #start}, on the calling thread when the attempt can: for a
   * consumer that blocks for the items anyway (the iterator). Returns once the answer's items
   * started or the attempt failed; an interrupt of the calling thread abandons the attempt and
   * stays set. By default, {@link #start}.
   *
   * @param events subscribes to the items
   * @param failed hears a failure before the items started
   */
  default void startBlocking(Flow.Subscriber<? super T> events, Consumer<Throwable> failed) {
    start(events, failed);
  }

  /**
   * Returns the response metadata.
   *
   * @return the metadata, or null before the response headers arrived
   */
  ResponseMetadata metadata();

  /** Abandons the exchange while no stream has started. */
  void cancel();

  /**
   * Returns for how long the started stream has made no progress while its subscriber wanted items:
   * received no data event ({@code dataEvents}; keep-alives do not count, and before the first one
   * the time since the stream started), or no bytes at all.
   *
   * @param now the current {@link System#nanoTime()}
   * @param dataEvents whether only data events count as progress
   * @return the idle time in nanoseconds, or 0
   */
  long idleNanos(long now, boolean dataEvents);

  /**
   * Tells whether the started stream has made progress yet: a data event ({@code dataEvents}), or
   * any bytes of its body.
   *
   * @param dataEvents whether only data events count as progress
   * @return true once it has; false before it started
   */
  boolean progressed(boolean dataEvents);

  /**
   * Aborts a started stream with {@code cause}; else no effect.
   *
   * @param cause why
   */
  void abort(Throwable cause);

  /**
   * Returns the failure the subscriber would get for {@code cause} now: once items arrived, one
   * carrying them where the stream keeps them; before, {@code cause} itself.
   *
   * @param cause the reason
   * @return the failure to deliver
   */
  Throwable failureFor(Throwable cause);

  /**
   * Notes, once, that the attempt ended: completed, failed ({@code error}) or cancelled.
   *
   * @param error the failure, or null
   */
  void ended(Throwable error);
}
