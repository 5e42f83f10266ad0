package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;

/**
 * The stream ended (the connection closed or the body finished) before it was complete. Kimi
 * streams do drop; {@link #partial()} keeps what arrived.
 *
 * <p>A stream is complete once it carried its finish reason, whether or not its end event follows:
 * over chat completions once every choice asked for has its {@code finish_reason} (and the usage,
 * when asked for), {@code data: [DONE]} or not; over Anthropic Messages once a {@code
 * message_delta} carried a {@code stop_reason}, {@code message_stop} or not, and whether or not the
 * body ends with a blank line. A body that ends before that is this exception, carrying what
 * arrived.
 */
public final class TruncatedStreamException extends StreamException {

  private static final long serialVersionUID = 1L;

  TruncatedStreamException(
      String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial) {
    super(message, cause, metadata, partial);
  }
}
