package io.github.kimisdk.errors;

/**
 * The organisation hit a rate limit: concurrency, requests per minute or tokens per minute (HTTP
 * 429, {@code rate_limit_reached_error}). Wait {@link #retryAfter()} (taken from the {@code
 * Retry-After} header or Kimi's "try again after N seconds") and retry. The daily token limit is
 * {@link TokensPerDayLimitException}, and an empty balance is {@link QuotaExceededException}.
 */
public final class RateLimitException extends ApiException {

  private static final long serialVersionUID = 1L;

  RateLimitException(ApiError e) {
    super(e);
  }
}
