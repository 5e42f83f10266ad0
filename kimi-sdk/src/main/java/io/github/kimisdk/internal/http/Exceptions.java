package io.github.kimisdk.internal.http;

import io.github.kimisdk.ApiException;
import io.github.kimisdk.AuthenticationException;
import io.github.kimisdk.ConfigurationException;
import io.github.kimisdk.ConnectionException;
import io.github.kimisdk.ContentFilterException;
import io.github.kimisdk.ContextLengthExceededException;
import io.github.kimisdk.DecodingException;
import io.github.kimisdk.EngineOverloadedException;
import io.github.kimisdk.InvalidRequestException;
import io.github.kimisdk.KimiException;
import io.github.kimisdk.KimiTimeoutException;
import io.github.kimisdk.MalformedChunkException;
import io.github.kimisdk.NotFoundException;
import io.github.kimisdk.PermissionDeniedException;
import io.github.kimisdk.QuotaExceededException;
import io.github.kimisdk.RateLimitException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.ResponseTooLargeException;
import io.github.kimisdk.ServerException;
import io.github.kimisdk.StreamAbortedException;
import io.github.kimisdk.StreamException;
import io.github.kimisdk.TokensPerDayLimitException;
import io.github.kimisdk.TruncatedStreamException;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;

/**
 * The constructors of the {@link KimiException} family, which are not public: implemented once, in
 * the root package. Which exception to build, and its message, is {@link ErrorFactory}'s decision.
 */
public interface Exceptions {

  ApiException api(ApiError e);

  QuotaExceededException quotaExceeded(ApiError e, boolean suspended);

  EngineOverloadedException engineOverloaded(ApiError e);

  TokensPerDayLimitException tokensPerDay(ApiError e);

  RateLimitException rateLimit(ApiError e);

  ContentFilterException contentFilter(ApiError e);

  AuthenticationException authentication(ApiError e);

  PermissionDeniedException permissionDenied(ApiError e, boolean gated);

  NotFoundException notFound(ApiError e);

  ContextLengthExceededException contextLength(ApiError e, long limit, long requested);

  InvalidRequestException invalidRequest(ApiError e);

  ServerException server(ApiError e);

  ConnectionException connection(String message, Throwable cause, ResponseMetadata metadata);

  KimiTimeoutException timeout(String message, Throwable cause, ResponseMetadata metadata);

  DecodingException decoding(String message, Throwable cause, ResponseMetadata metadata);

  ResponseTooLargeException tooLarge(String message, Throwable cause, ResponseMetadata metadata);

  ConfigurationException configuration(String message, Throwable cause);

  TruncatedStreamException truncatedStream(
      String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial);

  MalformedChunkException malformedChunk(
      String message, Throwable cause, ResponseMetadata metadata, ChatCompletion partial);

  StreamAbortedException streamAborted(
      String message, KimiException reason, ResponseMetadata metadata, ChatCompletion partial);

  /** Records on {@code failure} how many attempts the call made. */
  void attempts(KimiException failure, int attempts);

  /** Records on {@code failure} the request that continues the stream. */
  void resumeRequest(StreamException failure, ChatRequest request);

  /** Tells whether {@code failure} was made on a thread other than the current one. */
  boolean madeOnAnotherThread(KimiException failure);
}
