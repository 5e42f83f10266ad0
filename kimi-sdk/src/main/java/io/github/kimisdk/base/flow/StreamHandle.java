package io.github.kimisdk.base.flow;

import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The one contract of every stream the SDK hands out ({@code ChatStream}, {@code sse.EventStream}),
 * written once: the public stream types are final, made by a factory over a {@code Flow.Publisher}
 * ({@link #sourceOf}), hold one of these and delegate each of their methods to it, so that they
 * differ only in their item type, their Javadoc and the failure a stop reports.
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
 * quietly, as Reactive Streams wants. Closing a stream that ended only refuses later consumers;
 * closing one never consumed also lets its source release what it holds ({@link
 * StoppablePublisher#discard()}). Every failure comes from the source, so for the SDK's own sources
 * it is a {@code KimiException} carrying what arrived where there is something.
 *
 * <p>Invariants (guarded by {@code lock}): {@code started} and {@code closed} only go from false to
 * true; {@code blocking} is set at most once, before {@code started}.
 *
 * @param <T> the item type
 * @param <M> the type of the response metadata the stream reports ({@code Void} for none)
 */
public final class StreamHandle<T, M> {

  private static final int PREFETCH = 32;

  private final StoppablePublisher<T> source;
  private final String name;
  private final String items;
  private final Supplier<? extends M> metadata;
  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private BlockingSubscriber<T> blocking;
  private AbandonedStreams.Tracked tracked; // while the blocking iterator runs
  // Items the blocking iterator handed out: written by the consuming thread alone, read by
  // toString on any thread without a lock (a description, which may lag by an item).
  private long read;

  /**
   * Creates the handle of a stream.
   *
   * @param source the items; subscribed at most once
   * @param name the public type's name, for messages ({@code "ChatStream"})
   * @param items what its items are called, in the plural ending in {@code s}, for {@link
   *     #toString()} ({@code "chunks"})
   * @param metadata returns the response metadata, or null until it arrived (or when there is none)
   */
  public StreamHandle(
      StoppablePublisher<T> source, String name, String items, Supplier<? extends M> metadata) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = Objects.requireNonNull(name, "name");
    this.items = Objects.requireNonNull(items, "items");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /**
   * Returns the source of a public stream made over {@code publisher}: the publisher itself when it
   * is the SDK's own (a call's, which knows how a stop of it reads, a {@code KimiException}), else
   * {@link #foreign} over it.
   *
   * @param publisher the items; subscribed at most once
   * @param stopped makes the failure of a stop of a foreign publisher: the interrupt, or null for a
   *     close
   * @param <T> the item type
   * @return the source
   * @throws NullPointerException if an argument is null
   */
  public static <T> StoppablePublisher<T> sourceOf(
      Flow.Publisher<T> publisher, Function<InterruptedException, RuntimeException> stopped) {
    Objects.requireNonNull(stopped, "stopped");
    return publisher instanceof StoppablePublisher<T> own ? own : foreign(publisher, stopped);
  }

  /**
   * Returns a stoppable source over a publisher the SDK did not make: one {@link Relay} in front of
   * it, which a stop fails with {@code stopped}'s failure (cancelling the publisher); discarded, it
   * subscribes to the publisher only to cancel.
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
    // Dropped without close() before it ends, the stream is stopped and its consumer's line is
    // logged: see AbandonedStreams. The iterator handed out holds this handle, so a consumer that
    // keeps only the iterator keeps the stream. Tracked outside the lock: tracking sweeps, which
    // may stop other streams.
    AbandonedStreams.Tracked t = AbandonedStreams.track(this, name, source, b);
    synchronized (lock) {
      String refusal = refusal();
      if (refusal != null) {
        t.done();
        throw new IllegalStateException(refusal);
      }
      blocking = b;
      started = true;
      tracked = t;
    }
    source.subscribeBlocking(b); // the iterator's thread waits for the items anyway
    return new Consuming<>(this, b, t);
  }

  /**
   * The iterator a consumer holds: the blocking subscriber, and this handle, which must stay
   * reachable for as long as the consumer can still read (the machinery holds only the subscriber).
   * It untracks the stream once the iteration ended.
   */
  private static final class Consuming<T> implements Iterator<T> {
    private final StreamHandle<T, ?> handle; // held while the consumer reads: see the class comment

    private final BlockingSubscriber<T> items;
    private final AbandonedStreams.Tracked tracked;

    Consuming(StreamHandle<T, ?> handle, BlockingSubscriber<T> items, AbandonedStreams.Tracked t) {
      this.handle = handle;
      this.items = items;
      this.tracked = t;
    }

    @Override
    public boolean hasNext() {
      boolean more;
      try {
        more = items.hasNext();
      } catch (RuntimeException | Error e) {
        tracked.done();
        throw e;
      } finally {
        java.lang.ref.Reference.reachabilityFence(this); // reachable while the consumer waits
      }
      if (!more) {
        tracked.done();
      }
      return more;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("the stream has no more items");
      }
      T item = items.next();
      handle.read++; // this thread alone writes it
      return item;
    }

    /** Names the iterator by its stream: {@code iterator of ChatStream[started, 3 chunks read]}. */
    @Override
    public String toString() {
      return "iterator of " + handle;
    }
  }

  /**
   * Starts the stream and returns its items as a sequential {@link Stream}, whose {@code close()}
   * closes this stream.
   *
   * @return the stream of items
   * @throws IllegalStateException if the stream was consumed or closed
   */
  public Stream<T> stream() {
    Spliterator<T> split =
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(split, false).onClose(this::close);
  }

  /**
   * Returns the response metadata once it arrived.
   *
   * @return the metadata, or empty before it arrived
   */
  public Optional<M> metadata() {
    return Optional.ofNullable(metadata.get());
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

  /**
   * Closes the stream: stops it when it runs, so that its consumer fails saying so, lets a source
   * never consumed release what it holds ({@link StoppablePublisher#discard()}), and refuses later
   * consumers. Idempotent; any thread.
   */
  public void close() {
    BlockingSubscriber<T> b;
    AbandonedStreams.Tracked t;
    boolean wasStarted;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      b = blocking;
      t = tracked;
      wasStarted = started;
    }
    if (t != null) {
      t.done();
    }
    if (!wasStarted) {
      source.discard(); // never subscribed, and never will be
    } else if (!source.isEnded()) {
      if (b != null) {
        b.closing(); // the failure goes ahead of the items still queued
      }
      source.stop(null);
    }
  }

  /**
   * Names the stream and its state, for the public type's {@code toString}: {@code ChatStream[not
   * started]}, {@code [started]}, {@code [ended]} or {@code [closed]}, then how many items the
   * iterator handed out and the response metadata once it arrived, such as {@code
   * ChatStream[started, 3 chunks read, ResponseMetadata[status=200, Msh-Request-Id=...]]}. Never an
   * item's content: no message text, and no request header (the key).
   *
   * @return the description
   */
  @Override
  public String toString() {
    String state;
    synchronized (lock) {
      state = closed ? "closed" : !started ? "not started" : source.isEnded() ? "ended" : "started";
    }
    StringBuilder sb = new StringBuilder(name).append('[').append(state);
    long n = read;
    if (n > 0) {
      // "1 chunk read", "3 chunks read"
      String noun = n == 1 ? items.substring(0, items.length() - 1) : items;
      sb.append(", ").append(n).append(' ').append(noun).append(" read");
    }
    M m = metadata.get();
    if (m != null) {
      sb.append(", ").append(m);
    }
    return sb.append(']').toString();
  }

  /**
   * A publisher of someone else's behind one relay, which a stop fails; discarded, it is subscribed
   * to only to cancel, so that a response body behind it is released.
   */
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
    public void discard() {
      publisher.subscribe(CancelAtOnce.INSTANCE);
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

  /** Cancels the subscription it gets. */
  private enum CancelAtOnce implements Flow.Subscriber<Object> {
    INSTANCE;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(Object item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
