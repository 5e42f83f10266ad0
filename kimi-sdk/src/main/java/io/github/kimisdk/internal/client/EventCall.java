package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.internal.flow.Futures;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamIdleException;
import io.github.kimisdk.internal.sse.SseSubscriber;
import io.github.kimisdk.sse.ServerSentEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * One call whose answer is an event stream the SDK does not model: attempts are retried as the
 * {@link Retrier} says until one answers with a 2xx event stream, each behind a rate-limit permit
 * (with a concurrency slot) that is held until its stream ends. The stream is then watched for
 * silence ({@code Timeouts.streamIdle}) and, with a whole-call timeout, for the time left.
 *
 * <p>A stream that already started is never retried: its failures reach the consumer.
 */
public final class EventCall {

  private final Retrier retrier;
  private final RateLimiter limiter;
  private final IntFunction<CompletableFuture<KimiResponse<SseSubscriber<ServerSentEvent>>>>
      attempt;
  private volatile Handle latest;

  /**
   * Prepares a call.
   *
   * @param retrier the call's retrier (policy, timeouts, scheduler)
   * @param limiter the client's rate limiter, or null
   * @param attempt sends attempt {@code n} (from 1); completes with the event subscriber when the
   *     headers of a 2xx event stream arrive
   */
  public EventCall(
      Retrier retrier,
      RateLimiter limiter,
      IntFunction<CompletableFuture<KimiResponse<SseSubscriber<ServerSentEvent>>>> attempt) {
    this.retrier = retrier;
    this.limiter = limiter;
    this.attempt = attempt;
  }

  /**
   * Sends the call. The future completes when a stream started, with its handle; cancelling it
   * cancels the attempt in flight.
   *
   * @return the started stream with the response metadata; fails with a {@link KimiException}
   */
  public CompletableFuture<KimiResponse<Handle>> start() {
    long started = retrier.scheduler().nanoTime();
    CompletableFuture<KimiResponse<Handle>> result = retrier.call(this::send);
    result.whenComplete(
        (r, e) -> {
          if (e != null) {
            Handle h = latest; // an attempt that succeeded as the call timed out or was cancelled
            if (h != null) {
              h.abort(retrier.calls().kimi(e));
            }
          } else {
            watch(r.value(), started);
          }
        });
    return result;
  }

  private CompletableFuture<KimiResponse<Handle>> send(int n) {
    if (limiter == null) {
      return started(n, null);
    }
    CompletableFuture<RateLimiter.Permit> permit = limiter.acquire(null, 0, true);
    return retrier.calls().compose(permit, p -> started(n, p));
  }

  /** Sends attempt {@code n} holding {@code permit}, which the stream returns when it ends. */
  private CompletableFuture<KimiResponse<Handle>> started(int n, RateLimiter.Permit permit) {
    CompletableFuture<KimiResponse<SseSubscriber<ServerSentEvent>>> f;
    try {
      f = attempt.apply(n);
    } catch (RuntimeException e) {
      if (permit != null) {
        permit.finish(e);
      }
      throw e;
    }
    CompletableFuture<KimiResponse<Handle>> out = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          if (e != null) {
            if (permit != null) {
              permit.finish(Futures.unwrap(e));
            }
            out.completeExceptionally(retrier.calls().kimi(e));
            return;
          }
          Handle h = new Handle(r.value(), permit, retrier.errors());
          latest = h;
          if (!out.complete(new KimiResponse<>(h, r.metadata()))) {
            h.abort(retrier.calls().kimi(new java.util.concurrent.CancellationException()));
          }
        });
    return Futures.cancelling(out, f);
  }

  /** Arms the idle watchdog and, with a whole-call timeout, the end of the time left. */
  private void watch(Handle h, long startedNanos) {
    Duration idle = retrier.timeouts().streamIdle();
    Duration period = Duration.ofNanos(Math.max(idle.toNanos() / 4, 1_000_000));
    h.idleCheck =
        () -> {
          if (h.sse.idleNanos(System.nanoTime()) >= idle.toNanos()) {
            h.abort(
                new StreamIdleException(
                    "no data for "
                        + ErrorFactory.human(idle)
                        + " while the stream was read (Timeouts.withStreamIdle)"));
          } else {
            retrier.watchdog().schedule(h.idleTask, period);
          }
        };
    retrier.watchdog().schedule(h.idleTask, period);
    Duration total = retrier.callTimeout();
    if (total != null) {
      long left = total.toNanos() - (retrier.scheduler().nanoTime() - startedNanos);
      h.deadlineCheck = () -> h.abort(retrier.timedOut(total));
      retrier.scheduler().schedule(h.deadlineTask, Duration.ofNanos(Math.max(0, left)));
    }
  }

  /**
   * A started event stream: its events, and the permit it holds until it completes, fails or is
   * cancelled.
   */
  public static final class Handle {
    private final SseSubscriber<ServerSentEvent> sse;
    private final RateLimiter.Permit permit;
    private final ErrorFactory errors;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    // Scheduled checks reach the stream only through these, cleared when it ends.
    private volatile Runnable idleCheck;
    private volatile Runnable deadlineCheck;
    private final Runnable idleTask = () -> run(idleCheck);
    private final Runnable deadlineTask = () -> run(deadlineCheck);

    Handle(SseSubscriber<ServerSentEvent> sse, RateLimiter.Permit permit, ErrorFactory errors) {
      this.sse = sse;
      this.permit = permit;
      this.errors = errors;
    }

    private static void run(Runnable check) {
      if (check != null) {
        check.run();
      }
    }

    /**
     * Returns the events as a one-subscriber publisher; a failure reaches the subscriber as a
     * {@link KimiException}.
     *
     * @return the publisher
     */
    public Flow.Publisher<ServerSentEvent> publisher() {
      return subscriber -> {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
          sse.publisher().subscribe(subscriber); // refused there, with onError
          return;
        }
        sse.publisher().subscribe(new Tap(subscriber));
      };
    }

    /**
     * Fails the stream with {@code cause} and closes its connection; no effect once it ended.
     *
     * @param cause why; a {@link KimiException}, or a failure mapped to one
     */
    public void abort(Throwable cause) {
      sse.abort(cause);
      if (!subscribed.get()) {
        end(cause); // nobody will see the failure, so nothing else returns the permit
      }
    }

    /** Tells whether the stream ended (completed, failed or cancelled). */
    public boolean isEnded() {
      return ended.get();
    }

    private void end(Throwable outcome) {
      if (ended.compareAndSet(false, true)) {
        idleCheck = null;
        deadlineCheck = null;
        if (permit != null) {
          permit.finish(outcome);
        }
      }
    }

    /** Passes every signal on, and ends the stream's bookkeeping on the terminal ones. */
    private final class Tap implements Flow.Subscriber<ServerSentEvent> {
      private final Flow.Subscriber<? super ServerSentEvent> downstream;

      Tap(Flow.Subscriber<? super ServerSentEvent> downstream) {
        this.downstream = downstream;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        downstream.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {
                s.request(n);
              }

              @Override
              public void cancel() {
                s.cancel();
                end(RateLimiter.CANCELLED);
              }
            });
      }

      @Override
      public void onNext(ServerSentEvent item) {
        downstream.onNext(item);
      }

      @Override
      public void onError(Throwable error) {
        Throwable k = errors.failure(error, null, null);
        end(k);
        downstream.onError(k);
      }

      @Override
      public void onComplete() {
        end(null);
        downstream.onComplete();
      }
    }
  }
}
