package io.github.kimisdk.internal.chain;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.route.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * The course of one call's attempts, as its {@link Retrier} judges them: the failures so far, what
 * the call has spent of its policy (retries, and the waits that spend none: {@link Waits}), the
 * target of its next attempt and, on a client with fallback targets, its {@link Route}. Owned by
 * one call (a {@link Retrier.FutureCall} or a {@link StreamingCall}) and read and written under
 * that call's lock.
 */
public final class RetryState {

  /** The call's failures, the last attempt's last. */
  final List<KimiException> failures = new ArrayList<>();

  /** When the call started, on the scheduler's clock. */
  long started;

  /** The attempts sent. */
  int attempts;

  /** The retries spent against the policy's {@code maxRetries}. */
  int retries;

  /**
   * The target of the next attempt: 0, the client's own, unless the call falls back; -1 while it is
   * to be chosen ({@link Retrier#route}).
   */
  int target;

  /**
   * The target of the attempt in flight, or of the last one sent; -1 before the first. Written when
   * an attempt is routed and read when it ended, on whichever threads the call runs: only the
   * retrier reads it (which target served a call comes back with its answer).
   */
  volatile int routed = -1;

  /**
   * The request of the call's next attempts in place of its own, in Kimi's form: a cut stream's
   * continuation ({@link Continuing}); null for the call's own. Each target's leg writes it in that
   * target's host's form.
   */
  ChatRequest request;

  /** What the call spent without spending retries. */
  final Waits waits = new Waits();

  /** Where a call that may fall back goes; null for any other call. */
  final Route route;

  /** The course of a call that goes to the client's own target. */
  RetryState() {
    this.route = null;
  }

  /**
   * The course of a chat call of a client with fallback targets: its first attempt goes to the
   * first target that admits it.
   *
   * @param model the model the request names, for the context windows of the targets
   * @param key its conversation's key, which keeps it on one member of a group; 0 for none
   */
  RetryState(String model, long key) {
    this.route = new Route(model, key);
    this.target = -1;
  }

  /** The waits and absorbed refusals that spend no retry. */
  static final class Waits {
    /** The refusals of a supplied key absorbed (at most one). */
    int refreshes;

    /** The host's refusals for concurrency, waited out without spending retries. */
    int concurrencyRefusals;

    /** The rate-limit 429s waited out without spending retries. */
    int rateLimited;

    /** What the call waited without spending retries, in nanoseconds. */
    long freeWaitNanos;
  }

  /** Whether the call's attempts go to the client's fallback targets (a chat call). */
  boolean routing() {
    return route != null;
  }

  /** Returns the last failure. */
  KimiException last() {
    return failures.get(failures.size() - 1);
  }

  @Override
  public String toString() {
    return "RetryState[attempts="
        + attempts
        + ", retries="
        + retries
        + ", target="
        + target
        + (route == null ? "" : ", fallbacks=" + route.fallbacks)
        + "]";
  }
}
