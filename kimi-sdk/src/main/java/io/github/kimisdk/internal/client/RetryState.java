package io.github.kimisdk.internal.client;

import io.github.kimisdk.errors.KimiException;
import java.util.ArrayList;
import java.util.List;

/**
 * The course of one call's attempts, as its {@link Retrier} judges them: the failures so far, what
 * the call has spent of its policy (retries, waits that spend none), and, on a client with fallback
 * targets, which target the next attempt goes to and which targets this round of the call may no
 * longer use. Owned by one call (a {@link Retrier.FutureCall} or a {@link StreamingCall}) and read
 * and written under that call's lock.
 */
final class RetryState {

  /** The call's failures, the last attempt's last. */
  final List<KimiException> failures = new ArrayList<>();

  /** When the call started, on the scheduler's clock. */
  long started;

  /** The attempts sent. */
  int attempts;

  /** The retries spent against the policy's {@code maxRetries}. */
  int retries;

  /** The refusals of a supplied key absorbed (at most one). */
  int refreshes;

  /** The host's refusals for concurrency, waited out without spending retries. */
  int concurrencyRefusals;

  /** The rate-limit 429s waited out without spending retries. */
  int rateLimited;

  /** What the call waited without spending retries (rate limits, concurrency), in nanoseconds. */
  long freeWaitNanos;

  /**
   * The target of the next attempt: 0, the client's own, unless the call falls back; -1 while it is
   * to be chosen ({@link Retrier#route}).
   */
  int target;

  /**
   * The target of the attempt in flight, or of the last one sent; -1 before the first. Read by the
   * spend above the retrier, on another thread, to count a reply against the target that served it.
   */
  volatile int routed = -1;

  /** The targets this round of the call skips (overloaded or out of quota), one bit each. */
  long skipped;

  /** The target whose probe the call's current attempt is, or -1. */
  volatile int probe = -1;

  /** How many times the call moved to another target. */
  int fallbacks;

  /** Whether the call's attempts go to the client's fallback targets (a chat call). */
  boolean routing;

  /** The model the request names, for the context windows of the targets; null for none. */
  String model;

  /** What each target's rate limiter charges the call; null when it charges the first's. */
  Legs legs;

  /** A call's request at each of its targets: in the host's form, encoded, charged. */
  interface Legs {
    /**
     * Returns what target {@code t}'s rate limiter charges for {@code request}.
     *
     * @param t the target
     * @param request the attempt's request, in Kimi's form
     * @return the charge in tokens, 0 for none
     */
    long charge(int t, io.github.kimisdk.chat.ChatRequest request);

    /**
     * Returns {@code request} as target {@code t} is sent it: its host's form, encoded for its
     * wire, with its transport.
     *
     * @param t the target
     * @param request the attempt's request, in Kimi's form
     * @return the leg
     */
    Sending.Encoded encoded(int t, io.github.kimisdk.chat.ChatRequest request);
  }

  /** Returns the last failure. */
  KimiException last() {
    return failures.get(failures.size() - 1);
  }

  /** Tells whether this round of the call skips {@code t}. */
  boolean skips(int t) {
    return (skipped & (1L << t)) != 0;
  }

  /** Has this round of the call skip {@code t}. */
  void skip(int t) {
    skipped |= 1L << t;
  }

  @Override
  public String toString() {
    return "RetryState[attempts="
        + attempts
        + ", retries="
        + retries
        + ", target="
        + target
        + ", fallbacks="
        + fallbacks
        + "]";
  }
}
