package io.github.kimisdk;

import io.github.kimisdk.base.net.Tls;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.host.Host;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When and how long a {@link KimiClient} waits before sending a failed call again.
 *
 * <p>Retried: connection failures and timeouts before a response, and every API error whose {@link
 * ApiException#isRetryable()} says so, one rule for both: HTTP 408, 409, 429 ({@code
 * engine_overloaded_error}, {@code rate_limit_reached_error}, but not the tokens-per-day limit) and
 * every 5xx, as the official OpenAI and Anthropic clients retry; and, once per call, Kimi Code K3's
 * intermittent 400 "malformed encrypted reasoning content: invalid base64url encoding", which the
 * same request usually passes when sent again. Never retried: any other 4xx (400, 401, 402, 403,
 * 404, 413, 422, ...), 3xx, {@code exceeded_current_quota_error}, a suspended account, the daily
 * token limit, a cancelled call, an untrusted TLS certificate, a wait or total time bound the
 * caller set ({@link RateLimit.Builder#maxQueueWait}, {@link Timeouts#withStreamTotal}), a body the
 * SDK cannot decode (such as {@code Content-Encoding: gzip}), and an {@link Error} such as {@link
 * OutOfMemoryError}, which is never wrapped in a {@link KimiException} but thrown as it is. A
 * stream is retried only before its first chunk reached the caller.
 *
 * <p>The wait before retry {@code n} (counting from 1) is a random duration between half and all of
 * {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}. When the server asks for a wait
 * ({@code Retry-After-Ms}, {@code Retry-After} in seconds or as an HTTP date, or Kimi's "try again
 * after N seconds"), that wait is used instead; if it is longer than {@link #maxServerWait()} the
 * call fails at once with the server's error, whose {@link ApiException#retryAfter()} says how long
 * to wait. With a {@link #deadline()}, no retry is started that would begin after the deadline
 * (measured from the first attempt).
 *
 * <p>The final exception carries the earlier failures as {@linkplain Throwable#getSuppressed()
 * suppressed} exceptions and the number of attempts in {@link KimiException#attempts()}.
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .fromEnv()
 *     .retryPolicy(RetryPolicy.defaults()
 *         .withMaxRetries(4)
 *         .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(20))
 *         .withDeadline(Duration.ofMinutes(2)))
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {

  /** The most retries a policy may allow: Flink's {@code retry-num} defaults to 100. */
  public static final int MAX_RETRIES = 1000;

  private static final Duration FIRST_COOLDOWN = Duration.ofSeconds(5);
  private static final Duration BUSY_WAIT = Duration.ofSeconds(5);
  private static final Duration MAX_COOLDOWN = Duration.ofSeconds(60);

  private static final RetryPolicy DEFAULTS = new RetryPolicy(new Parts());
  private static final RetryPolicy NONE =
      DEFAULTS.with(
          p -> {
            p.maxRetries = 0;
            p.maxServerWait = Duration.ZERO;
            p.busyWait = Duration.ZERO;
          });

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxServerWait;
  private final Duration deadline;
  private final Duration rateLimitWait;
  private final Duration busyWait;
  private final Duration cooldown;
  private final Duration maxCooldown;
  private final Duration hedgeAfter;
  private final double hedgeBudget;
  private final boolean continuesStreams;

  private RetryPolicy(Parts p) {
    this.maxRetries = p.maxRetries;
    this.initialBackoff = p.initialBackoff;
    this.maxBackoff = p.maxBackoff;
    this.maxServerWait = p.maxServerWait;
    this.deadline = p.deadline;
    this.rateLimitWait = p.rateLimitWait;
    this.busyWait = p.busyWait;
    this.cooldown = p.cooldown;
    this.maxCooldown = p.maxCooldown;
    this.hedgeAfter = p.hedgeAfter;
    this.hedgeBudget = p.hedgeBudget;
    this.continuesStreams = p.continuesStreams;
  }

  /** A policy's parts by name, the defaults' unless changed: each {@code with} changes some. */
  private static final class Parts {
    int maxRetries = 2;
    Duration initialBackoff = Duration.ofMillis(500);
    Duration maxBackoff = Duration.ofSeconds(8);
    Duration maxServerWait = Duration.ofSeconds(60);
    Duration deadline;
    Duration rateLimitWait = Duration.ZERO;
    Duration busyWait = BUSY_WAIT;
    Duration cooldown = FIRST_COOLDOWN;
    Duration maxCooldown = MAX_COOLDOWN;
    Duration hedgeAfter; // null: no hedging
    double hedgeBudget;
    boolean continuesStreams;

    Parts() {}

    Parts(RetryPolicy r) {
      maxRetries = r.maxRetries;
      initialBackoff = r.initialBackoff;
      maxBackoff = r.maxBackoff;
      maxServerWait = r.maxServerWait;
      deadline = r.deadline;
      rateLimitWait = r.rateLimitWait;
      busyWait = r.busyWait;
      cooldown = r.cooldown;
      maxCooldown = r.maxCooldown;
      hedgeAfter = r.hedgeAfter;
      hedgeBudget = r.hedgeBudget;
      continuesStreams = r.continuesStreams;
    }
  }

  /** Returns this policy with the parts {@code change} sets. */
  private RetryPolicy with(Consumer<Parts> change) {
    Parts p = new Parts(this);
    change.accept(p);
    return new RetryPolicy(p);
  }

  /**
   * Returns the defaults: 2 retries, backoff from 0.5 s doubling up to 8 s with jitter, server
   * requested waits honoured up to 60 s, at most 5 s in all waiting for busy hosts ({@link
   * #withBusyWait}), no overall deadline.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a policy that never retries: every call makes exactly one attempt.
   *
   * @return the policy without retries
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Returns a copy with another number of retries.
   *
   * @param maxRetries the retries after the first attempt, from 0 to {@value #MAX_RETRIES}
   * @return the new policy
   * @throws IllegalArgumentException if {@code maxRetries} is out of range
   */
  public RetryPolicy withMaxRetries(int maxRetries) {
    if (maxRetries < 0 || maxRetries > MAX_RETRIES) {
      throw new IllegalArgumentException(
          "maxRetries must be in [0, " + MAX_RETRIES + "]: " + maxRetries);
    }
    return with(p -> p.maxRetries = maxRetries);
  }

  /**
   * Returns a copy with another backoff: the first retry waits up to {@code initial}, each further
   * retry up to twice as long, never more than {@code max}.
   *
   * @param initial the longest wait before the first retry; not negative
   * @param max the cap on any backoff wait; at least {@code initial}
   * @return the new policy
   * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
   * @throws NullPointerException if an argument is null
   */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    range(initial, "initial backoff", max, "max backoff");
    return with(p -> p.initialBackoff = initial).with(p -> p.maxBackoff = max);
  }

  /**
   * Returns a copy with another cap on a server-requested wait. A 429 asking for longer fails at
   * once instead of blocking the caller for that long.
   *
   * @param maxServerWait the longest wait honoured; not negative
   * @return the new policy
   * @throws IllegalArgumentException if {@code maxServerWait} is negative
   * @throws NullPointerException if {@code maxServerWait} is null
   */
  public RetryPolicy withMaxServerWait(Duration maxServerWait) {
    notNegative(maxServerWait, "maxServerWait");
    return with(p -> p.maxServerWait = maxServerWait);
  }

  /**
   * Returns a copy with an overall deadline for retrying, measured from the first attempt: a retry
   * that would start after it is not made and the last failure is reported.
   *
   * @param deadline the time budget; positive
   * @return the new policy
   * @throws IllegalArgumentException if {@code deadline} is not positive
   * @throws NullPointerException if {@code deadline} is null
   */
  public RetryPolicy withDeadline(Duration deadline) {
    positive(deadline, "deadline");
    return with(p -> p.deadline = deadline);
  }

  /**
   * Returns a copy with another cooldown of a fallback target (see {@link Target}): a target that
   * answered that it is overloaded is not sent calls for {@code initial} (or as long as its answer
   * asked, up to {@code max}), then one call probes it; a probe that fails again doubles the
   * cooldown, up to {@code max}, and one that succeeds ends it. The defaults are 5 s and 60 s.
   *
   * @param initial the first cooldown; positive
   * @param max the longest cooldown; at least {@code initial}
   * @return the new policy
   * @throws IllegalArgumentException if {@code initial} is not positive or {@code max < initial}
   * @throws NullPointerException if an argument is null
   */
  public RetryPolicy withCooldown(Duration initial, Duration max) {
    range(initial, "cooldown", max, "max cooldown");
    positive(initial, "cooldown");
    return with(p -> p.cooldown = initial).with(p -> p.maxCooldown = max);
  }

  /**
   * Returns a copy that waits out rate limits without spending retries: a 429 of the account's rate
   * limit ({@code rate_limit_reached_error}, or a 429 that names no other kind; never the daily
   * token limit or a quota) is sent again after the wait the server asks for (or the backoff) and
   * does not count against {@link #maxRetries()}, as long as the waits of the call on such 429s add
   * up to at most {@code total}; past it, each counts as a retry again. A batch job that must not
   * lose a row to a busy minute sets it (Flink's {@code kimi} provider does); an interactive caller
   * usually wants the default, {@link Duration#ZERO}: every 429 spends a retry.
   *
   * <p>A host's refusal for its concurrency (a 429 that says the concurrency limit was reached, or
   * a 503 whose queue is full) is waited out without spending a retry, within {@link #busyWait()}
   * or this budget, whichever is longer ({@link #withBusyWait}). A policy with neither, such as
   * {@link #none()}, makes one attempt whatever the failure.
   *
   * <p>A call to a client with fallback targets ({@link Target}) waits for a cooling target only
   * within this budget too (each wait within {@link #maxServerWait()}): with the default, zero, a
   * call whose every target refused it or cools down fails at once, naming each target and its last
   * answer, instead of waiting out their cooldowns.
   *
   * @param total the longest a call waits on rate limits without spending retries; not negative
   * @return the new policy
   * @throws IllegalArgumentException if {@code total} is negative
   * @throws NullPointerException if {@code total} is null
   */
  public RetryPolicy withRateLimitWait(Duration total) {
    notNegative(total, "rateLimitWait");
    return with(p -> p.rateLimitWait = total);
  }

  /**
   * Returns a copy that waits at most {@code total}, in all, for hosts that are busy rather than
   * down: a host's refusal for its concurrency (a 429 that says the concurrency limit was reached,
   * or a 503 whose queue is full, as vLLM's busy engine and SGLang's full queue answer) is sent
   * again without spending a retry, after the wait the host asks for (at once when it asks none,
   * then backing off), as soon as that host's gate has a slot for it; a fallback chain whose
   * targets are all busy waits for the first to have room. The call's every such wait counts
   * against {@code total} (or against {@link #rateLimitWait()} when that is longer); past it the
   * call fails, its failure saying how long it waited, over how many attempts, and what each host
   * last answered. 5 s by default: well under what a service's own caller usually waits, so a busy
   * host makes a call fail within seconds rather than hold it for a minute. A batch job that would
   * rather wait sets more.
   *
   * @param total the longest a call waits in all for busy hosts; not negative
   * @return the new policy
   * @throws IllegalArgumentException if {@code total} is negative
   * @throws NullPointerException if {@code total} is null
   */
  public RetryPolicy withBusyWait(Duration total) {
    notNegative(total, "busyWait");
    return with(p -> p.busyWait = total);
  }

  /**
   * Returns the longest a call waits in all for busy hosts ({@link #withBusyWait}).
   *
   * @return the budget; 5 s by default
   */
  public Duration busyWait() {
    return busyWait;
  }

  /**
   * Returns a copy that hedges a slow first token: a chat stream that brought nothing within {@code
   * after} of being sent (its headers late, or its first event) goes at once to another member of
   * its group ({@link KimiClient.Builder#replica}) or the next target of the chain that admits it,
   * and the slow copy is cancelled, before its headers too (a hand-over, not a race: the slow copy
   * had sent no chunk and sends none after, so the caller reads each word once, from the copy that
   * answers). With nowhere to go the slow copy goes on: the hand-over's room is reserved first. A
   * hedge spends no retry and does not cool the slow target. Each stream adds {@code budget} of a
   * hedge to the client's allowance and a hedge spends one (the allowance starts at one and holds
   * at most ten), so a host slow for everyone cannot double the load on the others. The cancelled
   * copy counts in the client's limits and telemetry as an attempt; it reports no usage, so its
   * prompt, if its host bills it, is not in the client's spend. A call is hedged at most once; a
   * client with one target, and a call that is not streamed, are not hedged. Told as {@link
   * CallEvent.Reroute#HEDGED}.
   *
   * @param after how long to wait for the first text before hedging; positive
   * @param budget the most hedges per stream sent, from 0 (exclusive) to 1
   * @return the new policy
   * @throws IllegalArgumentException if {@code after} is not positive or {@code budget} is out of
   *     range
   * @throws NullPointerException if {@code after} is null
   */
  public RetryPolicy withHedging(Duration after, double budget) {
    positive(after, "hedge delay");
    if (!(budget > 0 && budget <= 1)) {
      throw new IllegalArgumentException("hedge budget must be above 0 and at most 1: " + budget);
    }
    return with(
        p -> {
          p.hedgeAfter = after;
          p.hedgeBudget = budget;
        });
  }

  /**
   * Returns how long a stream waits for its first text before it is hedged ({@link #withHedging}).
   *
   * @return the delay, or empty when streams are not hedged
   */
  public Optional<Duration> hedgeAfter() {
    return Optional.ofNullable(hedgeAfter);
  }

  /**
   * Returns the most hedges per stream sent ({@link #withHedging}).
   *
   * @return the budget; zero when streams are not hedged
   */
  public double hedgeBudget() {
    return hedgeBudget;
  }

  /**
   * Returns a copy that finishes a cut stream ({@code continues} true): a chat stream that fails
   * after its text began (a connection cut, a stream that ends without its end, an idle stream) is
   * continued from what arrived, on the same target or the next that admits it, in the form that
   * target's host continues an answer ({@link Host#continuation()}); the caller reads one stream
   * with each word once. A continuation spends one of the policy's retries. A stream that cannot
   * continue (its host has no such form, its reasoning or a tool call was cut mid-way, a structured
   * output was cut) fails as it would without, and its failure says why. Told as {@link
   * CallEvent.Reroute#CONTINUED}. Off by default.
   *
   * @param continues whether cut streams are continued
   * @return the new policy
   */
  public RetryPolicy withStreamContinuation(boolean continues) {
    return with(p -> p.continuesStreams = continues);
  }

  /**
   * Tells whether a cut chat stream is continued from what arrived ({@link
   * #withStreamContinuation}).
   *
   * @return true when it is
   */
  public boolean continuesStreams() {
    return continuesStreams;
  }

  /**
   * Returns how long a call may wait on rate limits without spending retries.
   *
   * @return the budget; zero when every rate-limit 429 spends a retry
   */
  public Duration rateLimitWait() {
    return rateLimitWait;
  }

  /**
   * Returns the first cooldown of a fallback target that answered that it is overloaded.
   *
   * @return the cooldown
   */
  public Duration cooldown() {
    return cooldown;
  }

  /**
   * Returns the longest cooldown of a fallback target.
   *
   * @return the longest cooldown
   */
  public Duration maxCooldown() {
    return maxCooldown;
  }

  /**
   * Returns the number of retries after the first attempt.
   *
   * @return the retry count
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the longest wait before the first retry.
   *
   * @return the initial backoff
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Returns the cap on a backoff wait.
   *
   * @return the maximum backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns the longest server-requested wait that is honoured.
   *
   * @return the cap on server-requested waits
   */
  public Duration maxServerWait() {
    return maxServerWait;
  }

  /**
   * Returns the overall deadline for retrying.
   *
   * @return the deadline, or empty when there is none
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * Tells whether a failure may be retried under this policy's rules (ignoring the retry count).
   *
   * @param failure the failure of one attempt
   * @return true if sending the same request again can help
   * @throws NullPointerException if {@code failure} is null
   */
  public boolean isRetryable(KimiException failure) {
    Objects.requireNonNull(failure, "failure");
    if (failure instanceof ApiException a) {
      // the one rule, applied when the answer was classified: 408, 409, 429 and every 5xx, by
      // status or (in a stream, in a 200 envelope) by Kimi's error type, and K3's base64url 400
      // (whose second occurrence in a call the retrier makes final); the client's own refusal
      // after RateLimit's maxQueueWait is final
      return a.isRetryable();
    }
    if (failure instanceof KimiTimeoutException) {
      // a bound the caller set (the rate limiter's queue wait, a stream's total time) is final
      return !(failure.getCause() instanceof java.util.concurrent.TimeoutException);
    }
    if (failure instanceof ConnectionException) {
      return !Tls.untrustedCertificate(failure.getCause());
    }
    // only seen for a stream that broke before its first chunk reached the caller
    return failure instanceof TruncatedStreamException;
  }

  /** Checks a range of waits: neither negative, and {@code max} at least {@code initial}. */
  private static void range(Duration initial, String initialName, Duration max, String maxName) {
    notNegative(initial, initialName);
    notNegative(max, maxName);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          maxName + " must be at least the " + initialName + ": " + max + " < " + initial);
    }
  }

  private static void positive(Duration d, String name) {
    notNegative(d, name);
    if (d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  private static void notNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && p.maxRetries == maxRetries
        && p.initialBackoff.equals(initialBackoff)
        && p.maxBackoff.equals(maxBackoff)
        && p.maxServerWait.equals(maxServerWait)
        && Objects.equals(p.deadline, deadline)
        && p.rateLimitWait.equals(rateLimitWait)
        && p.busyWait.equals(busyWait)
        && p.cooldown.equals(cooldown)
        && p.maxCooldown.equals(maxCooldown)
        && Objects.equals(p.hedgeAfter, hedgeAfter)
        && Double.compare(p.hedgeBudget, hedgeBudget) == 0
        && p.continuesStreams == continuesStreams;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxRetries,
        initialBackoff,
        maxBackoff,
        maxServerWait,
        deadline,
        rateLimitWait,
        busyWait,
        cooldown,
        maxCooldown,
        hedgeAfter,
        hedgeBudget,
        continuesStreams);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxRetries="
        + maxRetries
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", maxServerWait="
        + maxServerWait
        + (deadline == null ? "" : ", deadline=" + deadline)
        + (rateLimitWait.isZero() ? "" : ", rateLimitWait=" + rateLimitWait)
        + (busyWait.equals(BUSY_WAIT) ? "" : ", busyWait=" + busyWait)
        + (cooldown.equals(FIRST_COOLDOWN) && maxCooldown.equals(MAX_COOLDOWN)
            ? ""
            : ", cooldown=" + cooldown + ".." + maxCooldown)
        + (hedgeAfter == null ? "" : ", hedgeAfter=" + hedgeAfter + ", hedgeBudget=" + hedgeBudget)
        + (continuesStreams ? ", continuesStreams" : "")
        + "]";
  }
}
