package io.github.kimisdk.errors;

import java.time.Duration;
import java.util.Optional;

/**
 * Kimi answered with an error: an HTTP error status, or an {@code {"error": ...}} event inside a
 * stream. Subclasses name the common cases, classified by the error's {@code code} when it names a
 * kind of failure (such as OpenAI's {@code rate_limit_exceeded}, also inside a stream), else by
 * Kimi's {@code error.type}, and by the HTTP status last; an error that fits none of them is a
 * plain {@code ApiException}.
 *
 * <p>{@link #getMessage()} says what happened and, where the SDK can tell, what to do about it;
 * {@link #serverMessage()} is Kimi's own text.
 */
public sealed class ApiException extends KimiException
    permits AuthenticationException,
        PermissionDeniedException,
        NotFoundException,
        InvalidRequestException,
        ContentFilterException,
        EngineOverloadedException,
        RateLimitException,
        TokensPerDayLimitException,
        QuotaExceededException,
        ServerException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorType;
  private final String code;
  private final String serverMessage;
  private final Duration retryAfter;
  private final boolean retryable;
  private final boolean inStream;
  private final String hint;

  ApiException(ApiError e) {
    super(e.message(), null, e.metadata());
    this.status = e.status();
    this.errorType = e.type();
    this.code = e.code();
    this.serverMessage = e.serverMessage() == null ? "" : e.serverMessage();
    this.retryAfter = e.retryAfter();
    this.retryable = e.retryable();
    this.inStream = e.inStream();
    this.hint = e.hint();
  }

  /**
   * Returns the HTTP status. An error event inside a stream reports the status its error object
   * names as its {@code code} (an HTTP status, such as the 503 of SGLang's event for a full queue),
   * else the stream's status (200).
   *
   * @return the HTTP status code
   */
  public int status() {
    return status;
  }

  /**
   * Returns Kimi's {@code error.type}, such as {@code rate_limit_reached_error}, kept as sent.
   *
   * @return the error type, or empty when the body had none (for example an HTML 504 page)
   */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /**
   * Returns the {@code code} field of the error body; Kimi usually omits it.
   *
   * @return the code, or empty
   */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  /**
   * Returns Kimi's message as sent (for a non-JSON body, a short clean excerpt of it).
   *
   * @return the server's message; empty string when there was none
   */
  public String serverMessage() {
    return serverMessage;
  }

  /**
   * Returns how long the server asked to wait before retrying: the {@code Retry-After} header, or
   * the "try again after N seconds" hint in Kimi's message.
   *
   * @return the wait, or empty when the server gave none
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Tells whether the same request may succeed if sent again later, as opposed to errors that need
   * a change first (bad request, key, quota, daily limit): HTTP 408, 409, 429 and every 5xx, or,
   * inside a stream, an overload, a rate limit or a server error; and Kimi Code K3's intermittent
   * 400 "malformed encrypted reasoning content: invalid base64url encoding". The default {@link
   * io.github.kimisdk.RetryPolicy} retries exactly these, the last one once per call.
   *
   * @return true when a retry can help
   */
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * Tells whether the error arrived as an event inside a stream that had already started.
   *
   * @return true for an in-stream error event
   */
  public boolean isInStream() {
    return inStream;
  }

  /**
   * Returns the SDK's advice on what to do, also included in {@link #getMessage()}.
   *
   * @return the hint, or empty when there is none
   */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}
