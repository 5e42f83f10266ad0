package com.example.kimi.boot;

import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TokensPerDayLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Kimi's failures as RFC 9457 problem details, with the status a browser should see (this
 * application is Kimi's client, so Kimi's 401 is not the browser's 401) and Kimi's request id to
 * quote to Moonshot's support. Without it, every {@link KimiException} is Spring's generic 500.
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><th>failure</th><th>status</th></tr>
 *   <tr><td>refused before sending, invalid request, content filter</td><td>400</td></tr>
 *   <tr><td>rate limit, engine overloaded, quota or daily tokens spent</td>
 *       <td>503 (with Retry-After when Kimi gave one)</td></tr>
 *   <tr><td>timeout</td><td>504</td></tr>
 *   <tr><td>anything else: a bad key, a model not found, Kimi's 5xx, no connection</td>
 *       <td>502</td></tr>
 * </table>
 */
@RestControllerAdvice
class KimiProblems {

  @ExceptionHandler(KimiException.class)
  ResponseEntity<ProblemDetail> kimiFailed(KimiException e) {
    HttpStatus status = status(e);
    ProblemDetail problem = ProblemDetail.forStatus(status);
    problem.setTitle(status.is4xxClientError() ? "Kimi refused the request" : "Kimi failed");
    if (status.is4xxClientError() && e instanceof ApiException api) {
      problem.setDetail(api.serverMessage());
    } else {
      problem.setDetail(e.getClass().getSimpleName());
    }
    problem.setProperty("kimiError", e.getClass().getSimpleName());
    if (e instanceof ApiException api) {
      problem.setProperty("kimiStatus", api.status());
    }
    e.requestId().ifPresent(id -> problem.setProperty("requestId", id));
    ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
    if (status == HttpStatus.SERVICE_UNAVAILABLE && e instanceof ApiException api) {
      api.retryAfter()
          .ifPresent(
              wait ->
                  response.header(
                      HttpHeaders.RETRY_AFTER,
                      Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
    }
    return response.body(problem);
  }

  static HttpStatus status(KimiException e) {
    if (e instanceof PreflightException
        || e instanceof InvalidRequestException
        || e instanceof ContentFilterException) {
      return HttpStatus.BAD_REQUEST;
    }
    if (e instanceof RateLimitException
        || e instanceof EngineOverloadedException
        || e instanceof QuotaExceededException
        || e instanceof TokensPerDayLimitException) {
      return HttpStatus.SERVICE_UNAVAILABLE;
    }
    if (e instanceof KimiTimeoutException) {
      return HttpStatus.GATEWAY_TIMEOUT;
    }
    return HttpStatus.BAD_GATEWAY;
  }
}
