package io.github.kimisdk.errors;

/**
 * Kimi failed on its side (HTTP 5xx, {@code server_error}, {@code unexpected_output}, {@code
 * server_unavailable}). A 504 gateway timeout usually means a long non-streaming call: use {@link
 * io.github.kimisdk.KimiClient#stream} for long generations.
 */
public final class ServerException extends ApiException {

  private static final long serialVersionUID = 1L;

  ServerException(ApiError e) {
    super(e);
  }
}
