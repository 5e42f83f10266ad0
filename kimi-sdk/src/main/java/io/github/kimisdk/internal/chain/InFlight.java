package io.github.kimisdk.internal.chain;

import io.github.kimisdk.errors.KimiException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The calls and streams of a client in flight, so that its close ends them, each the way it is
 * ended (a call with its retries counts its attempts).
 *
 * <p>Invariants: {@code closed} goes from false to true once; after it, every call tracked before
 * or after has been ended with the failure {@link #close} was given.
 */
public final class InFlight {

  private final Map<CompletableFuture<?>, Consumer<KimiException>> calls =
      new ConcurrentHashMap<>();
  private final Set<AutoCloseable> streams = Collections.newSetFromMap(new WeakHashMap<>());
  private final Supplier<KimiException> closedFailure;
  private volatile boolean closed;

  /** Tracks the calls of a client whose close fails each with what {@code closedFailure} makes. */
  public InFlight(Supplier<KimiException> closedFailure) {
    this.closedFailure = closedFailure;
  }

  /**
   * Has {@link #close()} end the call whose outcome is {@code f} through {@code stop}, until {@code
   * f} completes.
   */
  public void closing(CompletableFuture<?> f, Consumer<KimiException> stop) {
    calls.put(f, stop);
    f.whenComplete((r, e) -> calls.remove(f));
    if (closed) {
      stop.accept(closedFailure.get());
    }
  }

  /** Tracks an open stream until the client closes, which closes it. */
  public <S extends AutoCloseable> S open(S stream) {
    synchronized (streams) {
      streams.add(stream);
    }
    return stream;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Ends every call and stream in flight; false when it was closed already. */
  public boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    for (Consumer<KimiException> stop : calls.values()) {
      stop.accept(closedFailure.get()); // cancels the work behind it
    }
    List<AutoCloseable> open;
    synchronized (streams) {
      open = List.copyOf(streams);
      streams.clear();
    }
    for (AutoCloseable s : open) {
      try {
        s.close();
      } catch (Exception e) {
        throw new AssertionError(e); // the SDK's streams do not throw from close()
      }
    }
    return true;
  }
}
