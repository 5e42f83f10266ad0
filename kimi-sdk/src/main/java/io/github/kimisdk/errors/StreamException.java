package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.util.Optional;

/**
 * A stream failed after it started: it ended before {@code data: [DONE]} ({@link
 * TruncatedStreamException}), carried a chunk that is not valid JSON ({@link
 * MalformedChunkException}), or was aborted by an error event or a size limit after chunks had
 * reached the caller ({@link StreamAbortedException}). {@link #partial()} holds everything that
 * arrived before the failure.
 *
 * <p>Once the first chunk of a stream has reached the caller, every failure of that stream is a
 * {@code StreamException}: the stream is never retried from that point (the chunks would be
 * delivered twice), and {@link #resumeRequest()} continues it instead.
 */
public abstract sealed class StreamException extends KimiException
    permits TruncatedStreamException, MalformedChunkException, StreamAbortedException {

  private static final long serialVersionUID = 1L;

  private final transient ChatCompletion partial;
  private transient volatile ChatRequest resumeRequest;

  StreamException(
      String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial) {
    super(message, cause, metadata);
    this.partial = partial;
  }

  /**
   * Returns the completion accumulated from the chunks that arrived before the failure: the partial
   * text, reasoning and tool calls.
   *
   * @return the partial completion; never null, possibly empty
   */
  public ChatCompletion partial() {
    return partial;
  }

  /**
   * Returns a request that continues the interrupted reply with Kimi's partial mode: the original
   * request with the text that arrived as a last {@code partial} assistant message (merged into the
   * original's partial prefix, if it had one). Kimi's reply to it does not repeat that text, so
   * append the new text to {@code partial().text()}. When no answer text arrived it is the original
   * request. Sent through a client, it is written in the form of the host it goes to ({@link
   * io.github.kimisdk.host.Host.Continuation}: vLLM's and SGLang's {@code continue_final_message},
   * OpenRouter's prefill, ...), and a host that cannot continue an answer refuses it before sending
   * with a {@link ConfigurationException}.
   *
   * <pre>{@code
   * } catch (TruncatedStreamException e) {
   *   String rest = kimi.stream(e.resumeRequest().orElseThrow()).toCompletion().text();
   *   String whole = e.partial().text() + rest;
   * }
   * }</pre>
   *
   * @return the resuming request, or empty when the stream did not come from a {@link
   *     io.github.kimisdk.KimiClient}
   */
  public Optional<ChatRequest> resumeRequest() {
    return Optional.ofNullable(resumeRequest);
  }

  void resumeRequest(ChatRequest request) {
    this.resumeRequest = request;
  }
}
