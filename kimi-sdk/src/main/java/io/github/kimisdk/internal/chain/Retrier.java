package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.route.Route;
import io.github.kimisdk.internal.route.Targets;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Applies a {@link RetryPolicy} to calls: futures for {@code chat}, {@link StreamingCall} for
 * streams. Waits are scheduled, never slept, so no thread is blocked between attempts.
 *
 * <p>A call whose key comes from a supplier ({@link #refreshing}) also absorbs one refusal of its
 * key: Kimi's first {@link AuthenticationException} of the call is followed at once by one more
 * attempt, whatever the policy (its retries are not spent on it), which asks the supplier again; a
 * second refusal ends the call, saying the key was refreshed and still refused.
 */
public final class Retrier {

  private final RetryPolicy policy;
  private final CallContext context;
  private final Rules rules;
  private final CallTrace trace; // null when nobody listens to the call
  private final Targets targets; // the client's fallback targets; null for a client without

  /** The most refusals for concurrency a call waits out without spending retries. */
  static final int MAX_CONCURRENCY_REFUSALS = 100;

  /**
   * Creates the retrier of a client.
   *
   * @param policy when to retry
   * @param context the clock, failure mapping, timeouts and log the calls run on
   */
  public Retrier(RetryPolicy policy, CallContext context) {
    this(new Rules(policy, null, true, false), context, null, null);
  }

  /**
   * What one retrier applies to its calls.
   *
   * @param policy when to retry
   * @param callTimeout the call's own whole-call timeout ({@code RequestOptions.timeout}), or null
   * @param clientOverall whether {@link Timeouts#overall()} bounds the call when it has none
   * @param refreshesKey whether the key comes from a supplier, so one refusal of it is absorbed
   */
  private record Rules(
      RetryPolicy policy, Duration callTimeout, boolean clientOverall, boolean refreshesKey) {}

  private Retrier(Rules rules, CallContext context, CallTrace trace, Targets targets) {
    this.rules = rules;
    this.policy = rules.policy();
    this.context = context;
    this.trace = trace;
    this.targets = targets;
  }

  /**
   * Returns this retrier choosing among {@code targets} for each attempt of a chat call.
   *
   * @param targets the client's fallback chain
   * @return the retrier
   */
  public Retrier routing(Targets targets) {
    return new Retrier(rules, context, trace, targets);
  }

  /** Returns the client's fallback targets, or null for a client without. */
  Targets targets() {
    return targets;
  }

  /** Returns the policy. */
  RetryPolicy policy() {
    return policy;
  }

  /**
   * Returns this retrier for the calls of a client whose key comes from a supplier ({@code
   * refreshes} true), which absorb one refusal of their key, or of one whose key is fixed.
   *
   * @param refreshes whether asking for the key again may give another
   * @return the retrier; this one when it already says so
   */
  public Retrier refreshing(boolean refreshes) {
    return refreshes == rules.refreshesKey()
        ? this
        : new Retrier(
            new Rules(policy, rules.callTimeout(), rules.clientOverall(), refreshes),
            context,
            trace,
            targets);
  }

  /**
   * Returns this retrier telling {@code trace} of each retry it schedules.
   *
   * @param trace the call's listeners, or null for none
   * @return the retrier for the call
   */
  Retrier observed(CallTrace trace) {
    return trace == null ? this : new Retrier(rules, context, trace, targets);
  }

  /**
   * Returns the retrier of one call with its own settings ({@code RequestOptions}): {@code policy}
   * replaces this one's when not null, and {@code callTimeout}, when not null, bounds the whole
   * call, a stream included, in place of {@link Timeouts#overall()}. Returns this retrier when
   * neither is set.
   *
   * @param policy the call's retry policy, or null
   * @param callTimeout the call's whole-call timeout, or null
   * @return the retrier for the call
   */
  public Retrier forCall(RetryPolicy policy, Duration callTimeout) {
    if (policy == null && callTimeout == null) {
      return this;
    }
    Rules call =
        new Rules(policy != null ? policy : this.policy, callTimeout, true, rules.refreshesKey());
    return new Retrier(call, context, trace, targets);
  }

  /**
   * Returns the retrier of a platform call (files, batches, models...): sent once unless {@code
   * policy} is given, and bounded only by {@code callTimeout}, never by {@link Timeouts#overall()},
   * which covers chat calls.
   *
   * @param policy the call's retry policy, or null to send it once
   * @param callTimeout the call's whole-call timeout, or null for none
   * @return the retrier for the call
   */
  public Retrier forPlatformCall(RetryPolicy policy, Duration callTimeout) {
    Rules call =
        new Rules(
            policy != null ? policy : RetryPolicy.none(), callTimeout, false, rules.refreshesKey());
    return new Retrier(call, context, trace, null); // to the client's own endpoint
  }

  /**
   * Returns the whole-call timeout set for this call, bounding streams too.
   *
   * @return the timeout, or null
   */
  public Duration callTimeout() {
    return rules.callTimeout();
  }

  /** Returns the timeout that bounds a non-streaming call, and the setting that chose it. */
  private Optional<Duration> overall() {
    if (rules.callTimeout() != null) {
      return Optional.of(rules.callTimeout());
    }
    return rules.clientOverall() ? context.timeouts().overall() : Optional.empty();
  }

  /**
   * Returns the failure of a call that ran past its whole-call timeout.
   *
   * @param limit the timeout
   * @return the failure, naming the setting that gave the timeout
   */
  public KimiException timedOut(Duration limit) {
    return context
        .errors()
        .overallTimeout(
            limit, rules.callTimeout() != null ? "RequestOptions.timeout" : "Timeouts.withOverall");
  }

  /**
   * Returns the backoff before retry {@code retry} (1 for the first retry), before jitter.
   *
   * @param policy the policy
   * @param retry the retry number, from 1
   * @return the wait ceiling for that retry
   */
  public static Duration backoffCeiling(RetryPolicy policy, int retry) {
    long ms = policy.initialBackoff().toMillis();
    long max = policy.maxBackoff().toMillis();
    for (int i = 1; i < retry && ms < max; i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, max));
  }

  /**
   * Returns the jittered wait before retry {@code retry}: between half and all of the ceiling.
   *
   * @param policy the policy
   * @param retry the retry number, from 1
   * @param random a number in [0, 1)
   * @return the wait
   */
  public static Duration backoff(RetryPolicy policy, int retry, double random) {
    long ceiling = backoffCeiling(policy, retry).toMillis();
    return Duration.ofMillis(ceiling / 2 + (long) (random * (ceiling - ceiling / 2)));
  }

  /**
   * What follows a failed attempt: wait {@code delay}, then send the next attempt to {@code target}
   * (-1: the first target the call may use, chosen when it is sent, see {@link #route}).
   *
   * @param delay the wait
   * @param target the next attempt's target, or -1 to choose
   * @param fallback whether the call moves to another target
   */
  record Step(Duration delay, int target, boolean fallback) {}

  /**
   * Judges the last failure of a call ({@code st.last()}): returns what follows, or null when the
   * failure is final. One loop decides everything, in this order: a supplied key's first refusal is
   * absorbed; on a client with fallback targets, an overload (or a full queue) cools its target
   * down and a quota its account's targets, and the call moves to the next target it may use, as it
   * does for a request too long for its target when a later one takes a longer context; a host's
   * refusal for its concurrency is waited out without spending a retry, after the wait the host
   * asked for (the client's gate for that host judges whether sending fewer helps); a rate-limit
   * 429 too, within the policy's {@link RetryPolicy#rateLimitWait()}; anything else spends a retry,
   * as the policy's retry count, its retryable failures, the server's asked wait and the policy's
   * deadline decide. A failure retried once ({@link ErrorFactory#retriedOnce}) is final when it
   * already failed an earlier attempt.
   *
   * @param st the call's course, its last failure appended; updated with what it spends
   * @return the next step, or null
   */
  Step step(RetryState st) {
    KimiException failure = st.last();
    int t = Math.max(st.target, 0);
    if (rules.refreshesKey() && keyRefused(failure) && st.waits.refreshes == 0) {
      st.waits.refreshes++;
      return new Step(Duration.ZERO, t, false); // the next attempt asks the supplier again
    }
    Targets targets = st.routing() ? this.targets : null;
    if (targets != null) {
      targets.done(st.route); // the attempt's room in its group is free again
    }
    Targets.Kind kind = Targets.kind(failure, targets == null ? null : targets.host(t));
    boolean cooled = false; // the target cools down for as long as its answer asked
    if (targets != null) {
      targets.judged(t, kind, failure, st.route);
      if (targets.movesOn(kind, failure, t, st.route)) {
        cooled = true;
        if (kind == Targets.Kind.QUOTA) {
          targets.skipAccount(t, st.route);
        } else {
          st.route.skip(t);
        }
        if (targets.anyLeft(st.route)) {
          st.route.fallbacks++;
          return new Step(Duration.ZERO, -1, true);
        }
        if (kind == Targets.Kind.QUOTA || kind == Targets.Kind.CONTEXT) {
          return null; // no target left that could answer
        }
      }
    }
    Optional<Duration> asked =
        failure instanceof ApiException a ? a.retryAfter() : Optional.empty();
    Duration budget =
        policy.rateLimitWait().isZero() ? policy.maxServerWait() : policy.rateLimitWait();
    if (kind == Targets.Kind.CONCURRENCY && !budget.isZero()) { // none(): one attempt, always
      int k = st.waits.concurrencyRefusals + 1;
      // the host's asked wait, else at once (the gate holds it for a slot), then backing off
      Duration wait =
          asked.orElseGet(
              () -> k == 1 ? Duration.ZERO : backoff(policy, k - 1, context.scheduler().random()));
      if (k <= MAX_CONCURRENCY_REFUSALS
          && wait.compareTo(policy.maxServerWait()) <= 0
          && st.waits.freeWaitNanos + wait.toNanos() <= budget.toNanos()
          && withinDeadline(st, wait)) {
        st.waits.concurrencyRefusals = k;
        st.waits.freeWaitNanos += wait.toNanos();
        if (st.route != null && st.route.full) {
          return new Step(wait, -1, false); // its group's member with room takes it
        }
        if (cooled) {
          // every target refused for its full queue: the first to admit the call takes it
          st.route.skipped = 0;
          return new Step(wait, -1, false);
        }
        return new Step(wait, t, false);
      }
    }
    if (kind == Targets.Kind.RATE_LIMIT && !policy.rateLimitWait().isZero()) {
      Duration wait =
          asked.orElseGet(
              () -> backoff(policy, st.waits.rateLimited + 1, context.scheduler().random()));
      if (wait.compareTo(policy.maxServerWait()) <= 0
          && st.waits.freeWaitNanos + wait.toNanos() <= policy.rateLimitWait().toNanos()
          && withinDeadline(st, wait)) {
        st.waits.rateLimited++;
        st.waits.freeWaitNanos += wait.toNanos();
        return new Step(wait, t, false);
      }
    }
    int retries = st.retries + 1;
    if (retries > policy.maxRetries() || !policy.isRetryable(failure)) {
      return null;
    }
    if (ErrorFactory.retriedOnce(failure)
        && st.failures.stream().filter(ErrorFactory::retriedOnce).count() > 1) {
      return null;
    }
    Duration wait;
    if (asked.isPresent() && !cooled) {
      // (a target that cooled down for it honours its asked wait itself: the new round skips it
      // while it cools, and fails at once when every target does, rather than waiting it out)
      if (asked.get().compareTo(policy.maxServerWait()) > 0) {
        return null;
      }
      wait = asked.get();
    } else {
      wait = backoff(policy, retries, context.scheduler().random());
    }
    if (!withinDeadline(st, wait)) {
      return null;
    }
    st.retries = retries;
    if (targets == null) {
      return new Step(wait, t, false);
    }
    st.route.skipped = 0; // a new round: every target may be asked again, as its health allows
    return new Step(wait, -1, false);
  }

  private boolean withinDeadline(RetryState st, Duration wait) {
    Optional<Duration> deadline = policy.deadline();
    if (deadline.isEmpty()) {
      return true;
    }
    long elapsed = context.scheduler().nanoTime() - st.started;
    return elapsed + wait.toNanos() <= deadline.get().toNanos();
  }

  /**
   * Runs {@code send} once the call's next attempt has a target ({@code st.target} set): at once on
   * a client without fallback targets or when the step named one, else once a target the call may
   * use admits it (the first in order that is available, or whose cooldown ended: the call is then
   * its probe). When none does, the call waits for the first to become available only within what
   * it may still wait without spending retries ({@link #freeWaitLeft}: the policy's {@link
   * RetryPolicy#rateLimitWait()}, none by default), or, when a target cools for its full queue
   * (busy, not down), within {@link RetryPolicy#maxServerWait()}; past that {@code giveUp} gets a
   * failure that names every target with its last answer ({@link #noTarget}), so a call to a chain
   * whose every target is down fails at once instead of waiting out cooldowns.
   *
   * @param st the call's course
   * @param send sends the attempt to {@code st.target}
   * @param giveUp ends the call
   */
  void route(RetryState st, Runnable send, java.util.function.Consumer<KimiException> giveUp) {
    Targets ts = st.routing() ? targets : null;
    if (ts == null) {
      send.run();
      return;
    }
    int picked = -1;
    synchronized (st) {
      if (st.target < 0) {
        picked = ts.pick(st.route);
        st.target = Math.max(picked, -1);
      } else {
        ts.hold(st.route, st.target);
      }
      if (st.target >= 0) {
        st.routed = st.target;
      }
    }
    if (st.target >= 0) {
      int from = st.route.movedFrom;
      if (from >= 0) {
        st.route.movedFrom = -1;
        rerouted(st.attempts + 1, CallEvent.Reroute.MOVED, from, st.target, Duration.ZERO);
      }
      send.run();
      return;
    }
    if (picked == Targets.WAIT_FOR_ROOM) {
      waitForRoom(ts, st, send, giveUp);
      return;
    }
    long bound = freeWaitLeft(st);
    if (ts.anyBusy(st.route)) {
      // a target that refused for its full queue is busy, not down: the call waits for it, all
      // its waits that spend no retry within maxServerWait (and the deadline)
      long busy = Math.max(0, policy.maxServerWait().toNanos() - st.waits.freeWaitNanos);
      bound = Math.max(bound, Math.min(busy, serverWaitLeft(st)));
    }
    long soonest = ts.soonestNanos(st.route);
    if (soonest != 0 && (soonest > bound || bound == 0)) {
      giveUp.accept(noTarget(st, soonest));
      return;
    }
    awaitWithin(
        st,
        bound,
        wake -> ts.await(st.route, wake),
        () -> route(st, send, giveUp),
        () -> giveUp.accept(noTarget(st, ts.soonestNanos(st.route))));
  }

  /**
   * Has a call whose every member is full wait for room, as a call waits for a busy target: within
   * {@link RetryPolicy#maxServerWait()} of waits that spend no retry, and the deadline; it is then
   * sent to the member it waited at, room or not (its gate still holds it to the limit it learnt).
   */
  private void waitForRoom(
      Targets ts, RetryState st, Runnable send, java.util.function.Consumer<KimiException> giveUp) {
    long busy = Math.max(0, policy.maxServerWait().toNanos() - st.waits.freeWaitNanos);
    long bound = Math.max(freeWaitLeft(st), Math.min(busy, serverWaitLeft(st)));
    Runnable anyway =
        () -> {
          int t;
          synchronized (st) {
            t = ts.pickWaited(st.route);
            st.target = t;
            if (t >= 0) {
              st.routed = t;
            }
          }
          if (t >= 0) {
            send.run();
          } else if (bound > 0) {
            route(st, send, giveUp); // its member stopped taking calls meanwhile: choose again
          } else {
            giveUp.accept(noTarget(st, ts.soonestNanos(st.route)));
          }
        };
    if (bound == 0) {
      anyway.run();
      return;
    }
    awaitWithin(
        st, bound, wake -> ts.awaitRoom(st.route, wake), () -> route(st, send, giveUp), anyway);
  }

  /**
   * Waits, spending no retry, for whichever comes first: the wake {@code register} is given ({@code
   * woken} runs) or {@code bound} nanoseconds ({@code timedOut} runs); once, either way, the time
   * waited counted among the call's free waits.
   */
  private void awaitWithin(
      RetryState st,
      long bound,
      java.util.function.Consumer<Runnable> register,
      Runnable woken,
      Runnable timedOut) {
    long since = context.scheduler().nanoTime();
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable waited =
        () -> {
          synchronized (st) {
            st.waits.freeWaitNanos += Math.max(0, context.scheduler().nanoTime() - since);
          }
        };
    Runnable withdraw =
        context
            .scheduler()
            .schedule(
                () -> {
                  if (once.compareAndSet(false, true)) {
                    waited.run();
                    timedOut.run();
                  }
                },
                Duration.ofNanos(bound));
    register.accept(
        () -> {
          if (once.compareAndSet(false, true)) {
            withdraw.run();
            waited.run();
            woken.run();
          }
        });
  }

  /**
   * Returns how long the call may still wait, spending no retry, for a target to admit it: what is
   * left of the policy's {@link RetryPolicy#rateLimitWait()} (the one budget of every such wait: a
   * rate limit, a refusal for concurrency, a cooling target), within {@link
   * RetryPolicy#maxServerWait()} and its deadline. Zero by default, so a call never waits out a
   * cooldown unless its policy asks.
   */
  private long freeWaitLeft(RetryState st) {
    long free = Math.max(0, policy.rateLimitWait().toNanos() - st.waits.freeWaitNanos);
    return Math.min(free, serverWaitLeft(st));
  }

  /** How long one wait for a server may last: {@link RetryPolicy#maxServerWait()}, the deadline. */
  private long serverWaitLeft(RetryState st) {
    long bound = policy.maxServerWait().toNanos();
    Optional<Duration> deadline = policy.deadline();
    if (deadline.isPresent()) {
      long left = deadline.get().toNanos() - (context.scheduler().nanoTime() - st.started);
      bound = Math.min(bound, Math.max(0, left));
    }
    return bound;
  }

  /**
   * The failure of a call that found no target to send to: an overload naming every target with its
   * last answer and state, the call's own failures suppressed in it by {@link #finish}.
   */
  private KimiException noTarget(RetryState st, long soonestNanos) {
    return context
        .errors()
        .noTargetAvailable(
            soonestNanos < 0 || soonestNanos == Long.MAX_VALUE
                ? null
                : Duration.ofNanos(soonestNanos),
            targets.describe(st.route));
  }

  /**
   * Returns the failure that ends a call whose policy gave up after {@code last}: on a client with
   * fallback targets, when every target the call may use refused it this round and the last for
   * overload or its concurrency, the failure that names them all ({@link #noTarget}); else {@code
   * last}.
   *
   * @param st the call's course
   * @param last the last attempt's failure
   * @return the failure to report
   */
  KimiException ending(RetryState st, KimiException last) {
    if (!st.routing() || targets.anyLeft(st.route)) {
      return last;
    }
    Targets.Kind kind = Targets.kind(last, targets.host(Math.max(st.target, 0)));
    if (kind != Targets.Kind.OVERLOAD && kind != Targets.Kind.CONCURRENCY) {
      return last; // a quota stays a quota: paying, not waiting, is what helps
    }
    return noTarget(st, targets.soonestNanos(new Route(null))); // over every target
  }

  /**
   * Tells the call's target that its attempt succeeded: a probe makes a cooling target available
   * again.
   *
   * @param st the call's course
   */
  void succeeded(RetryState st) {
    if (st.routing() && st.routed >= 0) {
      targets.succeeded(st.routed, st.route);
    }
    if (st.routing()) {
      targets.done(st.route);
    }
  }

  /**
   * Hands a hedged stream's call over from target {@code from}, whose attempt was aborted for
   * bringing nothing within the hedge delay: its room is free, and this round of the call passes
   * that target for another that admits it; no retry is spent and the target does not cool down.
   *
   * @param st the call's course
   * @param from the slow attempt's target
   */
  void handOver(RetryState st, int from) {
    if (st.routing()) {
      targets.done(st.route);
      targets.release(st.route); // a probe that brought nothing proves nothing either way
      if (from >= 0) {
        st.route.skip(from);
      }
    }
    st.target = -1;
  }

  /**
   * Tells the call's probe, if it held one that its end did not settle (it was cancelled, or its
   * client closed), that it ended, so that the next call probes that target.
   *
   * @param st the call's course
   */
  void ended(RetryState st) {
    if (st.routing()) {
      targets.done(st.route);
    }
    if (st.routing() && st.route.probe >= 0) {
      targets.release(st.route);
    }
  }

  /** Tells whether {@code failure} is Kimi's refusal of the attempt's key. */
  private static boolean keyRefused(KimiException failure) {
    return failure instanceof AuthenticationException;
  }

  /**
   * Returns {@code last}, the failure that ends a call, with the earlier failures suppressed in it
   * and the attempts counted; a refusal of a key that was refreshed after an earlier refusal says
   * so.
   *
   * @param last the last attempt's failure
   * @param failures the call's failures, {@code last} among them
   * @param attempts the attempts made
   * @return the failure to report
   */
  KimiException finish(KimiException last, List<KimiException> failures, int attempts) {
    if (rules.refreshesKey()
        && last instanceof AuthenticationException refused
        && failures.stream().filter(Retrier::keyRefused).count() > 1) {
      List<KimiException> earlier = new ArrayList<>(failures);
      earlier.remove(last);
      return context
          .errors()
          .finish(context.errors().refreshedAndRefused(refused), earlier, attempts);
    }
    return context.errors().finish(last, failures, attempts);
  }

  /**
   * Logs at {@code DEBUG} that attempt {@code attempt} failed and the next comes after {@code
   * wait}, and tells the call's listeners.
   *
   * @param attempt the failed attempt's number
   * @param failure its failure
   * @param wait the wait before the next
   */
  public void logRetry(int attempt, KimiException failure, Duration wait) {
    if (trace != null) {
      trace.retry(attempt, failure, wait);
    }
    logged(attempt, failure, wait);
  }

  /**
   * Logs at {@code DEBUG} that attempt {@code attempt} failed on target {@code from} and the call
   * moves to the next target, and tells the call's listeners once it has one ({@link #fellBack}).
   *
   * @param attempt the failed attempt's number
   * @param failure its failure
   * @param from the target it failed on
   */
  void logFallback(int attempt, KimiException failure, int from) {
    context.log().log(
        Level.DEBUG,
        () ->
            "attempt "
                + attempt
                + " failed on "
                + targets.get(from)
                + " ("
                + failure.getClass().getSimpleName()
                + "); falling back");
  }

  /**
   * Tells the call's listeners that the call moved from target {@code from} to target {@code to}
   * after attempt {@code attempt} failed.
   *
   * @param attempt the failed attempt's number
   * @param failure its failure
   * @param from the target it failed on
   * @param to the next attempt's target
   */
  void fellBack(int attempt, KimiException failure, int from, int to) {
    if (trace != null) {
      trace.fallback(attempt, failure, targets.served(from), targets.served(to));
    }
  }

  /**
   * Tells the call's listeners that attempt {@code attempt} goes to target {@code to} instead of
   * {@code from} with no failure ({@link io.github.kimisdk.CallEvent.Reroute}).
   *
   * @param attempt the attempt sent elsewhere
   * @param kind why
   * @param from the target the call was on, or would have gone to
   * @param to the attempt's target
   * @param after the wait before a hedge; zero for the other kinds
   */
  void rerouted(int attempt, CallEvent.Reroute kind, int from, int to, Duration after) {
    rerouted(attempt, kind, targets.served(from), targets.served(to), after);
  }

  /**
   * As {@link #rerouted(int, CallEvent.Reroute, int, int, Duration)}, for targets named by what
   * they are: a call of a client without fallback targets, whose own target is not in a chain, is
   * continued on it.
   */
  void rerouted(
      int attempt,
      CallEvent.Reroute kind,
      io.github.kimisdk.ServedBy from,
      io.github.kimisdk.ServedBy to,
      Duration after) {
    context.log().log(
        Level.DEBUG,
        () ->
            "attempt " + attempt + " " + kind + " from " + from.baseUrl() + " to " + to.baseUrl());
    if (trace != null) {
      trace.rerouted(attempt, kind, from, to, after);
    }
  }

  private void logged(int attempt, KimiException failure, Duration wait) {
    context.log().log(
        Level.DEBUG,
        () ->
            "attempt "
                + attempt
                + " failed ("
                + failure.getClass().getSimpleName()
                + failure.requestId().map(id -> ", request-id=" + id).orElse("")
                + "); retrying in "
                + wait.toMillis()
                + " ms");
  }

  /** Sends one attempt of a call. */
  @FunctionalInterface
  public interface Attempts<T> {
    /**
     * Sends attempt {@code attempt} to target {@code target}.
     *
     * @param attempt the attempt number, from 1
     * @param here true when this thread is the blocking caller's: send on it ({@code
     *     HttpClient.send}) and return a completed future
     * @param target the attempt's target: 0, the client's own, unless the call fell back
     * @return the attempt's outcome
     */
    CompletableFuture<T> send(int attempt, boolean here, int target);
  }

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up. Cancelling the result cancels
   * the attempt in flight and stops further attempts.
   */
  public <T> CompletableFuture<T> call(IntFunction<CompletableFuture<T>> attempt) {
    FutureCall<T> c = prepare((n, here, target) -> attempt.apply(n), false, newState());
    c.start();
    return c.result();
  }

  /**
   * Prepares a call as {@link #call(IntFunction)} runs it, without sending anything: whoever holds
   * {@link FutureCall#result()} wraps it first (what hears and tracks the call), then calls {@link
   * FutureCall#start()}, so a failure or cancel of what it made reaches the attempt even while it
   * is sent on this thread. When {@code blocking}, this thread is a blocking caller's: an attempt
   * that starts on it (the first, unless the rate limiter makes it wait) is sent on it, and a
   * cancel meanwhile interrupts the send (that interrupt does not stay set). The {@link Retrying}
   * interceptor of the client's chain is the one caller.
   *
   * @param attempt sends one attempt
   * @param blocking whether the calling thread waits for the result anyway
   * @param route the call's course, when the chain keeps it (a call that may fall back); null for a
   *     new one
   * @return the call, not started
   */
  <T> FutureCall<T> prepare(Attempts<T> attempt, boolean blocking, RetryState route) {
    return new FutureCall<>(
        attempt, blocking ? Thread.currentThread() : null, route == null ? newState() : route);
  }

  /**
   * Returns a new call's course: its attempts go to the client's own target.
   *
   * @return the course
   */
  RetryState newState() {
    return new RetryState();
  }

  /**
   * Returns the course of a chat call that may fall back: its first attempt goes to the first
   * target that admits it; null when the client has no fallback targets.
   *
   * @param model the model the request names
   * @return the course, or null
   */
  RetryState routedState(String model, ChatRequest request) {
    if (targets == null) {
      return null;
    }
    return new RetryState(model, targets.grouped() ? Targets.affinityKey(request) : 0);
  }

  /** One call with its retries, as futures: prepared, wrapped by its caller, then started. */
  final class FutureCall<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Attempts<T> attempt;
    private final Thread caller; // a blocking caller's thread, or null
    private final RetryState state; // guarded by this, but for what route() reads
    private volatile CompletableFuture<T> current;
    private Thread sendingHere; // the caller's thread while it sends (guarded by this)
    private boolean interruptedHere; // whether a cancel interrupted that send (guarded by this)

    FutureCall(Attempts<T> attempt, Thread caller, RetryState state) {
      this.attempt = attempt;
      this.caller = caller;
      this.state = state;
    }

    /** Returns the call's outcome; cancelling it cancels the attempt in flight. */
    CompletableFuture<T> result() {
      return result;
    }

    /** Sends the first attempt; once. */
    void start() {
      state.started = context.scheduler().nanoTime();
      result.whenComplete(
          (r, e) -> {
            ended(state);
            CompletableFuture<T> c = current;
            if (c != null && !c.isDone()) {
              c.cancel(true);
            }
            synchronized (this) {
              if (sendingHere != null && !interruptedHere) {
                interruptedHere = true;
                sendingHere.interrupt(); // HttpClient.send abandons the exchange
              }
            }
          });
      Optional<Duration> overall = overall();
      if (overall.isPresent()) {
        Duration d = overall.get();
        Runnable withdraw =
            context
                .scheduler()
                .schedule(
                    () -> {
                      if (!result.isDone()) {
                        KimiException k = timedOut(d);
                        synchronized (this) {
                          result.completeExceptionally(
                              finish(k, state.failures, Math.max(state.attempts, 1)));
                        }
                      }
                    },
                    d);
        result.whenComplete((r, e) -> withdraw.run()); // no timer entry outlives the call
      }
      next();
    }

    private void next() {
      if (result.isDone()) {
        return;
      }
      route(state, this::send, this::giveUp);
    }

    private synchronized void giveUp(KimiException k) {
      if (!result.isDone()) {
        result.completeExceptionally(finish(k, state.failures, Math.max(state.attempts, 1)));
      }
    }

    private void send() {
      if (result.isDone()) {
        return;
      }
      boolean here = caller == Thread.currentThread();
      int n;
      int to;
      synchronized (this) {
        n = ++state.attempts;
        to = state.target;
        if (here) {
          sendingHere = caller;
        }
      }
      CompletableFuture<T> f;
      try {
        f = attempt.send(n, here, to);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      } finally {
        if (here) {
          synchronized (this) {
            sendingHere = null;
            if (interruptedHere) {
              Thread.interrupted(); // the cancel's interrupt, not the caller's; the call ended
            }
          }
        }
      }
      current = f;
      if (result.isDone()) {
        f.cancel(true);
        return;
      }
      f.whenComplete(
          (r, e) -> {
            Error fatal = ErrorFactory.fatal(e);
            if (e == null) {
              succeeded(state);
              result.complete(r);
            } else if (fatal != null) {
              result.completeExceptionally(fatal); // never retried
            } else {
              onFailure(context.calls().kimi(e));
            }
          });
    }

    /**
     * Ends the call with {@code reason} (its client closed), its attempts counted and the earlier
     * failures suppressed; cancelling the outcome cancels the attempt in flight. No effect once the
     * call ended.
     */
    synchronized void stop(KimiException reason) {
      if (!result.isDone()) {
        result.completeExceptionally(finish(reason, state.failures, Math.max(state.attempts, 1)));
      }
    }

    private void onFailure(KimiException k) {
      Step step;
      int from;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        state.failures.add(k);
        from = state.routed;
        step = step(state);
        if (step == null) {
          result.completeExceptionally(finish(ending(state, k), state.failures, state.attempts));
          return;
        }
        state.target = step.target();
      }
      if (step.fallback()) {
        logFallback(state.attempts, k, from);
        int failedAttempt = state.attempts;
        route(
            state,
            () -> {
              fellBack(failedAttempt, k, from, state.target);
              send();
            },
            this::giveUp);
        return;
      }
      logRetry(state.attempts, k, step.delay());
      if (step.delay().isZero()) {
        next(); // a slot or a refreshed key: no wait, no timer
      } else {
        context.scheduler().schedule(this::next, step.delay());
      }
    }
  }

  /** Builds the request that continues {@code request} after {@code partial} arrived. */
  public static ChatRequest resume(ChatRequest request, ChatCompletion partial) {
    String text = partial.text();
    if (text.isEmpty()) {
      return request;
    }
    List<Message> messages = new ArrayList<>(request.messages());
    Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last instanceof AssistantMessage a && a.partial() && a.content() != null) {
      messages.set(messages.size() - 1, Message.partial(a.content() + text, a.name()));
    } else {
      messages.add(Message.partial(text));
    }
    return request.toBuilder().messages(messages).build();
  }
}
