package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.chat.ChatCompletion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The public interceptors of one chat call, the client's then its options', split by where they run
 * ({@link Intercepting}); and, for a stream, what its chunks added up to so far, which the
 * once-per-attempt interceptors read when an attempt ended (set once the stream is consumed; read
 * on the thread that delivered its chunks, after them).
 */
final class Interception {

  private static final KimiInterceptor[] NONE = new KimiInterceptor[0];
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final KimiInterceptor[] perCall;
  private final KimiInterceptor[] perAttempt;
  private volatile Supplier<ChatCompletion> streamed = () -> null;

  private Interception(KimiInterceptor[] perCall, KimiInterceptor[] perAttempt) {
    this.perCall = perCall;
    this.perAttempt = perAttempt;
  }

  /**
   * Returns the interceptors of a call with {@code options} on a client with {@code client}'s, or
   * null when there are none: the call then takes the chain without their layers.
   */
  static Interception of(List<KimiInterceptor> client, RequestOptions options) {
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

  /** Returns the call's id, for {@code KimiInterceptor.Chain.callId()}. */
  long id() {
    return id;
  }

  /** Returns the interceptors that run once per attempt, or else once per call, in order. */
  KimiInterceptor[] of(boolean attempts) {
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
}
