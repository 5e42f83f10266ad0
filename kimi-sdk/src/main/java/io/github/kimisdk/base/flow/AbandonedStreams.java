package io.github.kimisdk.base.flow;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Releases the streams their consumers dropped without closing them, as OkHttp does for a leaked
 * response and Netty's leak detector for a buffer: a stream read through its blocking iterator
 * holds a connection and a rate-limit permit until it ends, and one forgotten half-read would hold
 * them until the server finished its answer, or forever.
 *
 * <p>Design. A stream that starts its blocking iterator is {@linkplain #track tracked}: a phantom
 * reference to its handle (the object the consumer holds, through the public stream, the iterator
 * or the {@code java.util.stream.Stream}; nothing of the SDK's machinery refers to it) carries what
 * stopping it needs: its source, its iterator's subscriber and the line of the consumer's code that
 * started it. Once the handle is unreachable the collector enqueues the reference; a sweep then
 * stops a source that has not ended, which cancels its exchange and gives its permit back, and logs
 * one warning naming that line. Sweeps run when a stream is tracked and, while any tracked stream
 * is alive, once a second on the shared timer (which ends its thread when nothing is left). A
 * stream that ends or is closed is {@linkplain Tracked#done untracked} at once.
 *
 * <p>A stream consumed by a {@code Flow.Subscriber} is not tracked: its subscriber, which the
 * machinery holds, owns its life, and dropping the stream object is no leak.
 *
 * <p>Thread model: every method runs on any thread; {@link #LIVE} is a concurrent set, a reference
 * is stopped by the one sweep that removes it from the set, and {@link #SWEEPING} lets one periodic
 * sweep be scheduled at a time.
 */
public final class AbandonedStreams {

  // Not final only so that a test can hear the warning.
  static volatile System.Logger log = LazyLogger.of(AbandonedStreams.class.getName());
  private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
  private static final Set<Tracked> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean SWEEPING = new AtomicBoolean();
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final CodeSource SDK = codeSource(AbandonedStreams.class);
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private AbandonedStreams() {}

  /** One tracked stream: what stopping it needs, never the handle itself. */
  public static final class Tracked extends PhantomReference<Object> {
    private final String name;
    private final StoppablePublisher<?> source;
    private final BlockingSubscriber<?> consumer;
    private final StackTraceElement site;

    private Tracked(
        Object handle,
        String name,
        StoppablePublisher<?> source,
        BlockingSubscriber<?> consumer,
        StackTraceElement site) {
      super(handle, QUEUE);
      this.name = name;
      this.source = source;
      this.consumer = consumer;
      this.site = site;
    }

    /** Untracks the stream: it ended or was closed. Idempotent; any thread. */
    public void done() {
      if (LIVE.remove(this)) {
        clear();
      }
    }
  }

  /**
   * Tracks a stream whose blocking iterator starts now, on the consumer's thread.
   *
   * @param handle what the consumer holds; its becoming unreachable means the stream was dropped
   * @param name the public type's name, for the warning ({@code "ChatStream"})
   * @param source the stream's source, stopped when the stream is dropped before it ended
   * @param consumer the iterator's subscriber, told that the stream is being stopped
   * @return the tracking, to end with {@link Tracked#done()}
   */
  public static Tracked track(
      Object handle, String name, StoppablePublisher<?> source, BlockingSubscriber<?> consumer) {
    sweep();
    Tracked t =
        new Tracked(
            Objects.requireNonNull(handle, "handle"),
            name,
            Objects.requireNonNull(source, "source"),
            Objects.requireNonNull(consumer, "consumer"),
            callerSite());
    LIVE.add(t);
    scheduleSweep();
    return t;
  }

  /** Returns how many streams are tracked now; for tests. */
  static int tracked() {
    return LIVE.size();
  }

  /** Stops every stream whose handle the collector found unreachable; any thread. */
  static void sweep() {
    for (Reference<?> r; (r = QUEUE.poll()) != null; ) {
      Tracked t = (Tracked) r;
      if (LIVE.remove(t)) {
        release(t);
      }
    }
  }

  private static void release(Tracked t) {
    if (t.source.isEnded()) {
      return; // it ended; nothing is held
    }
    t.consumer.closing();
    t.source.stop(null);
    log.log(
        System.Logger.Level.WARNING,
        () ->
            "A "
                + t.name
                + " was dropped without close() before it ended, so its connection and rate-limit"
                + " permit were released now, when it was found unreachable. It was consumed at "
                + (t.site == null ? "an unknown place" : t.site)
                + ". Close every stream, for example with try-with-resources.");
  }

  private static void scheduleSweep() {
    if (!LIVE.isEmpty() && SWEEPING.compareAndSet(false, true)) {
      DaemonTimer.shared().schedule(AbandonedStreams::periodicSweep, PERIOD);
    }
  }

  private static void periodicSweep() {
    SWEEPING.set(false);
    sweep();
    scheduleSweep();
  }

  /** The first frame of the consumer's code: outside the SDK's classes and the JDK's. */
  private static StackTraceElement callerSite() {
    return WALKER.walk(CallerSite.FIND);
  }

  /**
   * Finds the consumer's frame. One class for what would be three lambdas: each lambda is a class
   * spun at its first use, and this runs on a fresh JVM's first stream.
   */
  private static final class CallerSite
      implements Function<Stream<StackWalker.StackFrame>, StackTraceElement>,
          Predicate<StackWalker.StackFrame> {
    static final CallerSite FIND = new CallerSite();

    @Override
    public StackTraceElement apply(Stream<StackWalker.StackFrame> frames) {
      Optional<StackWalker.StackFrame> first = frames.filter(this).findFirst();
      return first.isPresent() ? first.get().toStackTraceElement() : null;
    }

    @Override
    public boolean test(StackWalker.StackFrame f) {
      return !internal(f.getDeclaringClass());
    }
  }

  private static boolean internal(Class<?> c) {
    String n = c.getName();
    if (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.")) {
      return true;
    }
    CodeSource cs = codeSource(c);
    return cs == null
        ? SDK == null && c.getModule() == AbandonedStreams.class.getModule()
        : cs.equals(SDK);
  }

  private static CodeSource codeSource(Class<?> c) {
    try {
      return c.getProtectionDomain().getCodeSource();
    } catch (SecurityException e) {
      return null;
    }
  }
}
