package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;

/**
 * What one stream delivered so far, for the stream handlers of both wire protocols: every chunk is
 * folded into an accumulator, so that a failure can carry the partial completion, and whether any
 * chunk arrived decides between a plain error and a stream error. It is guarded by its own lock,
 * because a failure may be mapped on another thread (an abort) while an event is being handled.
 */
public final class StreamProgress {

  private final ResponseMetadata metadata;
  private final ErrorFactory errors;
  private final ChatAccumulator accumulator = new ChatAccumulator();
  private boolean sawChunk; // guarded by this

  /**
   * Creates the record of one response.
   *
   * @param metadata the response metadata
   * @param errors builds the exceptions
   */
  public StreamProgress(ResponseMetadata metadata, ErrorFactory errors) {
    this.metadata = metadata;
    this.errors = errors;
  }

  /**
   * Records a chunk that is about to be delivered.
   *
   * @param chunk the chunk
   */
  public synchronized void add(ChatCompletionChunk chunk) {
    accumulator.add(chunk);
    sawChunk = true;
  }

  /**
   * Returns what arrived so far as a completion.
   *
   * @return the partial completion
   */
  public synchronized ChatCompletion partial() {
    return accumulator.toCompletion();
  }

  /**
   * The failure to report for {@code error}: a stream error carrying what arrived once a chunk was
   * delivered, else the error itself (see {@link ErrorFactory#streamFailure}).
   *
   * @param error why the stream failed
   * @return the failure to deliver
   */
  public Throwable failure(Throwable error) {
    ChatCompletion partial;
    boolean started;
    synchronized (this) {
      partial = accumulator.toCompletion();
      started = sawChunk;
    }
    return errors.streamFailure(error, metadata, partial, started);
  }

  /**
   * The failure for a body that ended before the protocol's end event.
   *
   * @return the truncated-stream exception
   */
  public Throwable truncated() {
    return errors.truncated(metadata, partial(), null);
  }
}
