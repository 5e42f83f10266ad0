package io.github.kimisdk.internal.client;

import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.RateRefusal;
import io.github.kimisdk.internal.http.ServerText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The concurrency one host takes, learned from its refusals (additive increase, multiplicative
 * decrease): until a host refuses an attempt for its concurrency (a 429 that says its concurrency
 * limit was reached, a 503 whose queue is full: {@link RateRefusal#concurrency()}), every attempt
 * passes at once and the gate only counts them; the first refusal sets the limit to half the
 * attempts then in flight, each later one halves it again (at most once per round of attempts: a
 * refusal of an attempt granted before the last decrease does not lower it again), never below 1;
 * each {@code max(limit, INCREASE_AFTER)} successes in a row raise it by one, up to the configured
 * maximum, or to the limit the host stated. Attempts over the limit wait, in arrival order, for a
 * slot; a refused attempt's call is sent again through the gate (the retrier neither backs it off
 * nor counts it as a retry), so a host that takes one request at a time is sent about one at a time
 * instead of each call backing off on its own. A limit the host states ("max concurrency: N") is
 * taken at once.
 *
 * <p>Invariants (guarded by {@code this}): {@code inFlight} counts the granted permits not yet
 * finished; {@code limit} is at least 1 and below {@code max}, or {@link Integer#MAX_VALUE} while
 * the gate does not limit (until the host first refuses, and again once the limit climbed back to
 * the configured maximum, which the rate limiter enforces with its own queue); {@code epoch} counts
 * the decreases; a waiter is granted only while {@code inFlight < limit}, and only by {@link
 * #drain}, in order.
 *
 * <p>Thread model: any thread acquires and finishes; state changes under the lock, waiters are
 * completed outside it (a completion runs the attempt's send).
 */
final class ConcurrencyGate {

  /** The fewest successes in a row that raise the limit by one (more once the limit is higher). */
  static final int INCREASE_AFTER = 4;

  private final int max;
  private int ceiling; // the most the limit climbs back to: max, or less once the host stated less
  private final ArrayDeque<CompletableFuture<Permit>> waiting = new ArrayDeque<>();
  private int limit;
  private int inFlight;
  private int epoch;
  private int successes;
  private int decreases;

  /**
   * Creates the gate of one host.
   *
   * @param max the most attempts in flight the client allows this host ({@code RateLimit}'s
   *     concurrency, which the client's rate limiter enforces itself), or {@link Integer#MAX_VALUE}
   *     for no configured maximum: once the learned limit climbs back to it, the gate stops
   *     limiting
   */
  ConcurrencyGate(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    this.max = max;
    this.limit = Integer.MAX_VALUE;
    this.ceiling = max;
  }

  /**
   * Returns a permit: completed at once while the limit allows, else when a slot frees. Cancelling
   * the future withdraws the waiter.
   *
   * @return the permit
   */
  CompletableFuture<Permit> acquire() {
    synchronized (this) {
      if (waiting.isEmpty() && inFlight < limit) {
        inFlight++;
        return CompletableFuture.completedFuture(new Permit(epoch));
      }
      CompletableFuture<Permit> w = new CompletableFuture<>();
      waiting.add(w);
      return w;
    }
  }

  /** The learned limit: {@link Integer#MAX_VALUE} until the host first refused. */
  synchronized int limit() {
    return limit;
  }

  /** The attempts granted and not yet finished. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** The attempts waiting for a slot. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** How many refusals lowered the limit. */
  synchronized int decreases() {
    return decreases;
  }

  private void finished(Permit p, Throwable failure, boolean refusedForConcurrency) {
    synchronized (this) {
      inFlight--;
      if (refusedForConcurrency) {
        // told already by the transport, in the usual case; the limit moved there
      } else if (failure == null) {
        successes++;
        if (limit < ceiling && successes >= Math.max(limit, INCREASE_AFTER)) {
          limit++;
          successes = 0;
          if (limit >= max) {
            limit = Integer.MAX_VALUE; // back at the configured maximum: the rate limiter's again
          }
        }
      }
    }
    drain();
  }

  private void refused(Permit p, String message) {
    synchronized (this) {
      long stated =
          message == null ? -1 : ServerText.numberAfterAnchor(message, "concurrency:", "");
      if (stated >= 1 && stated < ceiling) {
        ceiling = (int) stated; // the host said how many it takes: no use climbing past it
      }
      if (stated >= 1 && stated < limit) {
        limit = (int) stated;
        epoch++;
        decreases++;
      } else if (p.epoch == epoch) {
        // the first refusal of this round; the others were sent before the limit came down
        limit = Math.max(1, Math.min(Math.min(limit, max), inFlight) / 2);
        epoch++;
        decreases++;
      }
      successes = 0;
    }
  }

  /** Grants waiters, in order, while the limit allows. */
  private void drain() {
    List<CompletableFuture<Permit>> granted = null;
    List<Permit> permits = null;
    synchronized (this) {
      while (inFlight < limit && !waiting.isEmpty()) {
        CompletableFuture<Permit> w = waiting.poll();
        if (w.isDone()) {
          continue; // withdrawn
        }
        inFlight++;
        if (granted == null) {
          granted = new ArrayList<>(2);
          permits = new ArrayList<>(2);
        }
        granted.add(w);
        permits.add(new Permit(epoch));
      }
    }
    if (granted == null) {
      return;
    }
    for (int i = 0; i < granted.size(); i++) {
      Permit p = permits.get(i);
      if (!granted.get(i).complete(p)) {
        p.finish(RateLimiter.CANCELLED); // withdrawn meanwhile: its slot goes to the next
      }
    }
  }

  /**
   * Runs {@code call} once the gate grants a permit, and finishes the permit when its future
   * completes. Cancelling the result withdraws the waiter or cancels the call.
   *
   * @param call sends the attempt, told whether it runs on the thread that asked
   * @return the attempt's outcome
   */
  <T> CompletableFuture<T> call(PermitCall<T> call) {
    return call(call, null);
  }

  /**
   * As {@link #call(PermitCall)}; {@code queued}, when not null, is told of the permit's future
   * when the attempt has to wait for a slot (to bound the wait).
   */
  <T> CompletableFuture<T> call(
      PermitCall<T> call, java.util.function.Consumer<CompletableFuture<Permit>> queued) {
    CompletableFuture<Permit> acquired = acquire();
    if (acquired.isDone()) { // the usual case: no queue, no extra future
      Permit p = acquired.join();
      CompletableFuture<T> f;
      try {
        f = call.send(p, true);
      } catch (RuntimeException e) {
        p.finish(e);
        throw e;
      }
      f.whenComplete((r, e) -> p.finish(e));
      return f;
    }
    if (queued != null) {
      queued.accept(acquired);
    }
    Thread asking = Thread.currentThread();
    return RateLimiter.whenGranted(
        acquired, permit -> call.send(permit, Thread.currentThread() == asking), Permit::finish);
  }

  /** Sends an attempt with its permit. */
  @FunctionalInterface
  interface PermitCall<T> {
    /**
     * Sends the attempt.
     *
     * @param permit the attempt's permit, which hears its refusal
     * @param sameThread whether this is the thread that asked for the permit
     * @return the attempt's outcome
     */
    CompletableFuture<T> send(Permit permit, boolean sameThread);
  }

  @Override
  public synchronized String toString() {
    return "ConcurrencyGate[limit="
        + (limit == Integer.MAX_VALUE ? "none" : Integer.toString(limit))
        + ", inFlight="
        + inFlight
        + ", waiting="
        + waiting.size()
        + "]";
  }

  /** One attempt's right to be sent; it hears the attempt's refusal from the transport. */
  final class Permit implements AttemptObserver {
    private final int epoch;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean refusal = new AtomicBoolean();

    private Permit(int epoch) {
      this.epoch = epoch;
    }

    /** Gives the slot back; {@code failure} is the attempt's, null on success. Once. */
    void finish(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        finished(this, failure, refusal.get());
      }
    }

    @Override
    public boolean hearsRefusals() {
      return true;
    }

    @Override
    public void refused(int attempt, RateRefusal r) {
      if (r.concurrency() && refusal.compareAndSet(false, true)) {
        ConcurrencyGate.this.refused(this, r.message());
      }
    }
  }
}
