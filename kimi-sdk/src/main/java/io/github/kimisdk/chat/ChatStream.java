package io.github.kimisdk.chat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.internal.flow.BlockingSubscriber;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streaming chat reply: chunks as Kimi produces them. It is cold (nothing is sent until it is
 * subscribed to or iterated) and can be consumed once, in one of these ways:
 *
 * <pre>{@code
 * // print the text as it arrives, then use the whole completion
 * try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k2.6", "Count to 5"))) {
 *   ChatCompletion done = s.forEachText(System.out::print);
 *   System.out.println("\n" + done.usage());
 * }
 *
 * // a plain loop
 * try (ChatStream s = kimi.stream(request)) {
 *   for (ChatCompletionChunk chunk : s) {
 *     System.out.print(chunk.text());
 *   }
 * }
 *
 * // or as a Flow.Publisher, honouring back-pressure
 * kimi.stream(request).subscribe(mySubscriber);
 * }</pre>
 *
 * <p>The stream completes at Kimi's {@code data: [DONE]}. It fails with a {@link
 * io.github.kimisdk.KimiException}: an {@link io.github.kimisdk.ApiException} for an HTTP error or
 * an error event before any chunk, a {@link io.github.kimisdk.TruncatedStreamException} (carrying
 * what arrived) when the response ends before {@code [DONE]}; once a chunk has arrived, every
 * failure is a {@link io.github.kimisdk.StreamException} carrying what arrived (an error event then
 * is a {@link io.github.kimisdk.StreamAbortedException} whose reason is the API error). Closing the
 * stream early cancels the call and closes the connection.
 */
public final class ChatStream
    implements Flow.Publisher<ChatCompletionChunk>, Iterable<ChatCompletionChunk>, AutoCloseable {

  private static final int PREFETCH = 32;

  private final Flow.Publisher<ChatCompletionChunk> source;
  private final Supplier<ResponseMetadata> metadata;
  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private Flow.Subscription subscription;
  private BlockingSubscriber<ChatCompletionChunk> blocking;

  private ChatStream(
      Flow.Publisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
    this.source = source;
    this.metadata = metadata;
  }

  /**
   * Wraps a publisher of chunks, for example one replaying recorded chunks in a test.
   *
   * @param source the chunks; subscribed at most once
   * @return the stream
   * @throws NullPointerException if {@code source} is null
   */
  public static ChatStream of(Flow.Publisher<ChatCompletionChunk> source) {
    return of(source, () -> null);
  }

  /**
   * Wraps a publisher of chunks with a view of its response metadata.
   *
   * @param source the chunks; subscribed at most once
   * @param metadata returns the response metadata, or null until the response headers arrived
   * @return the stream
   * @throws NullPointerException if an argument is null
   */
  public static ChatStream of(
      Flow.Publisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
    return new ChatStream(
        Objects.requireNonNull(source, "source"), Objects.requireNonNull(metadata, "metadata"));
  }

  /**
   * Starts the call and delivers its chunks to {@code subscriber}, honouring its demand.
   *
   * <p>Only one subscriber is allowed; a second one, or one arriving after {@link #close()},
   * receives {@code onError(IllegalStateException)}.
   *
   * @param subscriber receives the chunks
   * @throws NullPointerException if {@code subscriber} is null
   */
  @Override
  public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    String refusal = null;
    synchronized (lock) {
      if (closed) {
        refusal = "This ChatStream is closed";
      } else if (started) {
        refusal = "This ChatStream was already consumed; a ChatStream can be consumed only once";
      } else {
        started = true;
      }
    }
    if (refusal != null) {
      subscriber.onSubscribe(new NoSubscription());
      subscriber.onError(new IllegalStateException(refusal));
      return;
    }
    source.subscribe(new Tracking(subscriber));
  }

  /**
   * Starts the call and returns a blocking iterator over its chunks. {@code hasNext()} waits for
   * the next chunk and throws the stream's {@link io.github.kimisdk.KimiException} if it failed.
   * Interrupting a waiting thread cancels the stream.
   *
   * @return the iterator; it can be obtained once
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  @Override
  public Iterator<ChatCompletionChunk> iterator() {
    BlockingSubscriber<ChatCompletionChunk> b = new BlockingSubscriber<>(PREFETCH);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("This ChatStream is closed");
      }
      if (started) {
        throw new IllegalStateException(
            "This ChatStream was already consumed; a ChatStream can be consumed only once");
      }
      blocking = b;
    }
    subscribe(b);
    return b;
  }

  /**
   * Returns the chunks as a sequential {@link Stream}; closing that stream closes this one.
   *
   * <pre>{@code
   * try (Stream<ChatCompletionChunk> chunks = kimi.stream(request).stream()) {
   *   String text = chunks.map(ChatCompletionChunk::text).collect(Collectors.joining());
   * }
   * }</pre>
   *
   * @return the stream of chunks
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  public Stream<ChatCompletionChunk> stream() {
    Spliterator<ChatCompletionChunk> split =
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(split, false).onClose(this::close);
  }

  /**
   * Consumes the whole stream, handing each non-empty piece of answer text to {@code sink} as it
   * arrives, and returns the accumulated completion. The stream is closed afterwards.
   *
   * @param sink receives the text pieces, for example {@code System.out::print}
   * @return everything the stream carried, folded into one completion (text, reasoning, tool calls,
   *     finish reason, usage)
   * @throws io.github.kimisdk.KimiException if the call or the stream fails
   * @throws NullPointerException if {@code sink} is null
   */
  public ChatCompletion forEachText(Consumer<String> sink) {
    Objects.requireNonNull(sink, "sink");
    return forEachText(reasoning -> {}, sink);
  }

  /**
   * Consumes the whole stream, handing each non-empty piece of reasoning ({@code
   * reasoning_content}, which thinking models stream first) and of answer text to its sink as it
   * arrives, and returns the accumulated completion. The stream is closed afterwards.
   *
   * <pre>{@code
   * stream.forEachText(r -> System.err.print(r), t -> System.out.print(t));
   * }</pre>
   *
   * @param reasoningSink receives the reasoning pieces
   * @param textSink receives the answer text pieces
   * @return everything the stream carried, folded into one completion
   * @throws io.github.kimisdk.KimiException if the call or the stream fails
   * @throws NullPointerException if a sink is null
   */
  public ChatCompletion forEachText(Consumer<String> reasoningSink, Consumer<String> textSink) {
    Objects.requireNonNull(reasoningSink, "reasoningSink");
    Objects.requireNonNull(textSink, "textSink");
    ChatAccumulator acc = new ChatAccumulator();
    try {
      for (ChatCompletionChunk chunk : this) {
        acc.add(chunk);
        String reasoning = chunk.reasoning();
        if (!reasoning.isEmpty()) {
          reasoningSink.accept(reasoning);
        }
        String text = chunk.text();
        if (!text.isEmpty()) {
          textSink.accept(text);
        }
      }
    } finally {
      close();
    }
    return acc.toCompletion();
  }

  /**
   * Consumes the whole stream and returns it folded into one completion, as a non-streaming call
   * would have returned it. The stream is closed afterwards.
   *
   * @return the accumulated completion
   * @throws io.github.kimisdk.KimiException if the call or the stream fails
   */
  public ChatCompletion toCompletion() {
    return forEachText(text -> {});
  }

  /**
   * Returns the response status and headers once they arrived (Kimi's {@code Msh-Request-Id} and so
   * on).
   *
   * @return the metadata, or empty before the response headers arrived
   */
  public Optional<ResponseMetadata> metadata() {
    return Optional.ofNullable(metadata.get());
  }

  /**
   * Cancels the call: stops delivery and closes the connection. Idempotent; a no-op once the stream
   * has completed.
   */
  @Override
  public void close() {
    Flow.Subscription s;
    BlockingSubscriber<ChatCompletionChunk> b;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = subscription;
      b = blocking;
    }
    if (b != null) {
      b.close();
    }
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "ChatStream[" + (closed ? "closed" : started ? "started" : "not started") + "]";
    }
  }

  /** Remembers the subscription so {@link #close()} can cancel it. */
  private final class Tracking implements Flow.Subscriber<ChatCompletionChunk> {
    private final Flow.Subscriber<? super ChatCompletionChunk> delegate;

    Tracking(Flow.Subscriber<? super ChatCompletionChunk> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean cancelNow;
      synchronized (lock) {
        subscription = s;
        cancelNow = closed;
      }
      delegate.onSubscribe(s);
      if (cancelNow) {
        s.cancel();
      }
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      delegate.onError(error);
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }
  }

  private static final class NoSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
