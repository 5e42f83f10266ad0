package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.access.Exceptions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;

/**
 * The SDK's own door to the constructors of its exceptions, which are not public: the client hands
 * {@link #exceptions()} to its machinery, which decides what to build ({@code
 * internal.http.ErrorFactory}). Applications have no use for it: they catch the exceptions.
 */
public final class Errors {

  private Errors() {}

  /**
   * Returns the constructors of the exceptions, for the SDK's own machinery.
   *
   * @return the one instance
   */
  @SuppressWarnings("exports") // the SDK's own type, not exported: only the SDK can use it
  public static Exceptions exceptions() {
    return Factory.INSTANCE;
  }

  /** Builds each exception: the one class outside whose package no constructor is reachable. */
  private static final class Factory implements Exceptions {

    static final Factory INSTANCE = new Factory();

    @Override
    public ApiException api(ApiError e) {
      return new ApiException(e);
    }

    @Override
    public QuotaExceededException quotaExceeded(ApiError e, boolean suspended, boolean balance) {
      return new QuotaExceededException(e, suspended, balance);
    }

    @Override
    public EngineOverloadedException engineOverloaded(ApiError e) {
      return new EngineOverloadedException(e);
    }

    @Override
    public TokensPerDayLimitException tokensPerDay(ApiError e) {
      return new TokensPerDayLimitException(e);
    }

    @Override
    public RateLimitException rateLimit(ApiError e) {
      return new RateLimitException(e);
    }

    @Override
    public ContentFilterException contentFilter(ApiError e) {
      return new ContentFilterException(e);
    }

    @Override
    public AuthenticationException authentication(ApiError e) {
      return new AuthenticationException(e);
    }

    @Override
    public PermissionDeniedException permissionDenied(ApiError e, boolean gated) {
      return new PermissionDeniedException(e, gated);
    }

    @Override
    public NotFoundException notFound(ApiError e) {
      return new NotFoundException(e);
    }

    @Override
    public ContextLengthExceededException contextLength(ApiError e, long limit, long requested) {
      return new ContextLengthExceededException(e, limit, requested);
    }

    @Override
    public InvalidRequestException invalidRequest(ApiError e) {
      return new InvalidRequestException(e);
    }

    @Override
    public ServerException server(ApiError e) {
      return new ServerException(e);
    }

    @Override
    public ConnectionException connection(
        String message, Throwable cause, ResponseMetadata metadata) {
      return new ConnectionException(message, cause, metadata);
    }

    @Override
    public KimiTimeoutException timeout(
        String message, Throwable cause, ResponseMetadata metadata) {
      return new KimiTimeoutException(message, cause, metadata);
    }

    @Override
    public DecodingException decoding(String message, Throwable cause, ResponseMetadata metadata) {
      return new DecodingException(message, cause, metadata);
    }

    @Override
    public ResponseTooLargeException tooLarge(
        String message, Throwable cause, ResponseMetadata metadata) {
      return new ResponseTooLargeException(message, cause, metadata);
    }

    @Override
    public ConfigurationException configuration(String message, Throwable cause) {
      return new ConfigurationException(message, cause);
    }

    @Override
    public TruncatedStreamException truncatedStream(
        String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial) {
      return new TruncatedStreamException(message, cause, metadata, partial);
    }

    @Override
    public MalformedChunkException malformedChunk(
        String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial) {
      return new MalformedChunkException(message, cause, metadata, partial);
    }

    @Override
    public StreamAbortedException streamAborted(
        String message, KimiException reason, ResponseMetadata metadata, ChatCompletion partial) {
      return new StreamAbortedException(message, reason, metadata, partial);
    }

    @Override
    public BudgetExceededException budgetExceeded(
        String message,
        String budget,
        String scope,
        Currency currency,
        BigDecimal limit,
        BigDecimal spent,
        BigDecimal held,
        BigDecimal needed,
        Instant resetsAt,
        boolean movesOn) {
      return new BudgetExceededException(
          message, budget, scope, currency, limit, spent, held, needed, resetsAt, movesOn);
    }

    @Override
    public boolean movesOn(BudgetExceededException refusal) {
      return refusal.movesOn();
    }

    @Override
    public void attempts(KimiException failure, int attempts) {
      failure.attempts(attempts);
    }

    @Override
    public void resumeRequest(StreamException failure, ChatRequest request) {
      failure.resumeRequest(request);
    }

    @Override
    public boolean madeOnAnotherThread(KimiException failure) {
      return failure.madeOnAnotherThread();
    }
  }
}
