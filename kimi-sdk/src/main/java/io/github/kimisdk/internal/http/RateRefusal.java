package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A response that refuses a call for the account's rate, read from its status, headers and bounded
 * body before the failure is classified: a rate limit or an overload, which pauses the client's
 * rate limiter and, through a shared store, every process of the account. The transport tells the
 * attempt's limiter of it ({@link AttemptObserver#refused}) before the failure is classified and
 * built ({@link ErrorMaker}, made at a client's first failure), logged, or heard by the listeners,
 * so that the fleet's pause waits for none of that.
 *
 * <p>It decides as {@link ErrorMaker#classify} does, whose {@code RateLimitException} and {@code
 * EngineOverloadedException} these responses become, from the rules both read here ({@link #quota},
 * {@link #tokensPerDay}, {@link #retryAfter}, {@link #KIMI_CODE_OVERLOADED}); a table test holds
 * the two to each other. It names no exception class, so reading it loads none. Should they ever
 * disagree, the limiter still pauses when the call ends with a rate-limit failure.
 *
 * @param retryAfter how long the server asks to wait ({@code Retry-After}, else "try again after N
 *     seconds" in its message), or null when it says nothing
 * @param message the server's message as the classifier reads it (cut, not redacted: never shown),
 *     for the limits it states; null when it has none
 * @param concurrency whether the host refused for its concurrency ({@link #concurrency(int,
 *     String)}): the client then lowers its concurrency for that host instead of pausing
 */
public record RateRefusal(Duration retryAfter, String message, boolean concurrency) {

  /** A refusal for the account's rate, not for its concurrency. */
  public RateRefusal(Duration retryAfter, String message) {
    this(retryAfter, message, false);
  }

  /** The SDK's default User-Agent starts with this. */
  static final String SDK_AGENT_PREFIX = "kimi-sdk-java/";

  /** What Kimi Code's overload 429 says, lower case (kimi-api.md sections 1.3 and 4.3). */
  static final String KIMI_CODE_OVERLOADED = "engine is currently overloaded";

  /**
   * Returns the refusal a non-2xx response is, or null when it is none (a quota, the daily token
   * limit, Kimi Code's User-Agent gate, any other error). Linear in the body, which the transport
   * read within its limit.
   *
   * @param md the response's status and headers
   * @param body the body's bytes
   * @param off where the body starts
   * @param len the body's length
   * @param kimiCode whether the client calls Kimi Code
   * @param userAgent the User-Agent the client sends
   * @return the refusal, or null
   */
  static RateRefusal of(
      ResponseMetadata md, byte[] body, int off, int len, boolean kimiCode, String userAgent) {
    int status = md.statusCode();
    if (status >= 300 && status < 400) {
      return null;
    }
    // a compressed body is classified by its status alone (ErrorMaker.httpError)
    ErrorBody read =
        ErrorFactory.encoding(md) != null
            ? new ErrorBody(null, null, null)
            : ErrorBody.parse(body, off, len).read();
    String message = read.message() == null ? "" : read.message();
    String lower = message.toLowerCase(Locale.ROOT);
    String kind = ErrorBody.kind(read.type(), read.code());
    if (quota(kind, read.code(), lower)) {
      return null;
    }
    if (concurrency(status, lower)) {
      return new RateRefusal(retryAfter(md, message), read.message(), true);
    }
    boolean refused;
    if (status == 429 && kimiCode && lower.contains(KIMI_CODE_OVERLOADED)) {
      // on the Anthropic-style surface, with the SDK's own User-Agent, it is the gate: no overload
      refused = !(kind.equals("rate_limit_error") && userAgent.startsWith(SDK_AGENT_PREFIX));
    } else if (kind.equals("engine_overloaded_error") || kind.equals("overloaded_error")) {
      refused = true;
    } else if (kind.equals("rate_limit_reached_error")
        || kind.equals("rate_limit_error")
        || status == 429) {
      refused = !tokensPerDay(message);
    } else {
      refused = false;
    }
    return refused ? new RateRefusal(retryAfter(md, message), read.message()) : null;
  }

  /**
   * Tells whether a host refused a request for its concurrency, the one judgement of it: a 429
   * whose message speaks of the concurrency limit (Kimi: "... reached organization max concurrency:
   * N"; OpenAI-style gateways: "too many concurrent requests"), or a 503 whose queue is full
   * (SGLang's "The request queue is full."). The client lowers its concurrency for that host and
   * sends the call again when a slot frees, instead of pausing every call.
   *
   * @param status the HTTP status
   * @param lower the (bounded) server message in lower case
   * @return true for a refusal for concurrency
   */
  public static boolean concurrency(int status, String lower) {
    if (status == 429) {
      return lower.contains("concurrency") || lower.contains("concurrent requests");
    }
    return status == 503 && lower.contains("queue is full");
  }

  /**
   * Tells whether an error says the balance or the plan's quota is used up, or the account is
   * suspended: retrying does not help, and nothing pauses.
   *
   * @param kind the error's kind ({@link ErrorBody#kind})
   * @param code its code, or null
   * @param lower its (bounded) message in lower case
   * @return true for a quota
   */
  static boolean quota(String kind, String code, String lower) {
    return kind.equals("exceeded_current_quota_error")
        || kind.equals("billing_error")
        || kind.equals("insufficient_quota")
        || "insufficient_quota".equals(code)
        || lower.contains("exceeded your current token quota")
        || lower.contains("insufficient balance")
        || lower.contains("is suspended")
        || lower.contains("usage limit");
  }

  /**
   * Tells whether a (bounded) server message speaks of the tokens-per-day limit.
   *
   * @param message the message
   * @return true for the daily limit
   */
  static boolean tokensPerDay(CharSequence message) {
    return ServerText.containsWord(message, "TPD")
        || ServerText.containsAny(message, "tokens per day", "daily token");
  }

  /**
   * Returns how long the server asks to wait: its {@code Retry-After} header, else the "try again
   * after N seconds" of its message, else null.
   *
   * @param md the response metadata, or null
   * @param message the (bounded) server message
   * @return the wait, or null
   */
  static Duration retryAfter(ResponseMetadata md, String message) {
    if (md != null) {
      Optional<Duration> header = md.retryAfter();
      if (header.isPresent()) {
        return header.get();
      }
    }
    double seconds = ServerText.tryAgainSeconds(message);
    return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
  }
}
