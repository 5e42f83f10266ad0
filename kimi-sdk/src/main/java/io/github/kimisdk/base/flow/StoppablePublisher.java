package io.github.kimisdk.base.flow;

import java.util.concurrent.Flow;

/**
 * A cold, single-subscriber publisher that can be stopped while it runs, telling its subscriber
 * why: the SDK's own streams, so that a consumer on another thread learns that its stream was
 * closed or its thread interrupted instead of seeing a quiet end.
 *
 * @param <T> the item type
 */
public interface StoppablePublisher<T> extends Flow.Publisher<T> {

  /**
   * Stops the stream, for good: it is not retried. A subscriber that has not ended gets {@code
   * onError} with the returned failure.
   *
   * @param interrupt the interrupt of the consuming thread, or null when the stream was closed
   * @return the failure that says so: the one the subscriber got, or, when the stream had not
   *     started or had already ended, one built the same way
   */
  RuntimeException stop(InterruptedException interrupt);

  /**
   * Subscribes a consumer whose thread, the calling one, blocks for the items anyway (the
   * iterator): the source may do the first of its work on this thread before returning, such as
   * sending the request and waiting for the response headers, instead of handing it to another. An
   * interrupt of the calling thread during that work stays set, for the consumer to act on. By
   * default, {@link #subscribe}.
   *
   * @param subscriber receives the items
   */
  default void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
    subscribe(subscriber);
  }

  /**
   * Releases what the source holds when its stream was closed before anyone consumed it; the source
   * is never subscribed to afterwards. By default nothing: the SDK's own sources hold nothing until
   * they are subscribed to.
   */
  default void discard() {}

  /**
   * Tells whether the stream ended: completed, failed, stopped or cancelled.
   *
   * @return true once ended
   */
  boolean isEnded();
}
