package io.github.kimisdk.internal.chain;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.base.flow.ForwardingSubscriber;
import io.github.kimisdk.base.flow.Relay;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A chat stream behind its once-per-call public interceptors: a cold, single-subscriber publisher
 * that runs them when it is subscribed to. Subscribing hands the subscriber a {@link Relay}; the
 * interceptors then either pass the call on, and the rest of the chain's stream (the listeners, the
 * spend, the retries, prepared then) is attached to the relay through an accumulator whose
 * completion answers their {@code proceed} when the stream ended; or answer it, and the answer is
 * replayed to the relay as chunks ({@link Replay}). A blocking consumer's first attempt is sent on
 * its own thread, as without interceptors, when they pass the call on while it subscribes.
 *
 * <p>Invariants (guarded by {@code this}): {@code inner} is attached at most once, and never after
 * the stream was stopped; {@code stopped} is set once; {@code relay} is set once, when subscribed.
 */
public final class InterceptedStream
    implements StoppablePublisher<ChatCompletionChunk>, Relay.Owner {

  private final Intercepting layer;
  private final Sending sending;
  private final Chain.Streams<ChatCompletionChunk> next;
  private final KimiInterceptor[] list;
  private final Interception interception;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  private Relay<ChatCompletionChunk> relay;
  private StoppablePublisher<ChatCompletionChunk> inner;
  private RuntimeException stopped;
  private Thread blockingThread; // the blocking consumer's, while it subscribes

  InterceptedStream(
      Intercepting layer,
      Sending sending,
      Chain.Streams<ChatCompletionChunk> next,
      KimiInterceptor[] list,
      Interception interception) {
    this.layer = layer;
    this.sending = sending;
    this.next = next;
    this.list = list;
    this.interception = interception;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    subscribe(subscriber, false);
  }

  @Override
  public void subscribeBlocking(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    subscribe(subscriber, true);
  }

  private void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber, boolean blocks) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Relay.refuse(subscriber, "This stream was already subscribed; it can be consumed only once");
      return;
    }
    Relay<ChatCompletionChunk> r = new Relay<>(subscriber, this);
    RuntimeException early;
    synchronized (this) {
      relay = r;
      early = stopped;
      blockingThread = blocks ? Thread.currentThread() : null;
    }
    r.start();
    if (early != null) {
      r.fail(early);
      return;
    }
    Function<Sending, CompletableFuture<ChatCompletion>> bottom = this::attach;
    CompletableFuture<ChatCompletion> answer;
    try {
      answer = list.length == 0 ? attach(sending) : layer.run(list, 0, sending, bottom);
    } finally {
      synchronized (this) {
        blockingThread = null;
      }
    }
    answer.whenComplete(
        (c, e) -> {
          boolean attached;
          synchronized (this) {
            attached = inner != null;
          }
          if (attached) {
            return; // the stream's own chunks and end reached the consumer
          }
          if (e != null) {
            r.fail(layer.calls().failure(e));
          } else {
            new Replay(c).start(r, null);
          }
        });
  }

  /**
   * Passes the call on, past the last interceptor: prepares the rest of the chain's stream with
   * {@code s} and attaches it to the relay through an accumulator; returns what it delivered, once
   * it ended.
   */
  private CompletableFuture<ChatCompletion> attach(Sending s) {
    StoppablePublisher<ChatCompletionChunk> p;
    RuntimeException stop;
    boolean blocks;
    synchronized (this) {
      if (inner != null) {
        return CompletableFuture.failedFuture(Intercepting.onceOnly());
      }
      stop = stopped;
      blocks = blockingThread == Thread.currentThread();
      p = stop != null ? null : next.proceed(s);
      inner = p;
    }
    if (stop != null) {
      return CompletableFuture.failedFuture(stop);
    }
    CompletableFuture<ChatCompletion> end = new CompletableFuture<>();
    Accumulating acc = new Accumulating(relay, end);
    interception.streaming(acc::sofar);
    if (blocks) {
      p.subscribeBlocking(acc);
    } else {
      p.subscribe(acc);
    }
    return end;
  }

  @Override
  public RuntimeException stop(InterruptedException interrupt) {
    StoppablePublisher<ChatCompletionChunk> in;
    Relay<ChatCompletionChunk> r;
    RuntimeException failure = layer.calls().errors().closed(interrupt, layer.closing());
    synchronized (this) {
      in = inner;
      r = relay;
      if (in == null) {
        if (stopped == null) {
          stopped = failure;
        }
        failure = stopped;
      }
    }
    if (in != null) {
      return in.stop(interrupt);
    }
    if (r != null) {
      r.fail(failure); // still with the interceptors, or replaying their answer
    }
    return failure;
  }

  @Override
  public boolean isEnded() {
    StoppablePublisher<ChatCompletionChunk> in;
    Relay<ChatCompletionChunk> r;
    synchronized (this) {
      in = inner;
      r = relay;
    }
    return (r != null && r.isEnded()) || (in != null && in.isEnded());
  }

  @Override
  public void ended(Throwable error, boolean cancelled) {}

  /**
   * Passes every signal on, telling the interceptors' chunk observers of each chunk as it arrives
   * and adding it up first; its end answers the interceptors' {@code proceed} before the consumer
   * hears it, after every chunk was observed. Signals arrive serially; {@code sofar} may be read by
   * the thread that delivers them, or after the end.
   */
  private final class Accumulating extends ForwardingSubscriber<ChatCompletionChunk> {
    private final ChatAccumulator acc = new ChatAccumulator();
    private final CompletableFuture<ChatCompletion> end;
    private ChatCompletion made; // sofar()'s, for the chunks added so far; guarded by this

    Accumulating(
        Flow.Subscriber<? super ChatCompletionChunk> downstream,
        CompletableFuture<ChatCompletion> end) {
      super(downstream);
      this.end = end;
    }

    /**
     * What the chunks add up to so far; made once for the chunks there are (the once-per-attempt
     * layer and the end each ask for it when a stream ends), again after one more.
     */
    synchronized ChatCompletion sofar() {
      ChatCompletion c = made;
      if (c == null) {
        c = acc.toCompletion().withMetadata(next.metadata());
        made = c;
      }
      return c;
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      interception.chunk(item, sending.call().context());
      synchronized (this) {
        acc.add(item);
        made = null;
      }
      super.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      end.completeExceptionally(error);
      super.onError(error);
    }

    @Override
    public void onComplete() {
      end.complete(sofar());
      super.onComplete();
    }
  }
}
