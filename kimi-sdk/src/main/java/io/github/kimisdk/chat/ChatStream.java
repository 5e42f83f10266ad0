package io.github.kimisdk.chat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.internal.flow.BlockingSubscriber;
import io.github.kimisdk.internal.flow.Relay;
import io.github.kimisdk.internal.flow.StoppablePublisher;
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
 *
 * <p>A stream from {@link io.github.kimisdk.KimiClient#stream} that is closed ({@link #close()} or
 * {@link io.github.kimisdk.KimiClient#close()}) while another thread consumes it, or whose
 * consuming thread is interrupted while it waits, fails that consumer (the iterator, {@link
 * #forEachText}, {@link #toCompletion()} or a {@code Flow} subscriber) with a {@link
 * io.github.kimisdk.KimiException} that says so: a {@link io.github.kimisdk.StreamAbortedException}
 * carrying what arrived once chunks had arrived, else a {@link
 * io.github.kimisdk.CancelledException}. An interrupted consumer keeps its interrupt status set.
 * Such a stream is never retried. A stream wrapping your own publisher ({@link #of}) is cancelled
 * by {@link #close()} and simply ends.
 */
public final class ChatStream
    implements Flow.Publisher<ChatCompletionChunk>, Iterable<ChatCompletionChunk>, AutoCloseable {

  private static final int PREFETCH = 32;
  private static final String CONSUMED =
      "This ChatStream was already consumed; a ChatStream can be consumed only once";

  private final Flow.Publisher<ChatCompletionChunk> source;
  private final StoppablePublisher<ChatCompletionChunk> sdk; // the SDK's own stream, else null
  private final Supplier<ResponseMetadata> metadata;
  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private Relay<ChatCompletionChunk> foreign; // in front of a publisher of the user's
  private BlockingSubscriber<ChatCompletionChunk> blocking;

  @SuppressWarnings("unchecked") // a StoppablePublisher of chunks is what the client hands over
  private ChatStream(
      Flow.Publisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
    this.source = source;
    this.sdk =
        source instanceof StoppablePublisher<?> s
            ? (StoppablePublisher<ChatCompletionChunk>) s
            : null;
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
      if (started) {
        refusal = CONSUMED;
      } else if (closed) {
        refusal = "This ChatStream is closed";
      } else {
        started = true;
      }
    }
    if (refusal != null) {
      Relay.refuse(subscriber, refusal);
      return;
    }
    if (sdk != null) {
      sdk.subscribe(subscriber);
      return;
    }
    Relay<ChatCompletionChunk> relay = new Relay<>(subscriber, (error, cancelled) -> {});
    boolean closedMeanwhile;
    synchronized (lock) {
      foreign = relay;
      closedMeanwhile = closed;
    }
    relay.start();
    if (closedMeanwhile) {
      relay.cancel();
    }
    source.subscribe(relay);
  }

  /**
   * Starts the call and returns a blocking iterator over its chunks. {@code hasNext()} waits for
   * the next chunk and throws the stream's {@link io.github.kimisdk.KimiException} if it failed, or
   * was closed or interrupted as the class comment says.
   *
   * @return the iterator; it can be obtained once
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  @Override
  public Iterator<ChatCompletionChunk> iterator() {
    BlockingSubscriber<ChatCompletionChunk> b =
        new BlockingSubscriber<>(PREFETCH, sdk == null ? null : sdk::stop);
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException(CONSUMED);
      }
      if (closed) {
        throw new IllegalStateException("This ChatStream is closed");
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
    return acc.toCompletion().withMetadata(metadata.get());
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
   * Cancels the call: stops delivery and closes the connection. A consumer waiting on another
   * thread fails with a {@link io.github.kimisdk.KimiException} saying the stream was closed (see
   * the class comment). Idempotent; a no-op once the stream has ended.
   */
  @Override
  public void close() {
    Relay<ChatCompletionChunk> f;
    BlockingSubscriber<ChatCompletionChunk> b;
    boolean wasStarted;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      f = foreign;
      b = blocking;
      wasStarted = started;
    }
    if (sdk != null) {
      if (wasStarted && !sdk.isEnded()) {
        if (b != null) {
          b.closing();
        }
        sdk.stop(null);
      }
      return;
    }
    if (b != null) {
      b.close();
    }
    if (f != null) {
      f.cancel();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "ChatStream[" + (closed ? "closed" : started ? "started" : "not started") + "]";
    }
  }
}
