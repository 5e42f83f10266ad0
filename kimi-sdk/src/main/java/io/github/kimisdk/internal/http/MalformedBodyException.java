package io.github.kimisdk.internal.http;

/**
 * Thrown by a body decoder for a 2xx body that is not what the endpoint sends; the transport turns
 * it into a {@link io.github.kimisdk.errors.DecodingException} with this message, the response
 * metadata and the request id.
 */
public final class MalformedBodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, such as {@code "A file object has no id"}
   * @param cause the parse failure; may be null
   */
  public MalformedBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
