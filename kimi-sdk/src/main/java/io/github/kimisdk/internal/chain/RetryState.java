package io.github.kimisdk.internal.chain;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.route.Route;
import io.github.kimisdk.internal.route.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The course of one call's attempts, as its {@link Retrier} judges them: the failures so far, what
 * the call has spent of its policy (retries, and the waits that spend none: {@link Waits}), and, on
 * a client with fallback targets, its {@link Route}, which owns where each attempt goes. Owned by
 * one call (a {@link FutureCall} or a {@link StreamingCall}) and read and written under that call's
 * lock; the route keeps its own.
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
   * The target of the next attempt, as the route chose it (0, the client's own, on a client without
   * fallback targets), and the room it holds there (null: none taken, its gate grants one). Written
   * when the attempt is routed, read when it is sent, on whichever thread the call runs.
   */
  volatile int target;

  volatile ConcurrencyGate.Permit permit;

  /**
   * The request of the call's next attempts in place of its own, in Kimi's form: a cut stream's
   * continuation ({@link Continuing}); null for the call's own. Each target's leg writes it in that
   * target's host's form.
   */
  ChatRequest request;

  /** The route's verdict on the last failure; null for a call without a route. */
  Verdict verdict;

  /**
   * What ended the call when a bound did (its deadline, its wait for busy hosts): a sentence its
   * failure adds; null otherwise.
   */
  String end;

  /** What the call spent without spending retries. */
  final Waits waits = new Waits();

  /** Where a call that may fall back goes; null for any other call. */
  final Route route;

  /** The course of a call that goes to the client's own target. */
  RetryState() {
    this.route = null;
  }

  /**
   * The course of a chat call of a client with fallback targets: its attempts go where {@code
   * route} says.
   *
   * @param route the call's route
   */
  RetryState(Route route) {
    this.route = route;
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

    /** Of it, what the call waited for busy hosts, in nanoseconds. */
    long busyNanos;
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
        + (route == null ? "" : ", " + route)
        + "]";
  }
}
