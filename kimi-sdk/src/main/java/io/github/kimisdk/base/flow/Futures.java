package io.github.kimisdk.base.flow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The future chores written once: unwrapping a failure, passing cancellation on, and showing the
 * waiting thread in the trace of a failure made on another one.
 */
public final class Futures {

  /**
   * The frame that separates, in a trace, the frames of the thread that made a failure from those
   * of the thread that waited for it and threw it (printed as {@code _KIMI_SDK_._WAITED_FOR_BY_(the
   * thread below)}; Kotlin's coroutines mark theirs alike).
   */
  static final String BOUNDARY_CLASS = "_KIMI_SDK_";

  static final String BOUNDARY_METHOD = "_WAITED_FOR_BY_";

  private Futures() {}

  /**
   * Adds the current thread's frames to the end of {@code error}'s trace, below a boundary frame
   * that names the thread, once: the trace then shows both where the failure was made (an
   * HttpClient worker) and the line of the caller that waited for it. The JDK's {@code
   * HttpClient.send} shows its caller by throwing a new exception of the same kind; this keeps the
   * very exception (its type, fields, cause and suppressed ones) and only lengthens its trace.
   *
   * @param error a failure made on another thread, about to be thrown on this one
   * @param <T> its type
   * @return {@code error}
   */
  public static <T extends Throwable> T withCallerFrames(T error) {
    StackTraceElement[] made = error.getStackTrace();
    for (StackTraceElement e : made) {
      if (BOUNDARY_CLASS.equals(e.getClassName()) && BOUNDARY_METHOD.equals(e.getMethodName())) {
        return error; // already thrown here once (a stream's failure is thrown again on each call)
      }
    }
    StackTraceElement[] here = new Throwable().getStackTrace();
    // here[0] is this method: the caller's frames start at its caller
    int skip = Math.min(1, here.length);
    StackTraceElement[] both = new StackTraceElement[made.length + 1 + here.length - skip];
    System.arraycopy(made, 0, both, 0, made.length);
    both[made.length] =
        new StackTraceElement(
            BOUNDARY_CLASS,
            BOUNDARY_METHOD,
            "thread " + Thread.currentThread().getName() + ", below",
            -1);
    System.arraycopy(here, skip, both, made.length + 1, here.length - skip);
    error.setStackTrace(both);
    return error;
  }

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
   * Cancels {@code inner} when {@code outer} is cancelled or fails first: the future a caller holds
   * passes its cancellation (or a failure forced on it, such as the client's close) on to the work
   * it stands for.
   *
   * @param outer the future handed out
   * @param inner the work behind it
   * @param <F> the type of {@code outer}
   * @return {@code outer}
   */
  public static <F extends CompletableFuture<?>> F cancelling(F outer, Future<?> inner) {
    outer.whenComplete(
        (r, e) -> {
          if (e != null && !inner.isDone()) {
            inner.cancel(true);
          }
        });
    return outer;
  }
}
