package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The public interceptors of one chat call, the client's then its options', split by where they run
 * ({@link Intercepting}); and, for a stream, what its chunks added up to so far, which the
 * once-per-attempt interceptors read when an attempt ended (set once the stream is consumed; read
 * on the thread that delivered its chunks, after them), and the observers its once-per-call
 * interceptors gave each chunk ({@code KimiInterceptor.Chain.onChunk}: added on the interceptors'
 * threads, a new array each time, read on the thread that delivers the chunks).
 */
public final class Interception {

  private static final KimiInterceptor[] NONE = new KimiInterceptor[0];
  private static final Observer[] NO_OBSERVERS = new Observer[0];
  private static final AtomicLong IDS = new AtomicLong();
  private static final System.Logger LOG = LazyLogger.of(CallTrace.LOGGER_NAME);
  private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

  private final long id = nextId();
  private final KimiInterceptor[] perCall;
  private final KimiInterceptor[] perAttempt;
  private volatile Supplier<ChatCompletion> streamed = () -> null;
  private volatile Observer[] observers = NO_OBSERVERS;

  /** A chunk observer, and the interceptor that gave it, which a failure of it names. */
  private record Observer(Consumer<? super ChatCompletionChunk> observer, KimiInterceptor by) {}

  private Interception(KimiInterceptor[] perCall, KimiInterceptor[] perAttempt) {
    this.perCall = perCall;
    this.perAttempt = perAttempt;
  }

  /**
   * Returns the interceptors of a call with {@code options} on a client with {@code client}'s, or
   * null when there are none: the call then takes the chain without their layers.
   */
  public static Interception of(List<KimiInterceptor> client, RequestOptions options) {
    List<KimiInterceptor> own = options.interceptors();
    if (client.isEmpty() && own.isEmpty()) {
      return null;
    }
    List<KimiInterceptor> calls = new ArrayList<>();
    List<KimiInterceptor> attempts = new ArrayList<>();
    for (List<KimiInterceptor> list : List.of(client, own)) {
      for (KimiInterceptor i : list) {
        (i.perAttempt() ? attempts : calls).add(i);
      }
    }
    return new Interception(
        calls.isEmpty() ? NONE : calls.toArray(NONE),
        attempts.isEmpty() ? NONE : attempts.toArray(NONE));
  }

  /**
   * Draws a call's id: the one counter of the JVM's calls, so that a call's interceptors ({@code
   * KimiInterceptor.Chain.callId()}), its listeners ({@code CallEvent.Call.id()}) and what builds
   * on them (telemetry) name it alike. A call with interceptors takes its {@code Interception}'s;
   * one without draws its own when someone listens to it.
   *
   * @return a new id, positive
   */
  static long nextId() {
    return IDS.incrementAndGet();
  }

  /** Returns the call's id, for {@code KimiInterceptor.Chain.callId()}. */
  long id() {
    return id;
  }

  /** Returns the interceptors that run once per attempt, or else once per call, in order. */
  public KimiInterceptor[] of(boolean attempts) {
    return attempts ? perAttempt : perCall;
  }

  /** Has {@code sofar} tell what the call's stream delivered; once, when it is consumed. */
  void streaming(Supplier<ChatCompletion> sofar) {
    streamed = sofar;
  }

  /** Returns what the call's stream delivered so far; null before it started. */
  ChatCompletion streamed() {
    return streamed.get();
  }

  /** Has {@code observer}, given by {@code by}, hear each chunk delivered from now on. */
  synchronized void onChunk(Consumer<? super ChatCompletionChunk> observer, KimiInterceptor by) {
    Observer[] now = Arrays.copyOf(observers, observers.length + 1);
    now[now.length - 1] = new Observer(observer, by);
    observers = now;
  }

  /**
   * Tells the observers of {@code chunk}, on the thread that delivers it, in {@code caller}'s
   * context; a failure is logged.
   */
  void chunk(ChatCompletionChunk chunk, CallerContext caller) {
    Observer[] all = observers;
    if (all.length == 0) {
      return;
    }
    ContextPropagator.Scope s = caller.restore();
    try {
      tell(all, chunk);
    } finally {
      s.close();
    }
  }

  private static void tell(Observer[] all, ChatCompletionChunk chunk) {
    for (Observer o : all) {
      try {
        o.observer().accept(chunk);
      } catch (RuntimeException e) {
        observerFailed(o.by(), e);
      }
    }
  }

  /** Logs that an observer {@code by} gave threw {@code e}: once per interceptor class. */
  static void observerFailed(KimiInterceptor by, RuntimeException e) {
    if (WARNED.add(by.getClass())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "The observer of the interceptor "
              + name(by)
              + " threw "
              + UserCode.thrown(e)
              + "; the call goes on (logged once per interceptor class)",
          e);
    }
  }

  /** The name of {@code interceptor} in a message: its own, escaped and cut, or its class's. */
  static String name(KimiInterceptor interceptor) {
    String n;
    try {
      n = interceptor.name();
    } catch (RuntimeException e) {
      n = null;
    }
    return n == null || n.isBlank() ? UserCode.name(interceptor.getClass()) : UserCode.given(n);
  }
}
