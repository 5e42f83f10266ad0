package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.StreamAbortedException;
import io.github.kimisdk.StreamException;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.flow.Relay;
import io.github.kimisdk.internal.flow.StoppablePublisher;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamCall;
import io.github.kimisdk.internal.http.StreamIdleException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * One streaming chat call as a cold, single-subscriber publisher. Subscribing hands the subscriber
 * a {@link Relay}; each attempt then waits for a rate-limit permit of its own (so a retry waits
 * behind the pause a 429 started, like everyone's), sends, and attaches its event stream to the
 * relay. An attempt that fails before a chunk reached the subscriber is retried as the {@link
 * Retrier} says; once one has, the stream's failure is final and carries what arrived. {@link
 * #stop} (a close, or the consumer's interrupt) fails the subscriber with a failure that says so
 * and is never retried.
 *
 * <p>Invariants (guarded by {@code this}): at most one attempt is in flight, {@code current}; a
 * permit is held only while its attempt runs; after {@code ended} nothing starts.
 */
public final class StreamingCall implements StoppablePublisher<ChatCompletionChunk>, Relay.Owner {

  private final Retrier retrier;
  private final ErrorFactory errors;
  private final ChatRequest request;
  private final IntFunction<StreamCall> newCall;
  private final RateLimiter limiter;
  private final long charge;
  private final BooleanSupplier clientClosed;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  // The pending idle check reaches this call only through this holder, cleared when the stream
  // ends, so a check still queued keeps no call, parser or accumulated chunks alive.
  private final WatchTask watchTask = new WatchTask();
  private final WatchTask totalTask = new WatchTask();
  // The whole-call timeout of RequestOptions, held the same way.
  private final WatchTask deadlineTask = new WatchTask();
  private final List<KimiException> failures = new ArrayList<>();

  private volatile StreamCall current;
  private Relay<ChatCompletionChunk> relay;
  private RateLimiter.Permit permit;
  private CompletableFuture<RateLimiter.Permit> acquiring;
  private RuntimeException stopped;
  private boolean ended;
  private int attempts;
  private long started;

  StreamingCall(
      Retrier retrier,
      ChatRequest request,
      IntFunction<StreamCall> newCall,
      RateLimiter limiter,
      long charge,
      BooleanSupplier clientClosed) {
    this.retrier = retrier;
    this.errors = retrier.errors();
    this.request = request;
    this.newCall = newCall;
    this.limiter = limiter;
    this.charge = charge;
    this.clientClosed = clientClosed;
  }

  /** Returns the metadata of the current attempt's response, or null before its headers. */
  public ResponseMetadata metadata() {
    StreamCall c = current;
    return c == null ? null : c.metadata();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Relay.refuse(
          subscriber, "This stream was already subscribed; a ChatStream can be consumed only once");
      return;
    }
    Relay<ChatCompletionChunk> r = new Relay<>(subscriber, this);
    RuntimeException early;
    synchronized (this) {
      relay = r;
      early = stopped;
      started = retrier.scheduler().nanoTime();
    }
    r.start();
    if (early != null) {
      r.fail(early);
      return;
    }
    Duration idle = retrier.timeouts().streamIdle();
    watchTask.check = () -> watch(idle);
    retrier.watchdog().schedule(watchTask, watchPeriod(idle));
    retrier
        .timeouts()
        .streamTotal()
        .ifPresent(
            total -> {
              totalTask.check = () -> stopWith(errors.streamTotalTimeout(total));
              retrier.watchdog().schedule(totalTask, total);
            });
    Duration deadline = retrier.callTimeout();
    if (deadline != null) {
      deadlineTask.check =
          () -> {
            if (!isEnded()) {
              stopWith(retrier.timedOut(deadline));
            }
          };
      retrier.scheduler().schedule(deadlineTask, deadline);
    }
    nextAttempt();
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
    CompletableFuture<RateLimiter.Permit> f = limiter.acquire(request.model(), charge, true);
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
              relay.fail(retrier.calls().failure(error)); // a charge that no longer fits
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
    StreamCall call;
    try {
      call = newCall.apply(n);
    } catch (RuntimeException e) {
      release(e);
      relay.fail(errors.finish(retrier.calls().kimi(e), failures, n));
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
    StreamCall attempt = call;
    call.start(
        relay,
        k -> {
          Throwable out = attemptFailed(attempt, k, false);
          if (out != null) {
            relay.fail(out);
          }
        });
  }

  @Override
  public Throwable upstreamFailed(Throwable error, boolean delivered) {
    return attemptFailed(current, error, delivered);
  }

  /**
   * Judges a failed attempt: returns the failure to deliver, or null when a retry was scheduled.
   * The permit goes back first, so that a 429 pauses the limiter before the retry queues for it.
   */
  private Throwable attemptFailed(StreamCall call, Throwable error, boolean delivered) {
    Error fatal = ErrorFactory.fatal(error);
    if (fatal != null) {
      if (call != null) {
        call.ended(fatal);
      }
      release(fatal);
      return fatal; // never wrapped, never retried
    }
    KimiException k = retrier.calls().kimi(error);
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
          k = a.reason(); // the caller saw no chunk: report (and retry) the plain failure
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
      retrier.scheduler().schedule(this::nextAttempt, wait);
      return null;
    }
    if (delivered && k instanceof StreamException se) {
      errors.resumeRequest(se, Retrier.resume(request, se.partial()));
    }
    return errors.finish(k, failures, made);
  }

  @Override
  public void ended(Throwable error, boolean cancelled) {
    StreamCall call;
    CompletableFuture<RateLimiter.Permit> f;
    boolean stop;
    synchronized (this) {
      ended = true;
      call = current;
      f = acquiring;
      acquiring = null;
      stop = stopped != null;
    }
    watchTask.check = null;
    totalTask.check = null;
    deadlineTask.check = null;
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

  @Override
  public RuntimeException stop(InterruptedException interrupt) {
    return stopWith(errors.closed(interrupt, clientClosed.getAsBoolean()));
  }

  /**
   * Ends the stream with {@code reason} (a close, an interrupt, the whole-call timeout), never
   * retried; once chunks were delivered the failure carries them.
   */
  private RuntimeException stopWith(KimiException reason) {
    Relay<ChatCompletionChunk> r;
    StreamCall call;
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
    if (failure instanceof StreamException se && r.delivered()) {
      errors.resumeRequest(se, Retrier.resume(request, se.partial()));
    }
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
    Relay<ChatCompletionChunk> r;
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

  private static Duration watchPeriod(Duration idle) {
    return Duration.ofNanos(Math.max(idle.toNanos() / 4, 1_000_000));
  }

  /** Aborts the stream when no bytes came for {@code idle} while the subscriber wanted some. */
  private void watch(Duration idle) {
    StreamCall call;
    synchronized (this) {
      if (ended) {
        watchTask.check = null;
        return;
      }
      call = current;
    }
    if (call != null && call.idleNanos(System.nanoTime()) >= idle.toNanos()) {
      call.abort(
          new StreamIdleException(
              "no data for "
                  + ErrorFactory.human(idle)
                  + " while the stream was read (Timeouts.withStreamIdle)"));
    }
    retrier.watchdog().schedule(watchTask, watchPeriod(idle));
  }

  /** A scheduled idle check that runs {@code check} unless it was cleared meanwhile. */
  private static final class WatchTask implements Runnable {
    volatile Runnable check;

    @Override
    public void run() {
      Runnable c = check;
      if (c != null) {
        c.run();
      }
    }
  }
}
