package io.github.kimisdk.base.flow;

/**
 * A subscription whose consumer can do the source's pending work itself: a blocking consumer that
 * found nothing queued calls {@link #pull} before it parks, so that the bytes the HTTP client
 * received are parsed and decoded on the consumer's thread, and the thread that received them only
 * queues them and wakes the consumer. {@code SseSubscriber}'s subscription is one; {@link Relay}
 * passes the call to its upstream.
 */
public interface Pull {

  /**
   * Runs the source's pending work on the calling thread, within the outstanding demand (items it
   * makes are signalled from inside this call), and from now on has the source wake {@code waiter}
   * ({@link java.util.concurrent.locks.LockSupport#unpark}) when new input arrives instead of
   * processing that input on the thread that received it.
   *
   * @param waiter the consumer's thread, which parks when nothing is queued
   */
  void pull(Thread waiter);
}
