package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;

/**
 * A stream event could not be decoded as a chunk; the stream was cancelled at that point. The cause
 * is the {@link io.github.kimisdk.json.JsonException}.
 */
public final class MalformedChunkException extends StreamException {

  private static final long serialVersionUID = 1L;

  MalformedChunkException(
      String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial) {
    super(message, cause, metadata, partial);
  }
}
