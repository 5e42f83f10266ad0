package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;

/**
 * A stream that had already delivered chunks was aborted by an error that is not a cut-off or a
 * malformed chunk: an {@code {"error": ...}} event from Kimi, an event stream line or event over
 * the {@link io.github.kimisdk.sse.SseLimits}, or the stream being closed ({@link
 * io.github.kimisdk.chat.ChatStream#close()}, {@link io.github.kimisdk.KimiClient#close()}) or its
 * consumer being interrupted while it waited. {@link #reason()} (also {@link #getCause()}) is the
 * exception the same failure raises before the first chunk: an {@link ApiException} whose {@link
 * ApiException#isInStream()} is true, a {@link ResponseTooLargeException}, or a {@link
 * CancelledException} saying the stream was closed or interrupted. Like every {@link
 * StreamException} it carries the {@link #partial()} completion and a {@link #resumeRequest()}.
 *
 * <pre>{@code
 * } catch (StreamAbortedException e) {
 *   if (e.reason() instanceof ApiException api) {
 *     log.log(WARNING, "Kimi stopped the stream: " + api.serverMessage());
 *   }
 *   String rest = kimi.stream(e.resumeRequest().orElseThrow()).toCompletion().text();
 *   String whole = e.partial().text() + rest;
 * }
 * }</pre>
 */
public final class StreamAbortedException extends StreamException {

  private static final long serialVersionUID = 1L;

  private final KimiException reason;

  StreamAbortedException(
      String message, KimiException reason, ResponseMetadata metadata, ChatCompletion partial) {
    super(message, reason, metadata, partial);
    this.reason = reason;
  }

  /**
   * Returns why the stream was aborted: an in-stream {@link ApiException}, a {@link
   * ResponseTooLargeException}, or a {@link CancelledException} for a closed or interrupted stream.
   *
   * @return the reason, never null
   */
  public KimiException reason() {
    return reason;
  }
}
