package io.github.kimisdk.base.flow;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one Flow stage between the SDK's sources and a subscriber: a subscription handed to the
 * subscriber at once, in front of upstreams that its {@link Owner} attaches later, one at a time (a
 * retry attaches the next one).
 *
 * <p>Design. The subscriber gets its subscription in {@link #start()}, before any upstream exists.
 * Requests made meanwhile are added up and passed on when an upstream attaches ({@link
 * #onSubscribe}); once one is attached, {@code request} goes straight through. Control signals
 * (request, cancel, attach, detach) hold the relay's lock for a few field updates only; items never
 * do. An upstream's terminal signal is the {@code Owner}'s to judge first: it either keeps the
 * subscriber waiting for another upstream (a retry, allowed only while no item was delivered, so
 * the outstanding demand is everything requested) or names the error to deliver.
 *
 * <p>Serialised signals. Items come from one upstream at a time, serially (Reactive Streams 1.3),
 * but a terminal signal may come from any thread: the owner's {@link #fail}, a {@code request(n <=
 * 0)}, the next upstream's end. They meet in a work-in-progress counter, as in RxJava's {@code
 * HalfSerializer}: {@code onNext} delivers only when it moves the counter from 0 to 1 and hands a
 * terminal that arrived meanwhile on when it steps back; a terminal delivers itself only when the
 * counter was 0. The counter never returns to 0 after the terminal, so nothing follows it. An item
 * costs one compare-and-set and one decrement, no lock and no allocation.
 *
 * <p>Rules kept: exactly one terminal signal, and none while {@code onSubscribe} runs; {@code
 * request(n <= 0)} cancels upstream and signals one {@code onError(IllegalArgumentException)}
 * (3.9); demand adds up to at most {@code Long.MAX_VALUE} (3.17); after {@code cancel} no signal at
 * all, and cancelling before an upstream attached refuses it when it comes; the subscriber is
 * forgotten once the relay ended (3.13); a subscriber that throws from {@code onNext} cancels the
 * relay (2.13). The {@code Owner} hears of the end exactly once, whichever way it came.
 *
 * @param <T> the item type
 */
public final class Relay<T> implements Flow.Subscription, Flow.Subscriber<T>, Pull {
  private static final System.Logger LOG = LazyLogger.of(Relay.class.getName());
  private static final Object COMPLETE = new Object();

  /** The owner of a relay: it decides on upstream failures and hears when the relay ends. */
  public interface Owner {

    /**
     * Judges the failure of the attached upstream. Returns the error to deliver, or null to keep
     * the subscriber waiting for another upstream, which the owner then attaches. A null is allowed
     * only while {@code delivered} is false, or on a relay made {@link #continuable()}.
     *
     * @param error the upstream's error
     * @param delivered whether any item reached the subscriber
     * @return the error to deliver, or null to wait for the next upstream
     */
    default Throwable upstreamFailed(Throwable error, boolean delivered) {
      return error;
    }

    /**
     * Hears, once, that the relay ended: completed ({@code error} null), failed, or cancelled.
     *
     * @param error the delivered error, or null
     * @param cancelled whether the subscriber cancelled
     */
    void ended(Throwable error, boolean cancelled);
  }

  /**
   * The subscription that does nothing: a refused subscriber's, and the mark a subscriber leaves
   * where its upstream was once it cancelled it.
   */
  public static final Flow.Subscription NOTHING =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  /**
   * Refuses a subscriber: a subscription that does nothing, then {@code
   * onError(IllegalStateException)} with {@code message}.
   *
   * @param subscriber the refused subscriber
   * @param message why, for the exception
   */
  public static void refuse(Flow.Subscriber<?> subscriber, String message) {
    try {
      subscriber.onSubscribe(NOTHING);
    } finally {
      subscriber.onError(new IllegalStateException(message));
    }
  }

  private volatile Flow.Subscriber<? super T> downstream;
  private final Owner owner;
  private final AtomicInteger wip = new AtomicInteger(1); // held by start() until onSubscribe ran
  private final AtomicReference<Object> terminal = new AtomicReference<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean delivered;
  private long emitted; // items delivered; written by onNext only, read under the lock after it
  private volatile boolean continuable;

  // Guarded by this; upstream is also read without the lock on the fast path of request.
  private volatile Flow.Subscription upstream;
  private long requested;
  private boolean cancelled;

  /**
   * Creates a relay for {@code downstream}; call {@link #start()} next.
   *
   * @param downstream the subscriber
   * @param owner decides on upstream failures and hears the end
   */
  public Relay(Flow.Subscriber<? super T> downstream, Owner owner) {
    this.downstream = Objects.requireNonNull(downstream, "downstream");
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  /**
   * Hands the subscriber its subscription. A terminal signal raised while {@code onSubscribe} runs
   * is delivered after it returned. Attach upstreams only after this.
   */
  public void start() {
    Flow.Subscriber<? super T> d = downstream;
    try {
      d.onSubscribe(this);
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "a subscriber threw from onSubscribe; the stream was cancelled", e);
      cancel();
    }
    if (wip.decrementAndGet() != 0) {
      emitTerminal();
    }
  }

  /**
   * Lets the owner attach another upstream after items were delivered (a stream continued from what
   * arrived): every request then goes through the relay's lock, so that the next upstream is asked
   * for exactly the demand the last one left unmet. Call before {@link #start()}.
   */
  public void continuable() {
    continuable = true;
  }

  /**
   * Tells whether an item reached the subscriber.
   *
   * @return true once an item was delivered
   */
  public boolean delivered() {
    return delivered;
  }

  /**
   * Tells whether the relay ended: completed, failed or cancelled.
   *
   * @return true once ended
   */
  public boolean isEnded() {
    return ended.get() || terminal.get() != null;
  }

  /**
   * Fails the subscriber with {@code error} unless the relay already ended, and cancels the
   * attached upstream. Safe from any thread, also while an item is being delivered.
   *
   * @param error the error
   * @return true if this was the relay's terminal signal
   */
  public boolean fail(Throwable error) {
    Objects.requireNonNull(error, "error");
    if (!terminal.compareAndSet(null, error)) {
      return false;
    }
    Flow.Subscription up;
    synchronized (this) {
      up = upstream;
      upstream = null;
    }
    if (up != null) {
      up.cancel();
    }
    if (wip.getAndIncrement() == 0) {
      emitTerminal();
    }
    return true;
  }

  // --- the subscription, as the subscriber sees it ---

  @Override
  public void request(long n) {
    if (n <= 0) {
      fail(new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams 3.9): " + n));
      return;
    }
    Flow.Subscription up = upstream;
    if (up != null && delivered && !continuable) {
      // Once an item went out no other upstream can follow, so the total asked is no longer
      // needed: pass the demand on without the lock (after a cancel the upstream ignores it).
      up.request(n);
      return;
    }
    synchronized (this) {
      if (cancelled) {
        return;
      }
      requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
      up = upstream;
    }
    if (up != null) {
      up.request(n);
    }
  }

  /**
   * Passes a blocking consumer's pull on to the attached upstream when it is a {@link Pull};
   * otherwise (no upstream yet, or one of someone else's) does nothing.
   *
   * @param waiter the consumer's thread
   */
  @Override
  public void pull(Thread waiter) {
    if (upstream instanceof Pull p) {
      p.pull(waiter);
    }
  }

  @Override
  public void cancel() {
    Flow.Subscription up;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      up = upstream;
      upstream = null;
    }
    downstream = null;
    if (up != null) {
      up.cancel();
    }
    end(null, true);
  }

  // --- the subscriber, as the attached upstream sees it ---

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    long n;
    synchronized (this) {
      if (cancelled || upstream != null || terminal.get() != null) {
        n = -1;
      } else {
        upstream = s;
        // the demand not yet met: a continuing upstream follows one that delivered items
        n = requested == Long.MAX_VALUE ? requested : requested - emitted;
      }
    }
    if (n < 0) {
      s.cancel();
    } else if (n > 0) {
      s.request(n);
    }
  }

  @Override
  public void onNext(T item) {
    Objects.requireNonNull(item, "item");
    if (wip.get() != 0 || !wip.compareAndSet(0, 1)) {
      return; // a terminal signal is on its way or went out: nothing follows it
    }
    Flow.Subscriber<? super T> d = downstream;
    if (d != null) {
      if (!delivered) {
        delivered = true;
      }
      emitted++;
      try {
        d.onNext(item);
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "a subscriber threw from onNext; the stream was cancelled", e);
        cancel();
      }
    }
    if (wip.decrementAndGet() != 0) {
      emitTerminal();
    }
  }

  @Override
  public void onError(Throwable error) {
    Objects.requireNonNull(error, "error");
    synchronized (this) {
      upstream = null; // it ended: the next upstream may attach
      if (cancelled) {
        return;
      }
    }
    if (terminal.get() != null) {
      return;
    }
    Throwable out = owner.upstreamFailed(error, delivered);
    if (out != null) {
      fail(out);
    }
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      upstream = null;
    }
    if (terminal.compareAndSet(null, COMPLETE) && wip.getAndIncrement() == 0) {
      emitTerminal();
    }
  }

  // --- the end ---

  private void emitTerminal() {
    Object t = terminal.get();
    Flow.Subscriber<? super T> d = downstream;
    downstream = null;
    Throwable error = t == COMPLETE ? null : (Throwable) t;
    // the owner hears first (the attempt is logged, its permit returned): a consumer that exits
    // the JVM the moment its stream completes must not lose the attempt's log line
    end(error, false);
    if (d != null) {
      try {
        if (error == null) {
          d.onComplete();
        } else {
          d.onError(error);
        }
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "a subscriber threw from its terminal signal", e);
      }
    }
  }

  private void end(Throwable error, boolean byCancel) {
    if (ended.compareAndSet(false, true)) {
      owner.ended(error, byCancel);
    }
  }
}
