package io.github.kimisdk.internal.route;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.Errors;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.RateRefusal;
import java.util.concurrent.TimeoutException;

/**
 * How a failure bears on where a call goes next, judged by what the host answered and by when it
 * happened: the one judgement of it. A host's refusal (an error status, or an error event naming
 * one before a stream's first output) says something of the host; a failure before the response
 * began (no connection, no headers in time) says the host may be down; a failure after the response
 * began (a body cut after its 2xx status, headers then silence, a stall mid-stream) says only that
 * this answer was lost: it is retried or continued where it was, never a reason to cool the target
 * or move the call.
 */
public enum Kind {
  /** The host said it is overloaded, or could not be reached before the response began. */
  OVERLOAD,
  /** The target's account is out of quota, or suspended. */
  QUOTA,
  /** The host refused for its concurrency ({@link RateRefusal#concurrency}): busy, not down. */
  CONCURRENCY,
  /** The account's rate limit. */
  RATE_LIMIT,
  /** The request is too long for the target's model. */
  CONTEXT,
  /**
   * A budget of the client that falls back refused the attempt before it was sent: the call moves
   * to the next target, whose worst case may fit; the target is not at fault.
   */
  BUDGET,
  /** The response began (a 2xx status came) and was then lost: cut, silent or stalled. */
  CUT,
  /** Anything else: the caller's own error, or one the retry policy judges. */
  OTHER;

  /**
   * Judges a failure of an attempt sent to {@code host} (null: a client without fallback targets,
   * which judges by Moonshot's statuses).
   *
   * @param k the failure
   * @param host the host it came from, or null
   * @return its kind
   */
  public static Kind of(KimiException k, Host host) {
    if (k instanceof QuotaExceededException) {
      return QUOTA;
    }
    if (k instanceof BudgetExceededException b) {
      return Errors.exceptions().movesOn(b) ? BUDGET : OTHER;
    }
    if (k instanceof ApiException a) {
      RateRefusal r = ErrorFactory.refusal(k);
      if (r != null && r.concurrency()) {
        return CONCURRENCY;
      }
      if (k instanceof EngineOverloadedException) {
        return OVERLOAD;
      }
      if (k instanceof RateLimitException) {
        return RATE_LIMIT;
      }
      if (k instanceof ContextLengthExceededException) {
        return CONTEXT;
      }
      int status = a.status();
      boolean overload =
          host == null
              ? status == 502 || status == 503 || status == 529
              : host.overloadStatuses().contains(status);
      return overload ? OVERLOAD : OTHER;
    }
    if (began(k)) {
      return CUT;
    }
    if (k instanceof ConnectionException) {
      return OVERLOAD; // refused, reset or unreachable before a response began
    }
    if (k instanceof KimiTimeoutException && !(k.getCause() instanceof TimeoutException)) {
      return OVERLOAD; // connect or first-byte timeout; not a bound the caller set
    }
    return OTHER;
  }

  /**
   * Tells whether {@code k}, a failure other than a host's refusal, happened after the response
   * began: a stream's failure, or one that came with a 2xx status.
   */
  static boolean began(KimiException k) {
    if (k instanceof StreamException) {
      return true;
    }
    ResponseMetadata md = k.metadata().orElse(null);
    return md != null && md.statusCode() / 100 == 2;
  }

  /**
   * Tells whether {@code k} says its host could not be reached at all: no connection, or no answer
   * before the response began.
   */
  static boolean unreachable(KimiException k) {
    return !(k instanceof ApiException)
        && !began(k)
        && (k instanceof ConnectionException || k instanceof KimiTimeoutException);
  }
}
