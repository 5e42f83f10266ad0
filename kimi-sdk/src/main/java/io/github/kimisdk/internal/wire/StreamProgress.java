package io.github.kimisdk.internal.wire;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Choice;

/**
 * What one stream delivered so far, for the stream handlers of every wire protocol: every chunk is
 * folded into an accumulator, so that a failure can carry the partial completion, and whether any
 * chunk arrived decides between a plain error and a stream error. It is guarded by its own lock,
 * because a failure may be mapped on another thread (an abort) while an event is being handled.
 */
public final class StreamProgress {

  private final ResponseMetadata metadata;
  private final StreamErrors errors;
  private final ChatAccumulator accumulator = new ChatAccumulator();
  private boolean sawChunk; // guarded by this

  /**
   * Creates the record of one response.
   *
   * @param metadata the response metadata
   * @param errors builds the exceptions
   */
  public StreamProgress(ResponseMetadata metadata, StreamErrors errors) {
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
   * delivered, else the error itself (see {@link StreamErrors#streamFailure}); an {@link Error} is
   * returned as it is.
   *
   * @param error why the stream failed
   * @return the failure to deliver
   */
  public Throwable failure(Throwable error) {
    if (Futures.unwrap(error) instanceof Error fatal) {
      return fatal; // never wrapped, never retried
    }
    ChatCompletion partial;
    boolean started;
    synchronized (this) {
      partial = accumulator.toCompletion();
      started = sawChunk;
    }
    return errors.streamFailure(error, metadata, partial, started);
  }

  /**
   * Tells whether what arrived is a whole answer although the end event never came: at least {@code
   * choices} choices, each with its finish reason, and usage when {@code usage} was asked for (at
   * the top level or in every choice). Several gateways end a stream that way.
   *
   * @param choices how many choices the request asked for
   * @param usage whether the request asked for a usage chunk
   * @return true when nothing is missing
   */
  public boolean finished(int choices, boolean usage) {
    ChatCompletion c = partial();
    if (c.choices().isEmpty() || c.choices().size() < choices) {
      return false;
    }
    boolean choiceUsage = true;
    for (Choice choice : c.choices()) {
      if (choice.finishReason() == null) {
        return false;
      }
      choiceUsage &= choice.usage() != null;
    }
    return !usage || c.usage() != null || choiceUsage;
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
