package io.github.kimisdk.internal.flow;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * The one contract of every stream the SDK hands out ({@code ChatStream}, {@code KimiEventStream},
 * {@code sse.EventStream}), written once: the public stream types hold one of these and delegate to
 * it.
 *
 * <p>The contract. A stream is cold: nothing happens until it is consumed, by one {@link
 * #subscribe} or one {@link #iterator()}; a second consumer, or one after {@link #close()}, is
 * refused ({@code onError(IllegalStateException)}, or the exception itself from {@code iterator}).
 * Closing it while it runs, from any thread, stops the source with {@link
 * StoppablePublisher#stop(InterruptedException)}: its consumer (a {@code Flow} subscriber or the
 * blocking iterator) fails with what {@code stop} returns, which says that the stream was closed; a
 * blocking consumer gets it ahead of the items still queued. A blocking consumer whose thread is
 * interrupted while it waits stops the source the same way with the interrupt, gets the failure
 * thrown and keeps its interrupt status set. A {@code Flow} subscriber that cancels ends the stream
 * quietly, as Reactive Streams wants. Closing a stream that ended, or never started, only refuses
 * later consumers. Every failure comes from the source, so for the SDK's own sources it is a {@code
 * KimiException} carrying what arrived where there is something.
 *
 * <p>Invariants (guarded by {@code lock}): {@code started} and {@code closed} only go from false to
 * true; {@code blocking} is set at most once, before {@code started}.
 *
 * @param <T> the item type
 */
public final class StreamHandle<T> {

  private static final int PREFETCH = 32;

  private final StoppablePublisher<T> source;
  private final String name;
  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private BlockingSubscriber<T> blocking;

  /**
   * Creates the handle of a stream.
   *
   * @param source the items; subscribed at most once
   * @param name the public type's name, for messages ({@code "ChatStream"})
   */
  public StreamHandle(StoppablePublisher<T> source, String name) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Returns a stoppable source over a publisher the SDK did not make: one {@link Relay} in front of
   * it, which a stop fails with {@code stopped}'s failure (cancelling the publisher).
   *
   * @param publisher the items; subscribed at most once
   * @param stopped makes the failure of a stop: the interrupt, or null for a close
   * @param <T> the item type
   * @return the source
   */
  public static <T> StoppablePublisher<T> foreign(
      Flow.Publisher<T> publisher, Function<InterruptedException, RuntimeException> stopped) {
    return new Foreign<>(
        Objects.requireNonNull(publisher, "publisher"), Objects.requireNonNull(stopped, "stopped"));
  }

  /**
   * Starts the stream and delivers its items to {@code subscriber}, honouring its demand; refuses a
   * second subscriber, or one after {@link #close()}, with {@code onError(IllegalStateException)}.
   *
   * @param subscriber receives the items
   */
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    String refusal;
    synchronized (lock) {
      refusal = refusal();
      if (refusal == null) {
        started = true;
      }
    }
    if (refusal != null) {
      Relay.refuse(subscriber, refusal);
      return;
    }
    source.subscribe(subscriber);
  }

  /**
   * Starts the stream and returns a blocking iterator over its items.
   *
   * @return the iterator
   * @throws IllegalStateException if the stream was consumed or closed
   */
  public Iterator<T> iterator() {
    BlockingSubscriber<T> b = new BlockingSubscriber<>(PREFETCH, source::stop);
    synchronized (lock) {
      String refusal = refusal();
      if (refusal != null) {
        throw new IllegalStateException(refusal);
      }
      blocking = b;
      started = true;
    }
    source.subscribeBlocking(b); // the iterator's thread waits for the items anyway
    return b;
  }

  private String refusal() {
    if (started) {
      String article = "AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
      return "This "
          + name
          + " was already consumed; "
          + article
          + name
          + " can be consumed only once";
    }
    return closed ? "This " + name + " is closed" : null;
  }

  /** What a {@link #close()} found. */
  public enum Closed {
    /** The stream had not been consumed: this close is the first, and nothing was started. */
    BEFORE_START,
    /** The stream had been consumed (it was stopped unless it had ended), or was closed before. */
    OTHERWISE
  }

  /**
   * Closes the stream: stops it when it runs, so that its consumer fails saying so, and refuses
   * later consumers. Idempotent; any thread.
   *
   * @return {@link Closed#BEFORE_START} for the first close of a stream never consumed, whose
   *     source was never subscribed to
   */
  public Closed close() {
    BlockingSubscriber<T> b;
    boolean wasStarted;
    synchronized (lock) {
      if (closed) {
        return Closed.OTHERWISE;
      }
      closed = true;
      b = blocking;
      wasStarted = started;
    }
    if (wasStarted && !source.isEnded()) {
      if (b != null) {
        b.closing(); // the failure goes ahead of the items still queued
      }
      source.stop(null);
    }
    return wasStarted ? Closed.OTHERWISE : Closed.BEFORE_START;
  }

  /**
   * Describes the state for {@code toString}: not started, started or closed.
   *
   * @return the state
   */
  public String state() {
    synchronized (lock) {
      return closed ? "closed" : started ? "started" : "not started";
    }
  }

  /** A publisher of someone else's behind one relay, which a stop fails. */
  private static final class Foreign<T> implements StoppablePublisher<T>, Relay.Owner {
    private final Flow.Publisher<T> publisher;
    private final Function<InterruptedException, RuntimeException> stopped;
    private volatile Relay<T> relay;
    private volatile boolean ended;

    Foreign(Flow.Publisher<T> publisher, Function<InterruptedException, RuntimeException> stopped) {
      this.publisher = publisher;
      this.stopped = stopped;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      Relay<T> r = new Relay<>(subscriber, this);
      relay = r;
      r.start();
      publisher.subscribe(r);
    }

    @Override
    public RuntimeException stop(InterruptedException interrupt) {
      RuntimeException failure = stopped.apply(interrupt);
      Relay<T> r = relay;
      if (r != null) {
        r.fail(failure);
      }
      return failure;
    }

    @Override
    public boolean isEnded() {
      Relay<T> r = relay;
      return ended || (r != null && r.isEnded());
    }

    @Override
    public void ended(Throwable error, boolean cancelled) {
      ended = true;
    }
  }
}
