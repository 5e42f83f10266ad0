package io.github.kimisdk.internal.chain;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One call with its retries, as futures: prepared by its {@link Retrier}, wrapped by its caller,
 * then started. Each failed attempt is judged by the retrier's one rule ({@link Retrier#failed}),
 * as a stream's is, and the next goes where the call's route says ({@link Retrier#route}).
 *
 * <p>Thread model: attempts run one after another, each completing on whichever thread its answer
 * came on; {@code result} completes once. Guarded by {@code this}: the blocking caller's send and
 * its interrupt; the course ({@code state}) by its own lock.
 *
 * @param <T> the answer's type
 */
final class FutureCall<T> {
  private final Retrier retrier;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final Retrier.Attempts<T> attempt;
  private final Thread caller; // a blocking caller's thread, or null
  private final RetryState state;
  private volatile CompletableFuture<T> current;
  private Thread sendingHere; // the caller's thread while it sends (guarded by this)
  private boolean interruptedHere; // whether a cancel interrupted that send (guarded by this)

  FutureCall(Retrier retrier, Retrier.Attempts<T> attempt, Thread caller, RetryState state) {
    this.retrier = retrier;
    this.attempt = attempt;
    this.caller = caller;
    this.state = state;
  }

  /** Returns the call's outcome; cancelling it cancels the attempt in flight. */
  CompletableFuture<T> result() {
    return result;
  }

  /** Sends the first attempt; once. */
  void start() {
    CallContext context = retrier.context();
    state.started = context.scheduler().nanoTime();
    result.whenComplete(
        (r, e) -> {
          retrier.ended(state);
          CompletableFuture<T> c = current;
          if (c != null && !c.isDone()) {
            c.cancel(true);
          }
          synchronized (this) {
            if (sendingHere != null && !interruptedHere) {
              interruptedHere = true;
              sendingHere.interrupt(); // HttpClient.send abandons the exchange
            }
          }
        });
    Optional<Duration> overall = retrier.overall();
    if (overall.isPresent()) {
      Duration d = overall.get();
      Runnable withdraw =
          context
              .scheduler()
              .schedule(
                  () -> {
                    if (!result.isDone()) {
                      fail(retrier.timedOut(d));
                    }
                  },
                  d);
      result.whenComplete((r, e) -> withdraw.run()); // no timer entry outlives the call
    }
    next();
  }

  private void next() {
    if (!result.isDone()) {
      retrier.route(state, this::send, this::fail);
    }
  }

  /** Ends the call with {@code k}, its attempts counted and the earlier failures suppressed. */
  private void fail(KimiException k) {
    synchronized (state) {
      if (!result.isDone()) {
        result.completeExceptionally(
            retrier.finish(k, state.failures, Math.max(state.attempts, 1)));
      }
    }
  }

  private void send() {
    ConcurrencyGate.Permit permit = state.permit;
    state.permit = null; // the attempt's now: its gate gives it back when the attempt ends
    if (result.isDone()) {
      if (permit != null) {
        permit.release();
      }
      return;
    }
    boolean here = caller == Thread.currentThread();
    int n;
    synchronized (state) {
      n = ++state.attempts;
    }
    if (here) {
      synchronized (this) {
        sendingHere = caller;
      }
    }
    CompletableFuture<T> f;
    try {
      f = attempt.send(n, here, Math.max(state.target, 0), permit);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    } finally {
      if (here) {
        synchronized (this) {
          sendingHere = null;
          if (interruptedHere) {
            Thread.interrupted(); // the cancel's interrupt, not the caller's; the call ended
          }
        }
      }
    }
    if (permit != null) {
      f.whenComplete((r, e) -> permit.release()); // given back by its gate; else here
    }
    current = f;
    if (result.isDone()) {
      f.cancel(true);
      return;
    }
    f.whenComplete(
        (r, e) -> {
          Error fatal = ErrorFactory.fatal(e);
          if (e == null) {
            retrier.succeeded(state);
            result.complete(r);
          } else if (fatal != null) {
            result.completeExceptionally(fatal); // never retried
          } else {
            onFailure(retrier.context().calls().kimi(e));
          }
        });
  }

  /**
   * Ends the call with {@code reason} (its client closed), its attempts counted and the earlier
   * failures suppressed; cancelling the outcome cancels the attempt in flight. No effect once the
   * call ended.
   */
  void stop(KimiException reason) {
    fail(reason);
  }

  private void onFailure(KimiException k) {
    if (result.isDone()) {
      return;
    }
    Retrier.Step step = retrier.failed(state, k);
    if (step == null) {
      KimiException out = retrier.ending(state, k);
      synchronized (state) {
        if (!result.isDone()) {
          result.completeExceptionally(retrier.finish(out, state.failures, state.attempts));
        }
      }
      return;
    }
    retrier.after(step, this::next);
  }
}
