package io.github.kimisdk;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ApiError;
import io.github.kimisdk.internal.http.Exceptions;

/**
 * Builds the exceptions, whose constructors are package-private: the root package's one class that
 * is not public. What to build is decided in {@link io.github.kimisdk.internal.http.ErrorFactory}.
 */
final class Errors implements Exceptions {

  static final Errors INSTANCE = new Errors();

  private Errors() {}

  @Override
  public ApiException api(ApiError e) {
    return new ApiException(e);
  }

  @Override
  public QuotaExceededException quotaExceeded(ApiError e, boolean suspended) {
    return new QuotaExceededException(e, suspended);
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
  public KimiTimeoutException timeout(String message, Throwable cause, ResponseMetadata metadata) {
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
