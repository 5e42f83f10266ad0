package io.github.kimisdk.internal.client;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.StreamAttempt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The interceptors of one client, in order, built once ({@link ClientCore}): every call shape hands
 * its {@link Sending} and its transport step to {@link #future} or {@link #stream}, and each
 * interceptor wraps the rest. Immutable; the cursors ({@link Futures}, {@link Streams}) are made
 * per call.
 */
final class Chain {

  /** Sends one attempt of a call whose answer is a future: the end of the chain. */
  @FunctionalInterface
  interface FutureSend<T> {
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
  interface StreamSend<T> {
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
  record Opened<T>(StoppablePublisher<T> stream, Supplier<ResponseMetadata> metadata) {}

  private final Interceptor[] interceptors;
  private final ClientCore core;

  Chain(ClientCore core, List<Interceptor> interceptors) {
    this.core = core;
    this.interceptors = interceptors.toArray(new Interceptor[0]);
  }

  /** Returns this chain with {@code extra} last, just before the transport; for tests. */
  Chain with(Interceptor extra) {
    List<Interceptor> all = new ArrayList<>(List.of(interceptors));
    all.add(extra);
    return new Chain(core, all);
  }

  /**
   * Runs a call whose answer is a future; its first attempt is sent once every interceptor wrapped
   * the answer, so a cancel or a close reaches it even while it is sent on this thread.
   */
  <T> CompletableFuture<T> future(Sending sending, FutureSend<T> send) {
    Futures<T> head = new Futures<>(this, 0, send, new AtomicReference<>());
    CompletableFuture<T> out = head.proceed(sending);
    head.startNow();
    return out;
  }

  /** Prepares a call whose answer is a stream; nothing is sent until it is subscribed to. */
  <T> Opened<T> stream(
      Sending sending,
      StreamSend<T> send,
      BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume) {
    Streams<T> head = new Streams<>(this, 0, send, resume, new StreamingCall<?>[1]);
    StoppablePublisher<T> out = head.proceed(sending);
    return new Opened<>(out, head::metadata);
  }

  /** The rest of the chain of a future call, from one interceptor on. */
  static final class Futures<T> {
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
    CompletableFuture<T> proceed(Sending sending) {
      Interceptor[] all = chain.interceptors;
      if (index == all.length) {
        return send.send(sending);
      }
      return all[index].future(sending, new Futures<>(chain, index + 1, send, start));
    }

    /**
     * Returns the rest of the call on {@code other}'s chain, from its first interceptor, to this
     * call's send step: an attempt routed to a fallback target ({@link Routing}).
     *
     * @param other the target's chain
     * @return the cursor
     */
    Futures<T> on(Chain other) {
      return new Futures<>(other, 0, send, start);
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
  static final class Streams<T> {
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
     * Hands {@code sending} to the next interceptor; past the last one, the stream is retried here
     * ({@link #retried}).
     *
     * @param sending what is sent
     * @return the stream
     */
    StoppablePublisher<T> proceed(Sending sending) {
      Interceptor[] all = chain.interceptors;
      if (index < all.length) {
        return all[index].stream(sending, new Streams<>(chain, index + 1, send, resume, built));
      }
      return retried(sending);
    }

    /**
     * Prepares the call with its retries, as its retrier says: each attempt passes the rest of the
     * chain as a future ({@link Interceptor#future}, its attempt's number in {@link
     * Sending#attempt()}), which completes when the attempt ended; at the chain's end the attempt
     * is made and sent. The retrying interceptor calls this; the interceptors after it see each
     * attempt, and no stream hook.
     *
     * @param sending the call, heard by its trace
     * @return the stream
     */
    StoppablePublisher<T> retried(Sending sending) {
      Chain c = chain;
      int from = index;
      ChatRequest sent = sending.request();
      Function<ChatCompletion, ChatRequest> continued =
          resume == null ? null : partial -> resume.apply(sent, partial);
      StreamingCall<T> call =
          new StreamingCall<>(
              c.core.context(),
              sending.call().retrier(),
              new StreamingCall.Spec<>(
                  (n, here, target, launch) ->
                      new Futures<Void>(
                              c,
                              from,
                              s -> launch.apply(send.attempt(s, n)),
                              new AtomicReference<>())
                          .proceed(sending.attempt(n, here, target)),
                  continued),
              c.core::isClosed,
              sending.route());
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
