package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.ForwardingSubscriber;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.StreamAttempt;
import io.github.kimisdk.internal.route.TargetParts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The layers of one client, in order, built once, each with the parts it uses: every call shape
 * hands its {@link Sending} (the call, described once) and its transport step to {@link #future} or
 * {@link #stream}, and each layer wraps the rest. Above the retrying layer a layer sees the call;
 * below it, each attempt, which the retrying layer makes ({@link Retrying}) and every layer below
 * reads for its target's parts, so every target's attempt takes the same chain. Immutable; the
 * cursors ({@link Futures}, {@link Streams}) are made per call.
 */
public final class Chain {

  /** Sends one attempt of a call whose answer is a future: the end of the chain. */
  @FunctionalInterface
  public interface FutureSend<T> {
    /**
     * Sends {@code sending}'s attempt.
     *
     * @param sending the attempt, its overrides heard by its trace
     * @return its answer
     */
    CompletableFuture<T> send(Sending sending);
  }

  /** Makes one attempt of a call whose answer is a stream. */
  @FunctionalInterface
  public interface StreamSend<T> {
    /**
     * Makes attempt {@code n} of {@code sending}.
     *
     * @param sending the call, its overrides heard by its trace
     * @param n the attempt number, from 1
     * @return the attempt, not yet sent
     */
    StreamAttempt<T> attempt(Sending sending, int n);
  }

  /**
   * A prepared stream and the metadata of its current attempt.
   *
   * @param stream the stream, as the interceptors wrapped it
   * @param metadata the current attempt's response metadata (null before its headers)
   */
  public record Opened<T>(StoppablePublisher<T> stream, Supplier<ResponseMetadata> metadata) {}

  private final Interceptor[] interceptors;
  private final CallContext context; // what a stream's retries run on
  private final BooleanSupplier closed; // whether the client is closing, for a stopped stream

  public Chain(CallContext context, BooleanSupplier closed, List<Interceptor> interceptors) {
    this.context = context;
    this.closed = closed;
    this.interceptors = interceptors.toArray(new Interceptor[0]);
  }

  /** Returns this chain with {@code extra} last, just before the transport; for tests. */
  public Chain with(Interceptor extra) {
    List<Interceptor> all = new ArrayList<>(List.of(interceptors));
    all.add(extra);
    return new Chain(context, closed, all);
  }

  /**
   * Runs a call whose answer is a future; its first attempt is sent once every interceptor wrapped
   * the answer, so a cancel or a close reaches it even while it is sent on this thread. The
   * caller's context is captured here, on the caller's thread, and the answer is handed out in it
   * ({@link Propagation#handOut}).
   */
  public <T> CompletableFuture<T> future(Sending sending, FutureSend<T> send) {
    Propagation propagation = context.calls().propagation();
    CallerContext caller = propagation.capture();
    ContextPropagator.Scope here = caller.enter();
    try {
      Futures<T> head = new Futures<>(this, 0, send, new AtomicReference<>());
      CompletableFuture<T> out = head.proceed(sending.carrying(caller));
      head.startNow();
      // handed out here, where the context is current: a call already ended (a blocking one)
      // completes it without restoring what this thread has
      return propagation.handOut(out, caller);
    } finally {
      here.close();
    }
  }

  /**
   * Prepares a call whose answer is a stream; nothing is sent until it is subscribed to. The
   * caller's context is captured here, on the thread that asks for the stream, and restored where
   * it is consumed, which may be another thread (a framework's worker), and around a {@code Flow}
   * subscriber's signals ({@link Carried}).
   */
  public <T> Opened<T> stream(
      Sending sending,
      StreamSend<T> send,
      BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume) {
    CallerContext caller = context.calls().propagation().capture();
    Streams<T> head = new Streams<>(this, 0, send, resume, new StreamingCall<?>[1]);
    StoppablePublisher<T> out = head.proceed(sending.carrying(caller));
    return new Opened<>(
        caller == CallerContext.NONE ? out : new Carried<>(out, caller), head::metadata);
  }

  /**
   * A stream consumed in the caller's context: its start (attempt 1, the interceptors) runs in it
   * on the consuming thread, and a {@code Flow} subscriber's signals run in it on whichever thread
   * delivers them. A blocking consumer (the iterator) gets its signals as they are: it hands the
   * items out on its own thread, to code of its own.
   */
  private static final class Carried<T> implements StoppablePublisher<T> {
    private final StoppablePublisher<T> stream;
    private final CallerContext caller;

    Carried(StoppablePublisher<T> stream, CallerContext caller) {
      this.stream = stream;
      this.caller = caller;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      ContextPropagator.Scope here = caller.restore();
      try {
        stream.subscribe(new InContext<>(subscriber, caller));
      } finally {
        here.close();
      }
    }

    @Override
    public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
      ContextPropagator.Scope here = caller.restore();
      try {
        stream.subscribeBlocking(subscriber);
      } finally {
        here.close();
      }
    }

    @Override
    public RuntimeException stop(InterruptedException interrupt) {
      return stream.stop(interrupt);
    }

    @Override
    public void discard() {
      stream.discard();
    }

    @Override
    public boolean isEnded() {
      return stream.isEnded();
    }
  }

  /** Passes every signal on in the caller's context. */
  private static final class InContext<T> extends ForwardingSubscriber<T> {
    private final CallerContext caller;

    InContext(Flow.Subscriber<? super T> downstream, CallerContext caller) {
      super(downstream);
      this.caller = caller;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      ContextPropagator.Scope s = caller.restore();
      try {
        super.onSubscribe(subscription);
      } finally {
        s.close();
      }
    }

    @Override
    public void onNext(T item) {
      ContextPropagator.Scope s = caller.restore();
      try {
        super.onNext(item);
      } finally {
        s.close();
      }
    }

    @Override
    public void onError(Throwable error) {
      ContextPropagator.Scope s = caller.restore();
      try {
        super.onError(error);
      } finally {
        s.close();
      }
    }

    @Override
    public void onComplete() {
      ContextPropagator.Scope s = caller.restore();
      try {
        super.onComplete();
      } finally {
        s.close();
      }
    }
  }

  /** The rest of the chain of a future call, from one interceptor on. */
  public static final class Futures<T> {
    private final Chain chain;
    private final int index;
    private final FutureSend<T> send;
    // shared by the call's cursors: what starts its first attempt, until it ran
    private final AtomicReference<Runnable> start;

    private Futures(Chain chain, int index, FutureSend<T> send, AtomicReference<Runnable> start) {
      this.chain = chain;
      this.index = index;
      this.send = send;
      this.start = start;
    }

    /**
     * Hands {@code sending} to the next interceptor, or at the end of the chain, sends it.
     *
     * @param sending what is sent
     * @return the answer
     */
    public CompletableFuture<T> proceed(Sending sending) {
      Interceptor[] all = chain.interceptors;
      if (index == all.length) {
        return send.send(sending);
      }
      return all[index].future(sending, new Futures<>(chain, index + 1, send, start));
    }

    /**
     * Sends {@code sending} at the end of the chain, past the interceptors left: an attempt a
     * public interceptor answered, which takes no permit and sends no key.
     *
     * @param sending what is answered
     * @return the answer
     */
    CompletableFuture<T> end(Sending sending) {
      return send.send(sending);
    }

    /** Has {@code first} run once the interceptors above wrapped the answer; for the retrier. */
    void startWhenWrapped(Runnable first) {
      start.set(first);
    }

    /**
     * Starts the call's first attempt now, if it waits to be started: at the head of the chain once
     * every interceptor wrapped the answer, or where a public interceptor passed the call on, which
     * may be later and on another thread (it runs once, whoever asks first).
     */
    void startNow() {
      Runnable first = start.getAndSet(null);
      if (first != null) {
        first.run();
      }
    }
  }

  /** The rest of the chain of a streamed call, from one interceptor on. */
  public static final class Streams<T> {
    private final Chain chain;
    private final int index;
    private final StreamSend<T> send;
    private final BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume;
    // shared by the call's cursors: the call with retries, once prepared (a public interceptor
    // prepares it when the stream is consumed)
    private final StreamingCall<?>[] built;

    private Streams(
        Chain chain,
        int index,
        StreamSend<T> send,
        BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume,
        StreamingCall<?>[] built) {
      this.chain = chain;
      this.index = index;
      this.send = send;
      this.resume = resume;
      this.built = built;
    }

    /**
     * Hands {@code sending} to the next interceptor, down to the retrying layer, which makes the
     * stream's attempts ({@link #retried}).
     *
     * @param sending what is sent
     * @return the stream
     */
    public StoppablePublisher<T> proceed(Sending sending) {
      Interceptor[] all = chain.interceptors;
      if (index < all.length) {
        return all[index].stream(sending, new Streams<>(chain, index + 1, send, resume, built));
      }
      // the retrying layer turns a stream into attempts (retried): no stream passes it
      throw new IllegalStateException("a stream reached the end of a chain without retries");
    }

    /**
     * Prepares the call with its retries, as its retrier says: each attempt ({@code attempts} makes
     * it) passes the rest of the chain as a future ({@link Interceptor#future}), which completes
     * when the attempt ended; at the chain's end the attempt is made and sent. The retrying layer
     * calls this; the layers after it see each attempt, and no stream hook.
     *
     * @param sending the call, heard by its trace
     * @param attempts makes attempt {@code n} of the call, on a thread, to a target
     * @param course the call's course, for a call that may fall back; null for a new one
     * @param parts each target's machinery, for a chat stream continued after a cut
     * @return the stream
     */
    StoppablePublisher<T> retried(
        Sending sending, Retrying.Attempts attempts, RetryState course, TargetParts[] parts) {
      Chain c = chain;
      int from = index;
      ChatRequest sent = sending.call().request();
      Function<ChatCompletion, ChatRequest> continued =
          resume == null ? null : partial -> resume.apply(sent, partial);
      Continuing continuing =
          resume == null || sent == null || sending.call().legs() == null
              ? null
              : new Continuing(
                  sent, resume, i -> parts[i].settings.host(), i -> parts[i].settings.target());
      StreamingCall<T> call =
          new StreamingCall<>(
              c.context,
              sending.call().settings().retrier(),
              new StreamingCall.Spec<>(
                  (n, here, target, request, permit, launch) -> {
                    Sending a;
                    try {
                      a = attempts.attempt(sending, n, here, target, request, permit);
                    } catch (RuntimeException e) {
                      return CompletableFuture.failedFuture(e); // the target refuses the request
                    }
                    return new Futures<Void>(
                            c,
                            from,
                            s ->
                                launch.apply(
                                    send.attempt(s, n), s.attempt().overrides().observer()),
                            new AtomicReference<>())
                        .proceed(a);
                  },
                  continued,
                  continuing),
              c.closed,
              course);
      built[0] = call;
      return call;
    }

    /** Returns the metadata of the current attempt's response; null before it, or before any. */
    ResponseMetadata metadata() {
      StreamingCall<?> call = built[0];
      return call == null ? null : call.metadata();
    }
  }
}
