package io.github.kimisdk.errors;

/**
 * Kimi rejected the API key (HTTP 401, {@code invalid_authentication_error} or {@code
 * incorrect_api_key_error}). Keys belong to one platform: a global key fails on the China endpoint
 * and the other way round, and Kimi Code {@code sk-kimi-} keys work only on {@link
 * io.github.kimisdk.Endpoint#KIMI_CODE}. The message says which mismatch is likely.
 */
public final class AuthenticationException extends ApiException {

  private static final long serialVersionUID = 1L;

  AuthenticationException(ApiError e) {
    super(e);
  }
}
