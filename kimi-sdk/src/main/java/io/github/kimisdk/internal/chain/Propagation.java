package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.base.flow.Futures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The caller's context, for one client: its {@link ContextPropagator}s, which a call's {@link
 * CallerContext} captures once, and the executor the stages of every future the client hands out
 * run on when they name none ({@link #handOut}). One place per kind of hop applies it: the {@link
 * Chain} (a call's start: the capture; its future handed out; a stream's subscriber's signals), the
 * listeners ({@link CallTrace}), the public interceptors ({@link Intercepting}, {@link
 * Interception}) and the key ({@link Authenticating}). Immutable.
 */
public final class Propagation {

  private final ContextPropagator[] propagators; // null when there are none
  private final Executor executor;

  /**
   * Creates the propagation of a client.
   *
   * @param propagators the client's propagators, in the order they were added
   * @param executor the client's executor: what runs its HTTP callbacks and due timers (its own
   *     pool, or the caller's); a task it refuses (it was shut down) runs on the refused thread
   */
  public Propagation(List<ContextPropagator> propagators, Executor executor) {
    this.propagators = propagators.isEmpty() ? null : propagators.toArray(new ContextPropagator[0]);
    this.executor = safe(executor);
  }

  /**
   * Returns the propagation of a client without propagators whose handed-out futures' stages run
   * where they complete: for tests of the machinery, which build no executor.
   *
   * @return the propagation
   */
  public static Propagation none() {
    return new Propagation(List.of(), Runnable::run);
  }

  private static Executor safe(Executor e) {
    return task -> {
      try {
        e.execute(task);
      } catch (RejectedExecutionException shutDown) {
        task.run();
      }
    };
  }

  /**
   * Captures the context of a call that starts on this thread.
   *
   * @return the context; {@link CallerContext#NONE} when the client has no propagator
   */
  public CallerContext capture() {
    if (propagators == null) {
      return CallerContext.NONE;
    }
    return CallerContext.capture(propagators);
  }

  /**
   * Returns the context current on this thread: the one of the call whose start or callback runs
   * here, else captured now (a caller's thread).
   *
   * @return the context
   */
  CallerContext here() {
    if (propagators == null) {
      return CallerContext.NONE;
    }
    CallerContext c = CallerContext.current();
    return c != null ? c : capture();
  }

  /**
   * Returns {@code f} as the client hands its futures out: a future that completes as {@code f}
   * does, in {@code context} (so the stages it runs then run there, on whichever thread completes
   * it), and whose stages without an executor ({@code thenApplyAsync(fn)}) run on the client's
   * executor in {@code context}, as do those of every future derived from it, never on {@code
   * ForkJoinPool.commonPool()}; cancelling it cancels {@code f}.
   *
   * @param f the outcome
   * @param context the call's context
   * @param <T> the value type
   * @return the future to hand out
   */
  public <T> CompletableFuture<T> handOut(CompletableFuture<T> f, CallerContext context) {
    HandedFuture<T> out = new HandedFuture<>(async(context));
    f.whenComplete(
        (r, e) -> {
          ContextPropagator.Scope s = context.restore();
          try {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(r);
            }
          } finally {
            s.close();
          }
        });
    return Futures.cancelling(out, f);
  }

  /**
   * Returns {@code f} handed out as {@link #handOut(CompletableFuture, CallerContext)} does, in the
   * context current on this thread ({@link #here()}): for a future made of others (many calls, a
   * poll).
   *
   * @param f the outcome
   * @param <T> the value type
   * @return the future to hand out
   */
  public <T> CompletableFuture<T> handOut(CompletableFuture<T> f) {
    return handOut(f, here());
  }

  /** Returns what runs a stage in {@code context} on the client's executor. */
  private Executor async(CallerContext context) {
    if (context == CallerContext.NONE) {
      return executor;
    }
    return task ->
        executor.execute(
            () -> {
              ContextPropagator.Scope s = context.restore();
              try {
                task.run();
              } finally {
                s.close();
              }
            });
  }

  /**
   * A future the client hands out: its stages without an executor run on the client's, in the
   * call's context, and so do those of the futures derived from it.
   */
  private static final class HandedFuture<T> extends CompletableFuture<T> {
    private final Executor async;

    HandedFuture(Executor async) {
      this.async = async;
    }

    @Override
    public Executor defaultExecutor() {
      return async;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new HandedFuture<>(async);
    }
  }
}
