package io.github.kimisdk.errors.access;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiError;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TokensPerDayLimitException;
import io.github.kimisdk.errors.TruncatedStreamException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;

/**
 * The constructors of the {@link KimiException} family, which are not public: implemented once, in
 * their package ({@code errors.Errors.exceptions()}), and handed to the client's machinery, whose
 * {@code ErrorFactory} decides which exception to build and its message. Not exported: only the SDK
 * can call it.
 */
public interface Exceptions {

  ApiException api(ApiError e);

  QuotaExceededException quotaExceeded(ApiError e, boolean suspended, boolean balance);

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

  /**
   * Makes a budget's refusal; {@code movesOn}: the call goes on to the next fallback target.
   * Amounts are the budget's: of {@code currency}, or tokens when it is null.
   */
  BudgetExceededException budgetExceeded(
      String message,
      String budget,
      String scope,
      Currency currency,
      BigDecimal limit,
      BigDecimal spent,
      BigDecimal held,
      BigDecimal needed,
      Instant resetsAt,
      boolean movesOn);

  /** Tells whether the budget that refused a call moves it on to the next fallback target. */
  boolean movesOn(BudgetExceededException refusal);

  /** Records on {@code failure} how many attempts the call made. */
  void attempts(KimiException failure, int attempts);

  /** Records on {@code failure} the request that continues the stream. */
  void resumeRequest(StreamException failure, ChatRequest request);

  /** Tells whether {@code failure} was made on a thread other than the current one. */
  boolean madeOnAnotherThread(KimiException failure);
}
