package io.github.kimisdk.internal.flow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The two future chores written once: unwrapping a failure and passing cancellation on. */
public final class Futures {

  private Futures() {}

  /**
   * Returns the cause inside {@link CompletionException} and {@link ExecutionException} wrappers.
   *
   * @param error a failure, possibly wrapped
   * @return the innermost failure that is not such a wrapper
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Cancels {@code inner} when {@code outer} is cancelled: the future a caller holds passes its
   * cancellation on to the work it stands for.
   *
   * @param outer the future handed out
   * @param inner the work behind it
   * @param <F> the type of {@code outer}
   * @return {@code outer}
   */
  public static <F extends CompletableFuture<?>> F cancelling(F outer, Future<?> inner) {
    outer.whenComplete(
        (r, e) -> {
          if (outer.isCancelled()) {
            inner.cancel(true);
          }
        });
    return outer;
  }
}
