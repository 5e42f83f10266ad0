package io.github.kimisdk;

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
