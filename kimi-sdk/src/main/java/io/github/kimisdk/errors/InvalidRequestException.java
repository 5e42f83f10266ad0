package io.github.kimisdk.errors;

/**
 * Kimi rejected the request as malformed or not allowed for the model (HTTP 400, {@code
 * invalid_request_error}): a fixed sampling parameter, a thinking-mode conflict, an unsupported
 * image format, a bad JSON schema. Retrying the same request does not help. Requests too long for
 * the model's context are the subclass {@link ContextLengthExceededException}.
 */
public sealed class InvalidRequestException extends ApiException
    permits ContextLengthExceededException {

  private static final long serialVersionUID = 1L;

  InvalidRequestException(ApiError e) {
    super(e);
  }
}
