package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;

/**
 * The request could not be sent or the connection failed while reading the response (refused,
 * reset, TLS failure). The cause is the underlying {@link java.io.IOException}. A call or stream
 * the caller stopped (closed, interrupted, cancelled) is a {@link CancelledException} instead.
 */
public final class ConnectionException extends KimiException {

  private static final long serialVersionUID = 1L;

  ConnectionException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause, metadata);
  }
}
