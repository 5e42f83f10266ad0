package io.github.kimisdk.errors;

/**
 * The organisation's tokens-per-day limit is used up (HTTP 429, TPD). Retrying does not help until
 * the next day; raise the account tier instead.
 */
public final class TokensPerDayLimitException extends ApiException {

  private static final long serialVersionUID = 1L;

  TokensPerDayLimitException(ApiError e) {
    super(e);
  }
}
