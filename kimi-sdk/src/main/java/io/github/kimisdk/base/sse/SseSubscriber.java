package io.github.kimisdk.base.sse;

import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.flow.Pull;
import io.github.kimisdk.base.flow.Relay;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.sse.SseParser;
import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A body subscriber that parses a {@code text/event-stream} response body and publishes what its
 * {@link SseEventHandler} makes of the events, by demand.
 *
 * <p>Design. Every signal (upstream bytes, completion and errors, downstream requests and
 * cancellation, {@link #abort}, emitter calls) only records state and then runs {@link #drain()}.
 * The drain loop runs on one thread at a time (a work-in-progress counter, as in Methanol's {@code
 * AbstractSubscription}); it alone parses bytes, calls the handler and signals the downstream
 * subscriber, so those signals are serial and never re-entrant. An item the handler emits while the
 * subscriber has unmet demand and nothing is queued goes out at once, from inside the parse, so
 * events are never held back behind a failure later in the same buffer.
 *
 * <p>Demand. Upstream is asked for one {@code List<ByteBuffer>} at a time, and only when the
 * downstream subscriber has unmet demand, no parsed item is waiting and no received bytes are left
 * to parse. Received lists are parsed one {@code ByteBuffer} at a time, and only while demand is
 * unmet, so at most the events of one buffer wait ahead of demand.
 *
 * <p>Pulling. A blocking consumer that calls {@link Pull#pull} (the iterator, before it parks)
 * turns the parsing over to its own thread: from then on a received list is only queued and the
 * consumer woken, and the consumer's next pull parses it; the next list is asked for as soon as one
 * is taken up, so at most two lists are held. Terminal signals and abort still drain where they
 * arrive.
 *
 * <p>Termination. A handler {@code complete()} completes downstream after the queued items and
 * cancels upstream, which closes the connection. With a linger timer (the client's constructor),
 * upstream is instead read to its end, discarding what follows, so that the HTTP client can keep
 * the connection alive for the next call: a server sends the end of the body right after its last
 * event, but when that end has not yet been read, cancelling loses the connection (and the next
 * call pays a new TCP and TLS handshake). The linger ends, cancelling upstream, after {@link
 * #LINGER_MAX_BYTES} discarded bytes or when the timer fires, so a server that holds the body open
 * costs the connection, never a leak. A failure (handler {@code fail} or throw, a parser limit,
 * {@link #abort}, a non-positive request) cancels upstream and reaches downstream at once, once,
 * through {@link SseEventHandler#mapError}. An upstream error (the connection broke) is delivered
 * after the bytes that arrived before it. A throwing {@code onNext} counts as a cancellation
 * (Reactive Streams rule 2.13): upstream is cancelled and the error is logged.
 *
 * @param <T> the item type
 */
public final class SseSubscriber<T> implements HttpResponse.BodySubscriber<Flow.Publisher<T>> {
  private static final System.Logger LOG = LazyLogger.of(SseSubscriber.class.getName());

  private static final Flow.Subscription CANCELLED = Relay.NOTHING;

  /** The most bytes read and discarded after the end before the connection is given up. */
  static final int LINGER_MAX_BYTES = 64 * 1024;

  private final SseEventHandler<T> handler;
  private final SseParser parser;
  private final Publisher publisher = new Publisher();
  private final CompletableFuture<Flow.Publisher<T>> body;
  private final Emitter emitter = new Emitter();
  private final BiConsumer<Runnable, Duration> lingerTimer;
  private final Duration linger;
  private final LongSupplier clock;

  // Upstream: the HTTP client's body subscription and what it delivered.
  private final AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
  private final Queue<List<ByteBuffer>> received = new ConcurrentLinkedQueue<>();
  private volatile boolean upstreamRequested;
  private volatile boolean upstreamComplete;
  private volatile Throwable upstreamError;
  private volatile long lastActivityNanos;
  // When the stream last made progress on the data-event clock: a data event (not a keep-alive)
  // dispatched, or bytes of one arrived; when upstream subscribed until then.
  private volatile long lastProgressNanos;
  // A data event was dispatched since the clock was last read for it; the drain loop's own.
  private boolean dataEventDispatched;
  // The parser's event bytes as of the last event it dispatched, keep-alive or not: what a feed
  // adds beyond them belongs to the event not yet dispatched.
  private long dispatchedBytes;
  private volatile boolean sawBytes;
  private volatile boolean sawEvent;
  private volatile long demandSince; // when the downstream's demand last rose from zero
  // A blocking consumer that pulls (see Pull): new bytes wake it instead of being parsed here.
  private volatile Thread puller;

  // Downstream.
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile Flow.Subscriber<? super T> downstream;
  private final AtomicLong demand = new AtomicLong();
  private volatile boolean cancelled;
  private final AtomicReference<Throwable> pendingError = new AtomicReference<>();
  private volatile boolean completeRequested;
  private final Queue<T> items = new ConcurrentLinkedQueue<>();

  // Drain-loop state, touched only by the thread that holds the loop.
  private final AtomicInteger wip = new AtomicInteger();
  private Thread handlerThread; // the drain thread while it runs the parser or the handler
  private List<ByteBuffer> current;
  private int currentIndex;
  private boolean inputEnded;
  private volatile boolean done; // also read by idleNanos
  private boolean lingering; // done, reading upstream to its end to keep the connection
  private long discarded;
  private volatile boolean lingerExpired;
  private AtomicReference<SseSubscriber<?>> lingerRelease;

  /**
   * Creates a subscriber whose body is already complete with its one-subscriber publisher.
   *
   * @param handler turns events into items
   * @param limits the parser's line and event limits
   */
  public SseSubscriber(SseEventHandler<T> handler, SseLimits limits) {
    this(handler, limits, null, Duration.ZERO);
  }

  /**
   * Creates a subscriber that, after a handler {@code complete()}, reads the rest of the body for
   * at most {@code linger} (and {@link #LINGER_MAX_BYTES}) so the connection can be reused, as the
   * class comment describes.
   *
   * @param handler turns events into items
   * @param limits the parser's line and event limits
   * @param lingerTimer runs a task after a delay; null to cancel upstream at once on completion
   * @param linger how long to wait for the end of the body after completion
   */
  public SseSubscriber(
      SseEventHandler<T> handler,
      SseLimits limits,
      BiConsumer<Runnable, Duration> lingerTimer,
      Duration linger) {
    this(handler, limits, lingerTimer, linger, System::nanoTime);
  }

  /** As the public constructors, on {@code clock} in place of {@link System#nanoTime()}. */
  SseSubscriber(
      SseEventHandler<T> handler,
      SseLimits limits,
      BiConsumer<Runnable, Duration> lingerTimer,
      Duration linger,
      LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lingerTimer = lingerTimer;
    this.linger = Objects.requireNonNull(linger, "linger");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.parser = new SseParser(this::onEvent, Objects.requireNonNull(limits, "limits"));
    this.body = CompletableFuture.completedFuture(publisher);
    this.lastActivityNanos = clock.getAsLong();
    this.lastProgressNanos = lastActivityNanos;
  }

  @Override
  public CompletionStage<Flow.Publisher<T>> getBody() {
    return body;
  }

  /**
   * Returns the one-subscriber publisher of the items, the value of {@link #getBody()}, without
   * going through a future.
   *
   * @return the publisher
   */
  public Flow.Publisher<T> publisher() {
    return publisher;
  }

  /**
   * Cancels upstream (closing the connection) and fails the downstream subscriber with {@code
   * cause}, passed through {@link SseEventHandler#mapError}. Has no effect once the stream ended.
   * This is the hook for an idle timeout.
   *
   * @param cause why the stream is aborted
   */
  public void abort(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    emitter.fail(cause);
  }

  /**
   * Returns when bytes last arrived, or when this subscriber was created or subscribed if none have
   * arrived yet, as {@link System#nanoTime()}. Bytes are read only while the downstream subscriber
   * has unmet demand, so an idle watchdog should allow for a consumer that stopped requesting.
   *
   * @return the time of the last activity, in {@code System.nanoTime()} units
   */
  public long lastActivityNanos() {
    return lastActivityNanos;
  }

  /**
   * Returns {@link SseEventHandler#mapError}'s answer for {@code cause}: the failure the subscriber
   * gets when the stream is aborted with it now.
   *
   * @param cause why the stream would be aborted
   * @return the failure to deliver
   */
  public Throwable mapFailure(Throwable cause) {
    return mapError(Objects.requireNonNull(cause, "cause"));
  }

  /**
   * Returns for how long no bytes arrived while the downstream subscriber had unmet demand, in
   * nanoseconds at {@code now} ({@link System#nanoTime()}), or 0 when it wants nothing or the
   * stream ended: what an idle watchdog compares with its limit.
   *
   * @param now the current {@code System.nanoTime()}
   * @return the idle time, or 0
   */
  public long idleNanos(long now) {
    return idleNanos(now, false);
  }

  /**
   * Returns for how long the stream made no progress while the downstream subscriber had unmet
   * demand, as {@link #idleNanos(long)} does: with {@code dataEvents}, progress is a dispatched
   * event that is not a keep-alive ({@link SseEventHandler#isKeepAlive}), or bytes of such an event
   * arriving before it is dispatched (a line of it, or part of one: {@link
   * SseParser#eventBytes()}), counted from the subscription until the first, so that an event
   * arriving slowly keeps the stream alive while comment lines and pings never restart the clock;
   * without it, any bytes do. Bytes of an event whose {@code event} line has not yet ended count,
   * as the type they will have is not known (a ping's data line, after its type, never does).
   *
   * @param now the current {@code System.nanoTime()}
   * @param dataEvents whether only data events count as progress
   * @return the idle time, or 0
   */
  public long idleNanos(long now, boolean dataEvents) {
    if (done || demand.get() == 0) {
      return 0;
    }
    long since = dataEvents ? lastProgressNanos : lastActivityNanos;
    return Math.max(0, now - Math.max(since, demandSince));
  }

  /**
   * Tells whether the stream made progress yet: a data event arrived ({@code dataEvents}), or any
   * bytes of the body did.
   *
   * @param dataEvents whether only data events count as progress
   * @return true once it did
   */
  public boolean progressed(boolean dataEvents) {
    return dataEvents ? sawEvent : sawBytes;
  }

  // --- upstream signals (from the HTTP client) ---

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    Objects.requireNonNull(subscription, "subscription");
    if (!upstream.compareAndSet(null, subscription)) {
      subscription.cancel(); // a second subscription, or we were cancelled already
      return;
    }
    lastActivityNanos = clock.getAsLong();
    lastProgressNanos = lastActivityNanos;
    drain();
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    Objects.requireNonNull(buffers, "buffers");
    lastActivityNanos = clock.getAsLong();
    sawBytes = true;
    received.offer(buffers);
    // Cleared after the offer, so the drain loop never sees "nothing requested, nothing received".
    upstreamRequested = false;
    Thread p = puller;
    if (p != null && !done) {
      LockSupport.unpark(p); // it parses them on its own thread when it pulls
      if (done) {
        drain(); // ended meanwhile: the drain loop discards or lingers
      }
      return;
    }
    drain();
  }

  @Override
  public void onError(Throwable error) {
    Objects.requireNonNull(error, "error");
    upstreamError = error;
    upstreamRequested = false;
    drain();
  }

  @Override
  public void onComplete() {
    upstreamComplete = true;
    upstreamRequested = false;
    drain();
  }

  // --- the parser's listener, called inside the drain loop ---

  private void onEvent(String type, byte[] data, int off, int len, String lastEventId) {
    if (stopped()) {
      return; // the stream ended while events of the same buffer were still being dispatched
    }
    try {
      dispatchedBytes = parser.eventBytes();
      if (!handler.isKeepAlive(type)) {
        dataEventDispatched = true; // the clock is read once the buffer is parsed (stampProgress)
        if (!sawEvent) {
          // The first one is timed before it counts as seen: an idle check that finds it seen
          // (and so applies the idle limit, not the first-event budget) must also find its time,
          // not the subscription's, while the subscriber spends as long as it likes on it.
          lastProgressNanos = clock.getAsLong();
          sawEvent = true;
        }
      }
      handler.onEvent(type, data, off, len, lastEventId, emitter);
    } catch (Throwable e) {
      emitter.fail(e);
    }
  }

  private boolean stopped() {
    return completeRequested || cancelled || pendingError.get() != null;
  }

  // --- the drain loop ---

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      drainOnce();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drainOnce() {
    if (done) {
      if (!items.isEmpty()) {
        items.clear();
      }
      if (lingering) {
        linger();
      } else if (!received.isEmpty()) {
        received.clear(); // bytes that were in flight when the stream ended
      }
      return;
    }
    while (true) {
      Flow.Subscriber<? super T> s = downstream;
      if (cancelled) {
        terminate();
        return;
      }
      Throwable error = pendingError.get();
      if (error != null) {
        cancelUpstream();
        if (s != null) {
          terminate();
          signalError(s, error);
        }
        return;
      }
      if (completeRequested && lingerTimer == null) {
        cancelUpstream();
      }
      if (s == null) {
        return; // nothing can be delivered before the downstream subscriber arrives
      }
      if (!emitQueued(s)) {
        return;
      }
      if (!items.isEmpty()) {
        return; // no demand left; a request() brings us back
      }
      if (completeRequested) {
        if (lingerTimer != null) {
          startLinger();
        } else {
          terminate();
        }
        signalComplete(s);
        return;
      }
      // Read the end flags before looking for bytes: a buffer that arrived before the end signal
      // is then sure to be seen.
      boolean ended = upstreamComplete;
      Throwable broken = upstreamError;
      if (current == null && received.isEmpty()) {
        // Everything received is parsed and delivered: the end needs no demand.
        if (broken != null) {
          pendingError.compareAndSet(null, mapError(broken));
          continue;
        }
        if (ended && !inputEnded) {
          endOfInput();
          continue;
        }
      }
      if (demand.get() == 0) {
        return;
      }
      if (parseNextBuffer()) {
        continue;
      }
      requestUpstream();
      return;
    }
  }

  /** Delivers queued items while there is demand; false if the stream ended meanwhile. */
  private boolean emitQueued(Flow.Subscriber<? super T> s) {
    long requested = demand.get();
    long emitted = 0;
    while (emitted != requested) {
      if (cancelled || pendingError.get() != null) {
        break;
      }
      T item = items.poll();
      if (item == null) {
        break;
      }
      if (!signalNext(s, item)) {
        terminate();
        return false;
      }
      emitted++;
    }
    if (emitted != 0 && requested != Long.MAX_VALUE) {
      demand.addAndGet(-emitted);
    }
    return true;
  }

  /** Parses the next received buffer, if any; true if it made progress. */
  private boolean parseNextBuffer() {
    if (current == null) {
      current = received.poll();
      currentIndex = 0;
      if (current == null) {
        return false;
      }
      if (puller != null) {
        // A pulling consumer parses on its own thread: have the next list read meanwhile, so
        // that it is usually here when the consumer asks (at most this list and the next).
        requestUpstream();
      }
    }
    ByteBuffer buffer = null;
    while (currentIndex < current.size() && buffer == null) {
      ByteBuffer candidate = current.get(currentIndex++);
      if (candidate.hasRemaining()) {
        buffer = candidate;
      }
    }
    if (currentIndex == current.size()) {
      current = null; // drop a used-up list at once, so "nothing buffered" is seen exactly
    }
    if (buffer != null) {
      handlerThread = Thread.currentThread();
      try {
        long before = parser.eventBytes();
        parser.feed(buffer);
        // bytes of an event not yet dispatched arrived
        stampProgress(
            parser.eventBytes() > Math.max(before, dispatchedBytes)
                && !handler.isKeepAlive(parser.pendingEventType()));
      } catch (Throwable e) {
        emitter.fail(e); // a parser limit (the handler's throws are caught in onEvent)
      } finally {
        handlerThread = null;
      }
    }
    return true;
  }

  /**
   * Takes the time of progress on the data-event clock once per buffer parsed, not once per event:
   * the events of one buffer are dispatched within microseconds of each other, and reading the
   * clock for each of a stream's hundreds of events would cost more than the rest of the event's
   * bookkeeping.
   */
  private void stampProgress(boolean pendingData) {
    if (dataEventDispatched || pendingData) {
      dataEventDispatched = false;
      lastProgressNanos = clock.getAsLong();
    }
  }

  private void endOfInput() {
    inputEnded = true;
    parser.close();
    stampProgress(false);
    handlerThread = Thread.currentThread();
    try {
      handler.onEndOfInput(emitter);
    } catch (Throwable e) {
      emitter.fail(e);
    } finally {
      handlerThread = null;
    }
    if (pendingError.get() == null) {
      completeRequested = true;
    }
  }

  private void requestUpstream() {
    Flow.Subscription s = upstream.get();
    if (s == null || s == CANCELLED || upstreamRequested) {
      return;
    }
    if (upstreamComplete || upstreamError != null || !received.isEmpty()) {
      return;
    }
    upstreamRequested = true;
    s.request(1);
  }

  private void cancelUpstream() {
    if (upstreamComplete || upstreamError != null) {
      return; // upstream already ended
    }
    Flow.Subscription s = upstream.getAndSet(CANCELLED);
    if (s != null && s != CANCELLED) {
      s.cancel();
    }
  }

  /**
   * Ends the stream for the subscriber but keeps reading upstream to its end, discarding, so the
   * connection stays reusable; see the class comment.
   */
  private void startLinger() {
    done = true;
    downstream = null; // rule 3.13
    items.clear();
    current = null;
    if (upstreamComplete || upstreamError != null) {
      received.clear();
      return; // the body already ended: the connection is back in the pool
    }
    lingering = true;
    AtomicReference<SseSubscriber<?>> release = new AtomicReference<>(this);
    lingerRelease = release;
    try {
      lingerTimer.accept(lingerTimeout(release), linger);
    } catch (RuntimeException e) {
      lingerExpired = true; // no timer (a client being closed): give the connection up now
    }
    linger();
  }

  /**
   * The timer's task. It reaches the subscriber through {@code release}, which the linger clears
   * when it ends, so a pending timer does not keep a finished subscriber and its buffers reachable.
   */
  private static Runnable lingerTimeout(AtomicReference<SseSubscriber<?>> release) {
    return () -> {
      SseSubscriber<?> s = release.getAndSet(null);
      if (s != null) {
        s.lingerExpired = true;
        s.drain();
      }
    };
  }

  private void endLinger() {
    lingering = false;
    AtomicReference<SseSubscriber<?>> r = lingerRelease;
    if (r != null) {
      r.set(null);
      lingerRelease = null;
    }
  }

  /** One step of the linger: discard what arrived, then read on, or give the connection up. */
  private void linger() {
    List<ByteBuffer> got;
    while ((got = received.poll()) != null) {
      for (ByteBuffer b : got) {
        discarded += b.remaining();
      }
    }
    if (upstreamComplete || upstreamError != null) {
      endLinger(); // read to the end: the HTTP client keeps the connection
      return;
    }
    if (lingerExpired || discarded > LINGER_MAX_BYTES) {
      endLinger();
      cancelUpstream();
      return;
    }
    Flow.Subscription up = upstream.get();
    if (up != null && up != CANCELLED && !upstreamRequested) {
      upstreamRequested = true;
      up.request(1);
    }
  }

  private void terminate() {
    done = true;
    downstream = null; // rule 3.13: drop the subscriber once the stream ended
    cancelUpstream();
    received.clear();
    items.clear();
    current = null;
  }

  private Throwable mapError(Throwable error) {
    try {
      return Objects.requireNonNull(handler.mapError(error), "mapError returned null");
    } catch (Throwable e) {
      if (e != error) {
        e.addSuppressed(error);
      }
      return e;
    }
  }

  /** Calls onNext; false if it threw, which cancels the stream (Reactive Streams rule 2.13). */
  private boolean signalNext(Flow.Subscriber<? super T> s, T item) {
    try {
      s.onNext(item);
      return true;
    } catch (Throwable e) {
      cancelled = true;
      LOG.log(Level.WARNING, "SSE subscriber threw from onNext; the stream was cancelled", e);
      return false;
    }
  }

  private static void signalError(Flow.Subscriber<?> s, Throwable error) {
    try {
      s.onError(error);
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "SSE subscriber threw from onError", e);
    }
  }

  private static void signalComplete(Flow.Subscriber<?> s) {
    try {
      s.onComplete();
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "SSE subscriber threw from onComplete", e);
    }
  }

  // --- downstream ---

  private final class Publisher implements Flow.Publisher<T> {
    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      Objects.requireNonNull(subscriber, "subscriber");
      if (!subscribed.compareAndSet(false, true)) {
        Relay.refuse(
            subscriber, "an SSE body publisher has one subscriber only; it was already subscribed");
        return;
      }
      try {
        subscriber.onSubscribe(new Subscription());
      } catch (Throwable e) {
        cancelled = true;
        LOG.log(
            Level.WARNING, "SSE subscriber threw from onSubscribe; the stream was cancelled", e);
      }
      // Set only now, so no signal reaches the subscriber while onSubscribe runs.
      downstream = subscriber;
      drain();
    }
  }

  private final class Subscription implements Flow.Subscription, Pull {
    @Override
    public void pull(Thread waiter) {
      puller = waiter;
      drain();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        pendingError.compareAndSet(
            null,
            new IllegalArgumentException(
                "request(n) needs n > 0 (Reactive Streams rule 3.9), got " + n));
      } else {
        long current;
        long next;
        boolean timed = false;
        do {
          current = demand.get();
          if (current == 0 && !timed) {
            // Timed before the demand rises: an idle check that sees it wanted must measure from
            // now, not from when it last wanted something (perhaps long ago, before a slow item).
            demandSince = clock.getAsLong();
            timed = true;
          }
          next = current + n < 0 ? Long.MAX_VALUE : current + n;
        } while (!demand.compareAndSet(current, next));
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      drain();
    }
  }

  private final class Emitter implements SseEventHandler.Emitter<T> {
    @Override
    public void emit(T item) {
      Objects.requireNonNull(item, "item");
      if (stopped()) {
        return;
      }
      Flow.Subscriber<? super T> s = downstream;
      if (handlerThread == Thread.currentThread() && s != null && items.isEmpty()) {
        // Inside the drain loop with nothing queued: deliver now if there is demand, so events
        // are never held back behind a failure later in the same buffer.
        long requested = demand.get();
        if (requested > 0) {
          if (signalNext(s, item) && requested != Long.MAX_VALUE) {
            demand.decrementAndGet();
          }
          return;
        }
      }
      items.offer(item);
      drain();
    }

    @Override
    public void complete() {
      completeRequested = true;
      drain();
    }

    @Override
    public void fail(Throwable error) {
      Objects.requireNonNull(error, "error");
      if (!stopped()) {
        pendingError.compareAndSet(null, mapError(error));
      }
      drain();
    }
  }
}
