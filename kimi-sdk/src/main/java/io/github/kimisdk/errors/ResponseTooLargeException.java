package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;

/**
 * A response body exceeded the client's limit ({@link
 * io.github.kimisdk.KimiClient.Builder#maxResponseBytes(long)}), so reading stopped before it could
 * exhaust memory.
 */
public final class ResponseTooLargeException extends KimiException {

  private static final long serialVersionUID = 1L;

  ResponseTooLargeException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause, metadata);
  }
}
