package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.StreamAbortedException;
import io.github.kimisdk.StreamException;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.flow.IdleWatch;
import io.github.kimisdk.internal.flow.Relay;
import io.github.kimisdk.internal.flow.StoppablePublisher;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamAttempt;
import io.github.kimisdk.internal.http.StreamIdleException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One streaming call as a cold, single-subscriber publisher: every stream of the SDK (a chat
 * stream, the events of {@code requestEvents}) runs on it. Subscribing hands the subscriber a
 * {@link Relay}; each attempt then waits for a rate-limit permit of its own (so a retry waits
 * behind the pause a 429 started, like everyone's), sends, and attaches its event stream to the
 * relay. An attempt that fails before an item reached the subscriber is retried as the {@link
 * Retrier} says; once one has, the stream's failure is final and carries what arrived. {@link
 * #stop} (a close, or the consumer's interrupt) fails the subscriber with a failure that says so
 * and is never retried.
 *
 * <p>Invariants (guarded by {@code this}): at most one attempt is in flight, {@code current}; a
 * permit is held only while its attempt runs; after {@code ended} nothing starts, and every timer
 * the call armed (idle watch, total time, whole-call deadline) is withdrawn.
 *
 * @param <T> the item type
 */
public final class StreamingCall<T> implements StoppablePublisher<T>, Relay.Owner {

  /** What one streaming call sends and how it is limited. */
  public record Spec<T>(
      IntFunction<StreamAttempt<T>> attempt,
      String model,
      long charge,
      Function<ChatCompletion, ChatRequest> resume) {

    /**
     * Checks the spec.
     *
     * @param attempt makes attempt {@code n} (from 1)
     * @param model the model, for the rate limiter's per-model pause; may be null
     * @param charge the token charge for the rate limiter
     * @param resume builds the request that continues the stream after what arrived, for a chat
     *     stream's failure; null for other streams
     */
    public Spec {
      Objects.requireNonNull(attempt, "attempt");
    }
  }

  private final CallContext context;
  private final Retrier retrier;
  private final ErrorFactory errors;
  private final Spec<T> spec;
  private final RateLimiter limiter;
  private final BooleanSupplier clientClosed;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final List<KimiException> failures = new ArrayList<>();

  private volatile StreamAttempt<T> current;
  private Relay<T> relay;
  private RateLimiter.Permit permit;
  private CompletableFuture<RateLimiter.Permit> acquiring;
  private RuntimeException stopped;
  private boolean ended;
  private int attempts;
  private long started;
  // The thread of a blocking consumer while it subscribes: its first attempt is sent on it.
  private Thread blockingThread;
  // Withdrawn when the stream ends, so no timer entry keeps the call, its parser or what arrived.
  private IdleWatch idle;
  private Runnable withdrawTotal = () -> {};
  private Runnable withdrawDeadline = () -> {};

  /**
   * Prepares a call; nothing is sent until it is subscribed to.
   *
   * @param context the clocks, failure mapping and timeouts the call runs on
   * @param retrier the call's retry rule and whole-call timeout
   * @param spec what is sent
   * @param limiter the client's rate limiter, or null
   * @param clientClosed tells whether the client is closing, for the message of a stopped stream
   */
  public StreamingCall(
      CallContext context,
      Retrier retrier,
      Spec<T> spec,
      RateLimiter limiter,
      BooleanSupplier clientClosed) {
    this.context = context;
    this.retrier = retrier;
    this.errors = context.errors();
    this.spec = spec;
    this.limiter = limiter;
    this.clientClosed = clientClosed;
  }

  /**
   * Returns the metadata of the current attempt's response.
   *
   * @return the metadata, or null before its headers
   */
  public ResponseMetadata metadata() {
    StreamAttempt<T> c = current;
    return c == null ? null : c.metadata();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    subscribe(subscriber, false);
  }

  /**
   * Subscribes like {@link #subscribe}, sending the first attempt on the calling thread (when no
   * rate limiter makes it wait for a permit): {@code HttpClient.send} instead of {@code sendAsync},
   * whose completion costs a new thread per call on a machine with fewer than 3 processors.
   */
  @Override
  public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
    subscribe(subscriber, true);
  }

  private void subscribe(Flow.Subscriber<? super T> subscriber, boolean blocking) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Relay.refuse(subscriber, "This stream was already subscribed; it can be consumed only once");
      return;
    }
    Relay<T> r = new Relay<>(subscriber, this);
    RuntimeException early;
    synchronized (this) {
      relay = r;
      early = stopped;
      started = context.scheduler().nanoTime();
      if (blocking) {
        blockingThread = Thread.currentThread();
      }
    }
    r.start();
    if (early != null) {
      r.fail(early);
      return;
    }
    Duration limit = context.timeouts().streamIdle();
    IdleWatch watch =
        IdleWatch.start(
            context.watchdog(),
            limit,
            now -> {
              StreamAttempt<T> c = current;
              return c == null ? 0 : c.idleNanos(now);
            },
            () -> {
              StreamAttempt<T> c = current;
              if (c != null) {
                c.abort(
                    new StreamIdleException(
                        "no data for "
                            + ErrorFactory.human(limit)
                            + " while the stream was read (Timeouts.withStreamIdle)"));
              }
            });
    Runnable total =
        context
            .timeouts()
            .streamTotal()
            .map(t -> context.watchdog().schedule(() -> stopWith(errors.streamTotalTimeout(t)), t))
            .orElse(() -> {});
    Duration deadline = retrier.callTimeout();
    Runnable dead =
        deadline == null
            ? () -> {}
            : context.scheduler().schedule(() -> stopWith(retrier.timedOut(deadline)), deadline);
    boolean over;
    synchronized (this) {
      over = ended;
      idle = watch;
      withdrawTotal = total;
      withdrawDeadline = dead;
    }
    if (over) {
      withdrawTimers();
    }
    try {
      nextAttempt();
    } finally {
      synchronized (this) {
        blockingThread = null;
      }
    }
  }

  /** Starts the next attempt: a permit first when the client limits its calls. */
  private void nextAttempt() {
    int n;
    synchronized (this) {
      if (ended || stopped != null) {
        return;
      }
      n = ++attempts;
    }
    if (limiter == null) {
      send(n);
      return;
    }
    CompletableFuture<RateLimiter.Permit> f = limiter.acquire(spec.model(), spec.charge(), true);
    synchronized (this) {
      acquiring = f;
      if (ended) {
        f.cancel(false);
      }
    }
    f.whenComplete(
        (p, error) -> {
          if (error != null) {
            if (!f.isCancelled()) {
              relay.fail(context.calls().failure(error)); // a charge that no longer fits
            }
            return;
          }
          boolean drop;
          synchronized (this) {
            acquiring = null;
            drop = ended;
            if (!drop) {
              permit = p;
            }
          }
          if (drop) {
            p.finish(RateLimiter.CANCELLED);
          } else {
            send(n);
          }
        });
  }

  private void send(int n) {
    StreamAttempt<T> call;
    try {
      call = spec.attempt().apply(n);
    } catch (RuntimeException e) {
      release(e);
      relay.fail(errors.finish(context.calls().kimi(e), failures, n));
      return;
    }
    synchronized (this) {
      if (ended) {
        call = null;
      } else {
        current = call;
      }
    }
    if (call == null) {
      release(RateLimiter.CANCELLED);
      return;
    }
    StreamAttempt<T> attempt = call;
    Consumer<Throwable> failed =
        k -> {
          Throwable out = attemptFailed(attempt, k, false);
          if (out != null) {
            relay.fail(out);
          }
        };
    boolean block;
    synchronized (this) {
      block = blockingThread == Thread.currentThread();
    }
    if (block) {
      call.startBlocking(relay, failed); // the iterator's thread waits for the items anyway
    } else {
      call.start(relay, failed);
    }
  }

  @Override
  public Throwable upstreamFailed(Throwable error, boolean delivered) {
    return attemptFailed(current, error, delivered);
  }

  /**
   * Judges a failed attempt: returns the failure to deliver, or null when a retry was scheduled.
   * The permit goes back first, so that a 429 pauses the limiter before the retry queues for it.
   */
  private Throwable attemptFailed(StreamAttempt<T> call, Throwable error, boolean delivered) {
    Error fatal = ErrorFactory.fatal(error);
    if (fatal != null) {
      if (call != null) {
        call.ended(fatal);
      }
      release(fatal);
      return fatal; // never wrapped, never retried
    }
    KimiException k = context.calls().kimi(error);
    if (call != null) {
      call.ended(k);
    }
    release(k);
    Duration wait = null;
    RuntimeException stop;
    int made;
    synchronized (this) {
      stop = stopped;
      made = attempts;
      if (stop == null && !ended) {
        if (!delivered && k instanceof StreamAbortedException a) {
          k = a.reason(); // the caller saw no item: report (and retry) the plain failure
        }
        failures.add(k);
        if (!delivered) {
          wait = retrier.nextDelay(k, made, started);
        }
      }
    }
    if (stop != null) {
      return stop; // closing is never retried
    }
    if (wait != null) {
      retrier.logRetry(made, k, wait);
      context.scheduler().schedule(this::nextAttempt, wait);
      return null;
    }
    resumable(k, delivered);
    return errors.finish(k, failures, made);
  }

  /** Gives a chat stream's failure, once items were delivered, the request that continues it. */
  private void resumable(Throwable failure, boolean delivered) {
    if (delivered && spec.resume() != null && failure instanceof StreamException se) {
      errors.resumeRequest(se, spec.resume().apply(se.partial()));
    }
  }

  @Override
  public void ended(Throwable error, boolean cancelled) {
    StreamAttempt<T> call;
    CompletableFuture<RateLimiter.Permit> f;
    boolean stop;
    synchronized (this) {
      ended = true;
      call = current;
      f = acquiring;
      acquiring = null;
      stop = stopped != null;
    }
    withdrawTimers();
    if (f != null) {
      f.cancel(false);
    }
    release(cancelled || stop ? RateLimiter.CANCELLED : error);
    if (call != null) {
      if (cancelled || error != null) {
        call.cancel(); // an exchange still waiting for its headers
      }
      call.ended(cancelled ? RateLimiter.CANCELLED : error);
    }
  }

  private void withdrawTimers() {
    IdleWatch w;
    Runnable total;
    Runnable deadline;
    synchronized (this) {
      w = idle;
      idle = null;
      total = withdrawTotal;
      deadline = withdrawDeadline;
      withdrawTotal = () -> {};
      withdrawDeadline = () -> {};
    }
    if (w != null) {
      w.stop();
    }
    total.run();
    deadline.run();
  }

  @Override
  public RuntimeException stop(InterruptedException interrupt) {
    return stopWith(errors.closed(interrupt, clientClosed.getAsBoolean()));
  }

  /**
   * Ends the stream with {@code reason} (a close, an interrupt, a total or whole-call timeout),
   * never retried; once items were delivered the failure carries what arrived.
   */
  private RuntimeException stopWith(KimiException reason) {
    Relay<T> r;
    StreamAttempt<T> call;
    synchronized (this) {
      if (stopped != null) {
        return stopped;
      }
      r = relay;
      call = current;
      if (r == null || ended || r.isEnded()) {
        stopped = reason; // not started (a later subscriber is failed at once) or over
        return reason;
      }
    }
    Throwable mapped = call == null ? reason : call.failureFor(reason);
    RuntimeException failure = mapped instanceof RuntimeException re ? re : reason;
    resumable(failure, r.delivered());
    synchronized (this) {
      if (stopped == null) {
        stopped = failure;
      }
      failure = stopped;
    }
    r.fail(failure);
    return failure;
  }

  @Override
  public boolean isEnded() {
    Relay<T> r;
    synchronized (this) {
      if (ended) {
        return true;
      }
      r = relay;
    }
    return r != null && r.isEnded();
  }

  /** Returns the current attempt's permit, if any, with {@code outcome}. */
  private void release(Throwable outcome) {
    RateLimiter.Permit p;
    synchronized (this) {
      p = permit;
      permit = null;
    }
    if (p != null) {
      p.finish(outcome);
    }
  }
}
