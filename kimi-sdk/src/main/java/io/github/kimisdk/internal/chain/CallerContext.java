package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.text.UserCode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caller's context of one call: what each of the client's {@link ContextPropagator}s captured
 * on the thread that made the call ({@code chat}, {@code stream}, ...), restored around each
 * callback the client runs for the call ({@link #restore}). {@link #NONE}, for a client with no
 * propagator, captures and restores nothing and touches no thread-local state.
 *
 * <p>A context already current on a thread is not restored again there: the thread that captured it
 * while it starts the call ({@link #enter}), and a callback inside another of the same call's
 * restores (a listener heard while a subscriber's signal runs), pay one thread-local read. A
 * propagator that throws is logged once per class on {@value CallTrace#LOGGER_NAME} and skipped.
 * Immutable.
 */
public final class CallerContext implements ContextPropagator.Captured {

  /** The context of a client without propagators: nothing captured, nothing restored. */
  public static final CallerContext NONE = new CallerContext(null, null);

  private static final ContextPropagator.Scope NOTHING = () -> {};
  private static final ThreadLocal<CallerContext> CURRENT = new ThreadLocal<>();
  private static final System.Logger LOG = LazyLogger.of(CallTrace.LOGGER_NAME);
  private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

  private final ContextPropagator[] propagators; // null for NONE
  // null for NONE; an entry is null where its propagator threw
  private final ContextPropagator.Captured[] captured;

  private CallerContext(ContextPropagator[] propagators, ContextPropagator.Captured[] captured) {
    this.propagators = propagators;
    this.captured = captured;
  }

  /**
   * Captures the current thread's context with every propagator, on the caller's thread.
   *
   * @param propagators the client's propagators, in the order they were added; not empty
   * @return the context
   */
  static CallerContext capture(ContextPropagator[] propagators) {
    ContextPropagator.Captured[] c = new ContextPropagator.Captured[propagators.length];
    for (int i = 0; i < c.length; i++) {
      try {
        c[i] = propagators[i].capture();
        if (c[i] == null) {
          throw new NullPointerException("capture() returned null");
        }
      } catch (RuntimeException e) {
        warn(propagators[i], "capture", e);
      }
    }
    return new CallerContext(propagators, c);
  }

  /**
   * Makes the captured context current on this thread, in the order the propagators were added,
   * unless it is current here already; the scope puts back what was there, in the reverse order.
   *
   * @return the scope; close it on this thread
   */
  @Override
  public ContextPropagator.Scope restore() {
    ContextPropagator.Captured[] c = captured;
    if (c == null) {
      return NOTHING;
    }
    CallerContext before = CURRENT.get();
    if (before == this) {
      return NOTHING;
    }
    ContextPropagator.Scope[] scopes = new ContextPropagator.Scope[c.length];
    for (int i = 0; i < c.length; i++) {
      if (c[i] != null) {
        try {
          scopes[i] = c[i].restore();
        } catch (RuntimeException e) {
          warn(propagators[i], "restore", e);
        }
      }
    }
    CURRENT.set(this);
    return new Restored(scopes, before);
  }

  /**
   * Marks this context current on this thread, which has it: the thread that captured it, while it
   * starts the call, so that what runs there meanwhile restores nothing. The scope unmarks it.
   *
   * @return the scope; close it on this thread
   */
  ContextPropagator.Scope enter() {
    if (captured == null) {
      return NOTHING;
    }
    CallerContext before = CURRENT.get();
    if (before == this) {
      return NOTHING;
    }
    CURRENT.set(this);
    return () -> put(before);
  }

  /**
   * Returns the context current on this thread: the call's whose callback or start runs here.
   *
   * @return the context, or null outside of every call
   */
  static CallerContext current() {
    return CURRENT.get();
  }

  private static void put(CallerContext before) {
    if (before == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(before);
    }
  }

  private static void warn(Object propagator, String what, RuntimeException e) {
    if (WARNED.add(propagator.getClass())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "The ContextPropagator "
              + UserCode.name(propagator.getClass())
              + " threw "
              + UserCode.thrown(e)
              + " in "
              + what
              + "; the call goes on without its context there (logged once per propagator class)",
          e);
    }
  }

  /** The scopes one restore opened, closed in the reverse order. */
  private final class Restored implements ContextPropagator.Scope {
    private final ContextPropagator.Scope[] scopes;
    private final CallerContext before;

    Restored(ContextPropagator.Scope[] scopes, CallerContext before) {
      this.scopes = scopes;
      this.before = before;
    }

    @Override
    public void close() {
      try {
        for (int i = scopes.length - 1; i >= 0; i--) {
          if (scopes[i] != null) {
            try {
              scopes[i].close();
            } catch (RuntimeException e) {
              warn(propagators[i], "close", e);
            }
          }
        }
      } finally {
        put(before);
      }
    }
  }
}
