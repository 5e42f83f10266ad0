package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.StreamAbortedException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The SDK's failures as LangChain4j's exception types, by the rules LangChain4j's own providers
 * follow (its {@code ExceptionMapper}): HTTP 400 and 413 (and any other 4xx not named here) {@link
 * InvalidRequestException}, 401 and 403 {@link AuthenticationException}, 404 {@link
 * ModelNotFoundException}, 408 and a timeout {@link TimeoutException}, 429 {@link
 * RateLimitException}, 5xx {@link InternalServerException}; Kimi's content filter {@link
 * ContentFilteredException}. An API error's cause is an {@link HttpException} with the status,
 * whose own cause is the SDK's {@link ApiException} (request id, error type, Retry-After); any
 * other failure's cause is the SDK's exception itself.
 */
public final class Errors {

  private Errors() {}

  /**
   * Maps a failure of a call.
   *
   * @param failure what the SDK threw
   * @return the LangChain4j exception to throw or report instead
   */
  public static RuntimeException map(Throwable failure) {
    if (failure instanceof LangChain4jException l) {
      return l;
    }
    if (failure instanceof StreamAbortedException aborted) {
      return map(aborted.reason());
    }
    if (failure instanceof ContentFilterException filtered) {
      return new ContentFilteredException(filtered.getMessage(), http(filtered));
    }
    if (failure instanceof ApiException api) {
      return byStatus(api.status(), api.getMessage(), http(api));
    }
    if (failure instanceof KimiTimeoutException timeout) {
      return new TimeoutException(timeout.getMessage(), timeout);
    }
    if (failure instanceof PreflightException refused) {
      return new InvalidRequestException(refused.getMessage(), refused);
    }
    if (failure instanceof ConnectionException c && unresolved(c)) {
      return new UnresolvedModelServerException(c.getMessage(), c);
    }
    if (failure instanceof RuntimeException r && !(failure instanceof KimiException)) {
      return r;
    }
    return new LangChain4jException(failure.getMessage(), failure);
  }

  /**
   * Returns the failure a {@link java.util.concurrent.CompletionException} (or {@link
   * java.util.concurrent.ExecutionException}) wraps, as a future's dependents see it.
   *
   * @param failure what a future failed with
   * @return the failure itself
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Maps an HTTP status as LangChain4j's own providers do.
   *
   * @param status the status
   * @param message the message
   * @param cause the cause
   * @return the exception
   */
  static LangChain4jException byStatus(int status, String message, Throwable cause) {
    if (status >= 500 && status < 600) {
      return new InternalServerException(message, cause);
    }
    if (status == 401 || status == 403) {
      return new AuthenticationException(message, cause);
    }
    if (status == 404) {
      return new ModelNotFoundException(message, cause);
    }
    if (status == 408) {
      return new TimeoutException(message, cause);
    }
    if (status == 429) {
      return new RateLimitException(message, cause);
    }
    if (status >= 400 && status < 500) {
      return new InvalidRequestException(message, cause);
    }
    return new LangChain4jException(message, cause);
  }

  private static HttpException http(ApiException api) {
    HttpException http = new HttpException(api.status(), api.getMessage());
    http.initCause(api);
    return http;
  }

  private static boolean unresolved(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
