package io.github.kimisdk.internal.chain;

import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.http.ErrorFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * How the client waits for and chains its futures: every failure leaves as the {@link
 * KimiException} it is, or is mapped once by {@link #kimi}, and cancelling a future handed out
 * cancels the work behind it.
 */
public final class Calls {

  private final ErrorFactory errors;
  private final Propagation propagation;

  /**
   * Creates the helper of one client that propagates no context; for tests of the machinery.
   *
   * @param errors builds the exceptions
   */
  public Calls(ErrorFactory errors) {
    this(errors, Propagation.none());
  }

  /**
   * Creates the helper of one client.
   *
   * @param errors builds the exceptions
   * @param propagation the caller's context: the client's propagators and executor
   */
  public Calls(ErrorFactory errors, Propagation propagation) {
    this.errors = errors;
    this.propagation = propagation;
  }

  /** Returns how the client carries its callers' context. */
  public Propagation propagation() {
    return propagation;
  }

  /** Returns the client's exception factory. */
  public ErrorFactory errors() {
    return errors;
  }

  /**
   * Returns {@code error} as a {@link KimiException}: unwrapped from completion wrappers, itself if
   * it is one, else mapped by {@link ErrorFactory#failure}. Every failure the client's futures and
   * blocking calls report passes here.
   */
  public KimiException kimi(Throwable error) {
    return errors.failure(error, null, null);
  }

  /**
   * Returns what a future handed out fails with for {@code error}: an {@link Error} as it is (never
   * wrapped, never retried), else {@link #kimi}'s exception. For callbacks, where a thrown {@code
   * Error} would be lost and leave the future pending.
   */
  public Throwable failure(Throwable error) {
    Error fatal = ErrorFactory.fatal(error);
    return fatal != null ? fatal : kimi(error);
  }

  /**
   * Waits for {@code f}: every blocking call of the client waits here. A failure is thrown as the
   * {@link KimiException} it is, with this thread's frames added to its trace when another thread
   * made it ({@link ErrorFactory#awaited}), so it shows the caller's line. An interrupt cancels
   * {@code f}, keeps the thread's interrupt status set and throws a {@link KimiException} saying
   * so.
   */
  public <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw errors.awaited(kimi(e));
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw kimi(e);
    }
  }

  /**
   * Returns a future of {@code f}'s value through {@code fn}; cancelling it cancels {@code f}. It
   * is of {@code f}'s kind ({@link CompletableFuture#newIncompleteFuture()}): a future the client
   * handed out gives one that runs its stages as that one does ({@link Propagation#handOut}).
   */
  public <R, T> CompletableFuture<T> map(CompletableFuture<R> f, Function<R, T> fn) {
    return compose(f, r -> CompletableFuture.completedFuture(fn.apply(r)));
  }

  /**
   * Runs {@code next} on the value of {@code f} without blocking; failures and cancellation as in
   * {@link #map}, for both futures.
   */
  public <R, T> CompletableFuture<T> compose(
      CompletableFuture<R> f, Function<R, CompletableFuture<T>> next) {
    CompletableFuture<T> out = f.newIncompleteFuture();
    f.whenComplete(
        (r, e) -> {
          if (e != null) {
            out.completeExceptionally(failure(e));
            return;
          }
          CompletableFuture<T> g;
          try {
            g = next.apply(r);
          } catch (RuntimeException d) {
            out.completeExceptionally(kimi(d));
            return;
          }
          Futures.cancelling(out, g);
          g.whenComplete(
              (x, y) -> {
                if (y != null) {
                  out.completeExceptionally(failure(y));
                } else {
                  out.complete(x);
                }
              });
        });
    return Futures.cancelling(out, f);
  }

  /**
   * Returns {@code call} bounded by {@code limit} on {@code scheduler}'s clock: past it the call is
   * cancelled and the result fails with what {@code late} makes; otherwise it completes as the call
   * does. No timer entry outlives the call.
   *
   * @param call the call
   * @param limit its bound
   * @param scheduler the clock and delayer
   * @param late makes the failure past the bound
   * @param <T> the value type
   * @return the bounded call
   */
  public static <T> CompletableFuture<T> bounded(
      CompletableFuture<T> call,
      java.time.Duration limit,
      io.github.kimisdk.base.flow.Scheduler scheduler,
      java.util.function.Supplier<KimiException> late) {
    if (call.isDone()) {
      return call;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    Runnable withdraw =
        scheduler.schedule(
            () -> {
              if (out.completeExceptionally(late.get())) {
                call.cancel(true);
              }
            },
            limit);
    call.whenComplete(
        (r, e) -> {
          withdraw.run();
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(r);
          }
        });
    return out;
  }

  /**
   * Returns a future failed with {@code error} as a {@link KimiException}, handed out as the
   * client's futures are ({@link Propagation#handOut(CompletableFuture)}).
   */
  public <T> CompletableFuture<T> failed(Throwable error) {
    return propagation.handOut(CompletableFuture.failedFuture(kimi(error)));
  }
}
