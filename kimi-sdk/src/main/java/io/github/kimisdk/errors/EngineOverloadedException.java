package io.github.kimisdk.errors;

/**
 * Kimi's servers are overloaded (HTTP 429, {@code engine_overloaded_error}). This is server-side
 * capacity, not your account's limit: retry later with backoff.
 */
public final class EngineOverloadedException extends ApiException {

  private static final long serialVersionUID = 1L;

  EngineOverloadedException(ApiError e) {
    super(e);
  }
}
