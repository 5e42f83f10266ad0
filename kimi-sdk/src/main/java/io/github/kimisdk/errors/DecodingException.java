package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;

/**
 * A successful response could not be decoded: the body is not the JSON or the event stream Kimi
 * sends, or has an unexpected content type (the cause is usually a {@link
 * io.github.kimisdk.json.JsonException}); or a reply does not fit the record it was asked for
 * ({@link io.github.kimisdk.errors.StructuredOutputException}).
 */
public sealed class DecodingException extends KimiException
    permits io.github.kimisdk.errors.StructuredOutputException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception, for code that decodes what a call returned (such as a tool loop that
   * gets a reply without choices).
   *
   * @param message what could not be decoded
   * @param cause the decoding failure; may be null
   * @param metadata the response the body came with; may be null
   */
  public DecodingException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause, metadata);
  }
}
