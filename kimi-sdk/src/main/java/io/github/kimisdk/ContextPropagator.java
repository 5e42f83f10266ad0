package io.github.kimisdk;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Carries a context kept in a thread's state (a logging MDC, a tracing context, a container's
 * security or transaction context) from the thread that starts a call to every callback the client
 * runs for that call on its own threads: a container or framework supplies one, and a client runs
 * with every propagator added to it ({@link KimiClient.Builder#contextPropagator}).
 *
 * <p>The client calls {@link #capture()} once per call, on the caller's thread: the one that calls
 * {@code chat}, {@code chatAsync}, {@code request}, a platform call, or {@code stream} (a stream
 * read on another thread, such as a framework's worker, runs its callbacks in the context of the
 * thread that asked for it). Then, around each callback of that call it runs on another thread, it
 * makes the captured context current ({@link Captured#restore}) and puts back what was there after
 * ({@link Scope#close}): a {@link CallListener}'s moments, a {@link KimiInterceptor}'s {@code
 * intercept}, its chunk observers and the stages it composes on {@code proceed}, a {@code Flow}
 * subscriber's signals, the key supplier, and the stages of the futures the client returns, {@code
 * ...Async} ones without an executor included (they run on the client's executor, never on {@code
 * ForkJoinPool.commonPool()}). {@code docs/observability.md} ("What runs where") lists which thread
 * runs each.
 *
 * <pre>{@code
 * ContextPropagator mdc = () -> {
 *   Map<String, String> captured = MDC.getCopyOfContextMap();     // on the caller's thread
 *   return () -> {
 *     Map<String, String> before = MDC.getCopyOfContextMap();   // on the callback's thread
 *     set(captured);
 *     return () -> set(before);
 *   };
 * };
 * }</pre>
 *
 * <p>Rules. {@code capture} runs on the caller's thread and should only read what is current;
 * {@code restore} and the scope's {@code close} run in pairs on one thread, nested in the order the
 * propagators were added (the first restored first and closed last). All three must be quick and
 * must not block. One that throws does not break the call: the exception is logged once per class
 * at {@code WARNING} on {@code io.github.kimisdk.listener}, and that propagator's context is
 * missing where it threw. With no propagator added the client captures nothing and restores
 * nothing.
 */
@FunctionalInterface
public interface ContextPropagator {

  /**
   * Captures the current thread's context: called on the thread that starts a call.
   *
   * @return what makes that context current on another thread; never null
   */
  Captured capture();

  /**
   * Returns a propagator of a context a thread reads with {@code current} and sets with {@code
   * set}: SLF4J's or Log4j's MDC, a {@code ThreadLocal} of the application's own. Where a call
   * starts it reads the caller's context; around each callback it reads the callback thread's own,
   * sets the caller's, and sets the thread's own back after. SLF4J's MDC, without Spring (the
   * Spring modules add theirs on their own):
   *
   * <pre>{@code
   * ContextPropagator mdc = ContextPropagator.of(MDC::getCopyOfContextMap,
   *     map -> { if (map == null) MDC.clear(); else MDC.setContextMap(map); });
   * KimiClient kimi = KimiClient.builder().fromEnv().contextPropagator(mdc).build();
   * }</pre>
   *
   * <p>{@code current} should return a value the caller's later changes cannot reach (a copy, or an
   * immutable value), since it is read once per call and set around callbacks that may run after
   * the caller moved on. When both the captured and the thread's own context are null, a callback
   * sets nothing.
   *
   * @param current reads the current thread's context (may return null)
   * @param set makes a context current on this thread (receives null where the thread had none)
   * @param <T> the context's type
   * @return the propagator
   * @throws NullPointerException if {@code current} or {@code set} is null
   */
  static <T> ContextPropagator of(Supplier<? extends T> current, Consumer<? super T> set) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(set, "set");
    return () -> {
      T captured = current.get();
      return () -> {
        T before = current.get();
        if (captured == null && before == null) {
          return () -> {};
        }
        set.accept(captured);
        return () -> set.accept(before);
      };
    };
  }

  /** A context captured on one thread, to make current on others, as often as needed. */
  @FunctionalInterface
  interface Captured {

    /**
     * Makes the captured context current on this thread until the returned scope is closed.
     *
     * @return what puts back the context this thread had before; never null
     */
    Scope restore();
  }

  /** A restored context, ended by {@link #close()} on the thread that restored it. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {

    /** Puts back the context the thread had before the restore; throws nothing checked. */
    @Override
    void close();
  }
}
