package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import java.time.Duration;
import java.util.List;
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

  /**
   * Returns the concurrency the host states ("... max concurrency: N"), the one reading of it that
   * the concurrency gate and the rate limiter both take; 0 when it states none. Linear in the
   * (bounded) message.
   *
   * @return the stated limit, or 0
   */
  public int statedConcurrency() {
    long n = message == null ? -1 : ServerText.numberAfterAnchor(message, "concurrency:", "");
    return n >= 1 && n <= Integer.MAX_VALUE ? (int) n : 0;
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
    return judge(md, status, read, kimiCode, userAgent);
  }

  /**
   * Returns the refusal for its concurrency that an error event inside a 2xx stream is, judged by
   * the status it names ({@link ErrorBody#status}) as {@link ErrorMaker#inStreamError} judges it,
   * or null when it is none: SGLang refuses a stream whose queue is full with such an event, on the
   * stream's 200, before any output. Linear in the payload.
   *
   * @param md the stream's status and headers
   * @param data holds the payload
   * @param off where it starts
   * @param len its length
   * @param kimiCode whether the client calls Kimi Code
   * @param userAgent the User-Agent the client sends
   * @return the refusal for concurrency, or null
   */
  static RateRefusal ofEvent(
      ResponseMetadata md, byte[] data, int off, int len, boolean kimiCode, String userAgent) {
    ErrorBody read = ErrorBody.parse(data, off, len).read();
    RateRefusal r = judge(md, read.status(md.statusCode()), read, kimiCode, userAgent);
    return r != null && r.concurrency() ? r : null;
  }

  private static RateRefusal judge(
      ResponseMetadata md, int status, ErrorBody read, boolean kimiCode, String userAgent) {
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
   * Tells whether a host refused a request for its concurrency, the one judgement of it: a response
   * with the status and words of one of the hosts' own refusals of a request because too many are
   * already in flight or queued ({@link #FULL_QUEUE}). The client lowers its concurrency for that
   * host and sends the call again when a slot frees, instead of pausing every call; a fallback
   * chain moves a call refused so with a 5xx to its next target.
   *
   * @param status the HTTP status, or the status a stream's error event names ({@link
   *     ErrorBody#status})
   * @param lower the (bounded) server message in lower case
   * @return true for a refusal for concurrency
   */
  public static boolean concurrency(int status, String lower) {
    for (FullQueue f : FULL_QUEUE) {
      if (f.status() == status && lower.contains(f.words())) {
        return true;
      }
    }
    return false;
  }

  /**
   * How a host says that it refused a request for its concurrency: with {@code status}, in a
   * message that holds {@code words} (lower case).
   *
   * @param status the HTTP status, or the status a stream's error event names
   * @param words what the message holds, lower case
   */
  record FullQueue(int status, String words) {}

  /**
   * Each host's own words for a full queue, the one place that holds them, each from its source:
   *
   * <ul>
   *   <li>Moonshot, 429 {@code rate_limit_reached_error} "... request reached organization max
   *       concurrency: N, please try again after 1 seconds" (kimi-api.md section 4.2; the limit N
   *       it states is read by the gate and the limiter);
   *   <li>OpenAI-style gateways, 429 "too many concurrent requests";
   *   <li>vLLM, 503 "The engine is currently busy and cannot accept new requests. Please try again
   *       later or on a different instance." ({@code QueueOverflowError}) and "The engine has
   *       reached its prefill token backlog limit. ..." ({@code MaxQueuedTokensError}), past {@code
   *       --max-num-queued-reqs} and {@code --max-num-queued-tokens} (vllm-project/vllm {@code
   *       vllm/exceptions.py}, PR #49445, 0.29), as a 503 status even for a stream (the admission
   *       check runs before the response starts);
   *   <li>SGLang, 503 "The request queue is full." past {@code --max-queued-requests}, and, with
   *       priority scheduling, "The request is aborted by a higher priority request." (sgl-project/
   *       sglang {@code managers/scheduler.py} {@code _abort_on_queued_limit}): a 503 status for a
   *       whole reply, and for a stream an error event on its 200 that names 503 as its {@code
   *       code} ({@code entrypoints/openai/serving_chat.py}, {@code
   *       create_streaming_error_response} in {@code serving_base.py}).
   * </ul>
   */
  static final List<FullQueue> FULL_QUEUE =
      List.of(
          new FullQueue(429, "max concurrency"),
          new FullQueue(429, "concurrent requests"),
          new FullQueue(503, "is currently busy and cannot accept new requests"),
          new FullQueue(503, "reached its prefill token backlog limit"),
          new FullQueue(503, "the request queue is full"),
          new FullQueue(503, "aborted by a higher priority request"));

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
        || balance(lower)
        || lower.contains("is suspended")
        || lower.contains(PLAN_USAGE_LIMIT);
  }

  /** What a plan's quota says when it is used up (Kimi Code's windows), lower case. */
  static final String PLAN_USAGE_LIMIT = "usage limit";

  /**
   * Tells whether a (bounded, lower-cased) message says the account's balance is used up:
   * Moonshot's 403 "insufficient account balance" (kimi-api.md, fourth look: "A 403 error typically
   * indicates insufficient account balance"), "insufficient balance", "balance is insufficient",
   * "not enough balance", a balance in arrears.
   */
  static boolean balance(String lower) {
    return lower.contains("balance")
        && (lower.contains("insufficient")
            || lower.contains("not enough")
            || lower.contains("arrears")
            || lower.contains("top up"));
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
