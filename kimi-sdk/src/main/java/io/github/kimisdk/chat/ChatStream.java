package io.github.kimisdk.chat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.base.flow.StreamHandle;
import io.github.kimisdk.errors.CancelledException;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A streaming chat reply: chunks as Kimi produces them. It keeps the contract every stream of the
 * SDK keeps ({@link io.github.kimisdk.sse.EventStream} too): it is cold (nothing is sent until it
 * is subscribed to or iterated) and can be consumed once, in one of these ways:
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
 * <p>The stream completes at Kimi's {@code data: [DONE]}. A stream is complete once it carried its
 * finish reason, whether or not its end event follows: over chat completions once every choice
 * asked for has its {@code finish_reason} (and the usage, when asked for), {@code data: [DONE]} or
 * not; over Anthropic Messages once a {@code message_delta} carried a {@code stop_reason}, {@code
 * message_stop} or not, and whether or not the body ends with a blank line. It fails with a {@link
 * io.github.kimisdk.errors.KimiException}: an {@link io.github.kimisdk.errors.ApiException} for an
 * HTTP error or an error event before any chunk, a {@link
 * io.github.kimisdk.errors.TruncatedStreamException} (carrying what arrived) when the response ends
 * before it is complete; once a chunk has arrived, every failure is a {@link
 * io.github.kimisdk.errors.StreamException} carrying what arrived (an error event then is a {@link
 * io.github.kimisdk.errors.StreamAbortedException} whose reason is the API error). Closing the
 * stream early cancels the call and closes the connection.
 *
 * <p>A stream that is closed ({@link #close()} or {@link io.github.kimisdk.KimiClient#close()})
 * while another thread consumes it, or whose consuming thread is interrupted while it waits, fails
 * that consumer (the iterator, {@link #forEachText}, {@link #toCompletion()} or a {@code Flow}
 * subscriber) with a {@link io.github.kimisdk.errors.KimiException} that says so: a {@link
 * io.github.kimisdk.errors.StreamAbortedException} carrying what arrived once chunks had arrived,
 * else a {@link io.github.kimisdk.errors.CancelledException}. An interrupted consumer keeps its
 * interrupt status set. Such a stream is never retried. A {@code Flow} subscriber that cancels ends
 * it quietly. A stream wrapping your own publisher ({@link #of}) behaves the same way (its failures
 * are your publisher's, passed on as they are); closed before it is consumed, it subscribes to your
 * publisher only to cancel, so that what the publisher holds (a response body, say) is released.
 */
public final class ChatStream
    implements Flow.Publisher<ChatCompletionChunk>, Iterable<ChatCompletionChunk>, AutoCloseable {

  private final StreamHandle<ChatCompletionChunk, ResponseMetadata> handle;

  private ChatStream(
      StoppablePublisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
    this.handle = new StreamHandle<>(source, "ChatStream", "chunks", metadata);
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
   * Wraps a publisher of chunks with a view of its response metadata. A {@code KimiClient} makes
   * its streams this way, over the publisher of its call.
   *
   * @param source the chunks; subscribed at most once
   * @param metadata returns the response metadata, or null until the response headers arrived
   * @return the stream
   * @throws NullPointerException if an argument is null
   */
  public static ChatStream of(
      Flow.Publisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    return new ChatStream(StreamHandle.sourceOf(source, ChatStream::stopped), metadata);
  }

  private static RuntimeException stopped(InterruptedException interrupt) {
    return interrupt != null
        ? new CancelledException(
            CancelledException.Reason.INTERRUPTED,
            "The stream was interrupted while its consumer waited, and closed",
            interrupt)
        : new CancelledException(
            CancelledException.Reason.CLOSED,
            "The stream was closed (close() on the stream) before it ended",
            null);
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
    handle.subscribe(subscriber);
  }

  /**
   * Starts the call and returns a blocking iterator over its chunks. For the SDK's own streams the
   * request goes out on the calling thread, which waits here for the response headers (no other
   * thread is involved); a failure, even one before the headers, is thrown by the first {@code
   * hasNext()}. {@code hasNext()} waits for the next chunk and throws the stream's {@link
   * io.github.kimisdk.errors.KimiException} if it failed, or was closed or interrupted as the class
   * comment says.
   *
   * @return the iterator; it can be obtained once
   * @throws IllegalStateException if the stream was already consumed or closed
   */
  @Override
  public Iterator<ChatCompletionChunk> iterator() {
    return handle.iterator();
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
    return handle.stream();
  }

  /**
   * Consumes the whole stream, handing each non-empty piece of answer text to {@code sink} as it
   * arrives, and returns the accumulated completion. The stream is closed afterwards.
   *
   * @param sink receives the text pieces, for example {@code System.out::print}
   * @return everything the stream carried, folded into one completion (text, reasoning, tool calls,
   *     finish reason, usage) with the response metadata
   * @throws io.github.kimisdk.errors.KimiException if the call or the stream fails
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
   * @return everything the stream carried, folded into one completion with the response metadata
   * @throws io.github.kimisdk.errors.KimiException if the call or the stream fails
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
    return acc.toCompletion().withMetadata(handle.metadata().orElse(null));
  }

  /**
   * Consumes the whole stream and returns it folded into one completion, as a non-streaming call
   * would have returned it. The stream is closed afterwards.
   *
   * @return the accumulated completion
   * @throws io.github.kimisdk.errors.KimiException if the call or the stream fails
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
    return handle.metadata();
  }

  /**
   * Cancels the call: stops delivery and closes the connection. A consumer waiting on another
   * thread fails with a {@link io.github.kimisdk.errors.KimiException} saying the stream was closed
   * (see the class comment). Idempotent; a no-op once the stream has ended.
   */
  @Override
  public void close() {
    handle.close();
  }

  /**
   * Describes the stream, never its contents: its state ({@code not started}, {@code started},
   * {@code ended} or {@code closed}), the chunks its iterator handed out so far and the response
   * metadata once it arrived, such as {@code ChatStream[started, 3 chunks read,
   * ResponseMetadata[status=200, Msh-Request-Id=...]]}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return handle.toString();
  }
}
