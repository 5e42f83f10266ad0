package io.github.kimisdk;

/**
 * The request could not be sent or the connection failed while reading the response (refused,
 * reset, TLS failure, or the calling thread was interrupted), or a stream was closed while it was
 * consumed. The cause is the underlying {@link java.io.IOException}, the {@link
 * InterruptedException}, or a {@link java.util.concurrent.CancellationException} for a closed call
 * or stream; those last two are never retried.
 */
public final class ConnectionException extends KimiException {

  private static final long serialVersionUID = 1L;

  ConnectionException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause, metadata);
  }
}
