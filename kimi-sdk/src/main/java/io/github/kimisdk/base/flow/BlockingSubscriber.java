package io.github.kimisdk.base.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A subscriber that turns a publisher into a blocking iterator for plain loops.
 *
 * <p>It requests {@code prefetch} items up front and tops demand up again each time half of them
 * were taken, so at most {@code prefetch} items wait in memory. {@link #hasNext()} blocks until an
 * item, the end or a failure arrives. A failure is rethrown by {@code hasNext()} and {@code next()}
 * once the items that arrived before it were taken: a {@code RuntimeException} or {@code Error} as
 * it is, an {@code IOException} wrapped in an {@link UncheckedIOException}, any other checked
 * exception wrapped in a {@code RuntimeException}. A {@code RuntimeException} signalled on another
 * thread gets the consumer's frames added to its trace ({@link Futures#withCallerFrames}), so it
 * shows the line that iterated. {@link #close()} cancels the subscription (releasing the
 * connection) and ends the iteration.
 *
 * <p>When the thread is interrupted while {@code hasNext()} waits, the interrupt flag is set again
 * and an exception is thrown: by default the subscription is cancelled and the exception is a
 * {@link CancellationException} whose cause is the {@code InterruptedException}; a subscriber made
 * with an interrupt handler throws what the handler returns (which stops the stream its own way).
 *
 * <p>{@link #closing()} announces that the stream is being stopped: a failure that arrives next is
 * thrown at once, ahead of the items still queued, because the consumer was told to stop.
 *
 * <p>The signal methods may be called from any thread; the iterator methods and {@code close()}
 * belong to the consuming thread ({@code close()} may also be called from another thread to wake
 * it).
 *
 * @param <T> the item type
 */
public final class BlockingSubscriber<T> implements Flow.Subscriber<T>, Iterator<T>, AutoCloseable {

  private static final Object COMPLETE = new Object();
  private static final Object CLOSED = new Object();

  private static final Flow.Subscription CANCELLED = Relay.NOTHING;

  /** A failure in the queue, behind the items that came before it, and the thread it came on. */
  private static final class Failure {
    final Throwable error;
    final Thread thread = Thread.currentThread();

    Failure(Throwable error) {
      this.error = error;
    }
  }

  private final int prefetch;
  private final int replenish;
  // Items and terminal markers, offered by the serial signals and taken by the consumer; the
  // consumer parks only when it is empty, with {@code waiter} set so an offer knows to wake it.
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private volatile Thread waiter;
  private volatile Failure overtaking; // a failure that arrived after closing(): taken first

  /** True while the consumer waits (or is about to wait) in {@code take()}; read by tests. */
  private volatile boolean waiting;

  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final Function<InterruptedException, RuntimeException> onInterrupt;
  private volatile boolean closed;
  private volatile boolean closing;

  // Consumer-thread state.
  private T next;
  private boolean finished;
  private Throwable failure;
  private int taken;

  /**
   * Creates a subscriber.
   *
   * @param prefetch how many items to request ahead; at least 1
   * @throws IllegalArgumentException if {@code prefetch} is less than 1
   */
  public BlockingSubscriber(int prefetch) {
    this(prefetch, null);
  }

  /**
   * Creates a subscriber whose interrupted consumer throws what {@code onInterrupt} returns.
   *
   * @param prefetch how many items to request ahead; at least 1
   * @param onInterrupt stops the stream and returns the exception to throw; null for the default
   * @throws IllegalArgumentException if {@code prefetch} is less than 1
   */
  public BlockingSubscriber(
      int prefetch, Function<InterruptedException, RuntimeException> onInterrupt) {
    this.onInterrupt = onInterrupt;
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1: " + prefetch);
    }
    this.prefetch = prefetch;
    this.replenish = Math.max(1, prefetch / 2);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    if (!subscription.compareAndSet(null, s)) {
      s.cancel(); // a second subscription, or closed before the first arrived
      return;
    }
    s.request(prefetch);
  }

  @Override
  public void onNext(T item) {
    offer(Objects.requireNonNull(item, "item"));
  }

  @Override
  public void onError(Throwable error) {
    Failure f = new Failure(Objects.requireNonNull(error, "error"));
    if (closing) {
      overtaking = f; // the consumer was told to stop: the failure goes ahead of the items
      wake();
    } else {
      offer(f);
    }
  }

  private void offer(Object o) {
    queue.offer(o);
    wake();
  }

  private void wake() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /** Takes what comes next, without waiting: a failure that overtakes, the close, or the queue. */
  private Object poll() {
    Failure f = overtaking;
    if (f != null) {
      return f;
    }
    return closed ? CLOSED : queue.poll();
  }

  /** Waits for what comes next. */
  private Object take() throws InterruptedException {
    Object o = poll();
    if (o != null) {
      return o;
    }
    waiting = true;
    waiter = Thread.currentThread();
    try {
      // A signal offers, then reads waiter; this thread sets waiter, then polls: one of the two
      // sees the other, so no item is left behind a parked consumer.
      boolean pulled = false;
      while ((o = poll()) == null) {
        // Before parking, once per wake-up, let a source that can do its pending work here do it
        // (parse what the HTTP client received): it then only wakes this thread for new bytes.
        if (!pulled && subscription.get() instanceof Pull p) {
          pulled = true;
          p.pull(Thread.currentThread());
          continue;
        }
        LockSupport.park(this);
        pulled = false;
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return o;
    } finally {
      waiter = null;
      waiting = false;
    }
  }

  /**
   * Announces that the stream is being stopped from outside: a failure arriving from now on is
   * thrown ahead of the items still queued. Any thread.
   */
  public void closing() {
    closing = true;
  }

  @Override
  public void onComplete() {
    offer(COMPLETE);
  }

  /**
   * Waits for the next item and tells whether there is one.
   *
   * @return true if {@link #next()} returns an item, false at the end or after {@link #close()}
   * @throws RuntimeException the stream's failure, as described in the class comment
   * @throws RuntimeException if the thread was interrupted while waiting, as the class comment says
   */
  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (next != null) {
      return true;
    }
    if (finished) {
      if (failure != null) {
        throw rethrow(failure);
      }
      return false;
    }
    Object o;
    try {
      o = take();
    } catch (InterruptedException e) {
      RuntimeException thrown;
      if (onInterrupt == null) {
        close();
        CancellationException ce =
            new CancellationException("interrupted while waiting for the next stream item");
        ce.initCause(e);
        thrown = ce;
      } else {
        thrown = onInterrupt.apply(e);
        finished = true;
        failure = thrown;
      }
      Thread.currentThread().interrupt();
      throw thrown;
    }
    if (o == CLOSED) {
      return false;
    }
    if (o == COMPLETE) {
      finished = true;
      return false;
    }
    if (o instanceof Failure f) {
      finished = true;
      failure = f.error;
      if (failure instanceof RuntimeException && f.thread != Thread.currentThread()) {
        Futures.withCallerFrames(failure);
      }
      throw rethrow(failure);
    }
    @SuppressWarnings("unchecked")
    T item = (T) o;
    next = item;
    if (++taken == replenish) {
      taken = 0;
      subscription.get().request(replenish);
    }
    return true;
  }

  /**
   * Returns the next item, waiting for it if needed.
   *
   * @return the next item
   * @throws NoSuchElementException at the end or after {@link #close()}
   * @throws RuntimeException the stream's failure, as described in the class comment
   */
  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream has no more items");
    }
    T item = next;
    next = null;
    return item;
  }

  /** Cancels the subscription and ends the iteration; calling it again has no effect. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription.getAndSet(CANCELLED);
    if (s != null) {
      s.cancel();
    }
    wake(); // a consumer blocked in hasNext() sees closed and returns false
  }

  private static RuntimeException rethrow(Throwable error) {
    if (error instanceof RuntimeException) {
      throw (RuntimeException) error;
    }
    if (error instanceof Error) {
      throw (Error) error;
    }
    if (error instanceof IOException) {
      throw new UncheckedIOException(error.getMessage(), (IOException) error);
    }
    throw new RuntimeException(error.getMessage(), error);
  }

  /** Returns whether the consumer waits (or is about to wait) for an empty queue; for tests. */
  public boolean consumerWaiting() {
    return waiting;
  }
}
