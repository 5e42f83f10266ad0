package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.route.Kind;
import io.github.kimisdk.internal.route.Move;
import io.github.kimisdk.internal.route.Outcome;
import io.github.kimisdk.internal.route.Report;
import io.github.kimisdk.internal.route.Route;
import io.github.kimisdk.internal.route.Router;
import io.github.kimisdk.internal.route.Verdict;
import io.github.kimisdk.internal.route.Where;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Applies a {@link RetryPolicy} to calls, the one retry protocol of futures ({@link FutureCall},
 * for {@code chat}) and streams ({@link StreamingCall}): it decides <em>when</em> (whether a
 * failure is retried, after which wait, within which budget and deadline), and asks the call's
 * {@link Route} <em>where</em> (the next attempt's target, what a failure means for where, whether
 * a slow stream may be handed over), telling the call's listeners the moves the route answers with.
 * Waits are scheduled, never slept, so no thread is blocked between attempts.
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
  private final Router router; // the client's fallback targets; null for a client without

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

  private Retrier(Rules rules, CallContext context, CallTrace trace, Router router) {
    this.rules = rules;
    this.policy = rules.policy();
    this.context = context;
    this.trace = trace;
    this.router = router;
  }

  /**
   * Returns this retrier sending each attempt of a chat call where the call's route says.
   *
   * @param router the client's targets
   * @return the retrier
   */
  public Retrier routing(Router router) {
    return new Retrier(rules, context, trace, router);
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
            router);
  }

  /** Returns this retrier telling {@code trace} (null: nobody) of each retry and move. */
  Retrier observed(CallTrace trace) {
    return trace == null ? this : new Retrier(rules, context, trace, router);
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
    return new Retrier(call, context, trace, router);
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

  /** Returns the whole-call timeout set for this call, bounding streams too; null for none. */
  public Duration callTimeout() {
    return rules.callTimeout();
  }

  /** Returns the timeout that bounds a non-streaming call. */
  Optional<Duration> overall() {
    if (rules.callTimeout() != null) {
      return Optional.of(rules.callTimeout());
    }
    return rules.clientOverall() ? context.timeouts().overall() : Optional.empty();
  }

  CallContext context() {
    return context;
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
   * What follows a failed attempt: wait {@code delay}, then send the next attempt where the call's
   * route says ({@code fallback}: at once to another target).
   *
   * @param delay the wait
   * @param fallback whether the call moves to another target
   */
  record Step(Duration delay, boolean fallback) {}

  /**
   * Judges failure {@code k} of the call's last attempt, the one rule of every call shape: records
   * it, asks the call's route where the next attempt goes, and says when, or null when the failure
   * is final (then {@link #ending} says what the call fails with). Logs and tells the retry. Not
   * under the call's lock: the route tells the targets' health, which runs the calls waiting for
   * it.
   *
   * @param st the call's course
   * @param k the failure
   * @return the next step, or null
   */
  Step failed(RetryState st, KimiException k) {
    Verdict v = st.route == null ? null : st.route.failed(k);
    Step step;
    synchronized (st) {
      st.failures.add(k);
      st.verdict = v;
      step = step(st, v);
    }
    if (step != null && !step.fallback()) {
      logRetry(st.attempts, k, step.delay());
    }
    return step;
  }

  /**
   * The rule, under the call's course: a supplied key's first refusal is absorbed; a move the route
   * asks for is made at once, spending nothing; a host's refusal for its concurrency (and a busy or
   * full target) is waited out without spending a retry, after the wait the host asked for (else at
   * once, then backing off), within {@link RetryPolicy#busyWait()}; a rate-limit 429 too, within
   * {@link RetryPolicy#rateLimitWait()}; anything else spends a retry, as the policy's retry count,
   * its retryable failures, the server's asked wait and the policy's deadline decide. A failure
   * retried once ({@link ErrorFactory#retriedOnce}) is final when it already failed an earlier
   * attempt. A final failure leaves in {@code st.end} what ended the call, when it was a bound.
   */
  private Step step(RetryState st, Verdict v) {
    KimiException failure = st.last();
    if (rules.refreshesKey()
        && failure instanceof AuthenticationException
        && st.waits.refreshes == 0) {
      st.waits.refreshes++;
      return new Step(Duration.ZERO, false); // the next attempt asks the supplier again
    }
    Kind kind = v != null ? v.kind() : Kind.of(failure, null);
    if (v != null && v.next() == Verdict.Next.END) {
      return null;
    }
    if (v != null && v.next() == Verdict.Next.MOVE) {
      return new Step(Duration.ZERO, true);
    }
    Optional<Duration> asked =
        failure instanceof ApiException a ? a.retryAfter() : Optional.empty();
    if (kind == Kind.CONCURRENCY && !busyBudget().isZero()) { // none(): one attempt, always
      int k = st.waits.concurrencyRefusals + 1;
      // the host's asked wait, else at once (its gate holds it for a slot), then backing off
      Duration wait =
          asked.orElseGet(
              () -> k == 1 ? Duration.ZERO : backoff(policy, k - 1, context.scheduler().random()));
      String missed = k <= MAX_CONCURRENCY_REFUSALS ? freeWait(st, wait, busyBudget()) : "";
      if (missed == null) {
        st.waits.concurrencyRefusals = k;
        st.waits.busyNanos += wait.toNanos();
        return new Step(wait, false);
      }
      st.end = missed.isEmpty() ? null : missed;
      return null; // busy for as long as the call may wait
    }
    if (kind == Kind.RATE_LIMIT && !policy.rateLimitWait().isZero()) {
      Duration wait =
          asked.orElseGet(
              () -> backoff(policy, st.waits.rateLimited + 1, context.scheduler().random()));
      if (freeWait(st, wait, policy.rateLimitWait()) == null) {
        st.waits.rateLimited++;
        return new Step(wait, false);
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
    if (asked.isPresent() && (v == null || v.next() != Verdict.Next.ROUND)) {
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
      st.end = deadlineNote(st);
      return null;
    }
    st.retries = retries;
    return new Step(wait, false);
  }

  /**
   * Spends {@code wait} of the call's waits that spend no retry, when it fits: within {@link
   * RetryPolicy#maxServerWait()}, {@code budget} (with every such wait of the call before it) and
   * the deadline. Under the call's course. Returns null when it fits, else what it did not fit: the
   * sentence the call's failure says when it ends on it ({@code ""} for the server's asked wait,
   * which the failure already tells).
   */
  private String freeWait(RetryState st, Duration wait, Duration budget) {
    if (wait.compareTo(policy.maxServerWait()) > 0) {
      return "";
    }
    if (st.waits.freeWaitNanos + wait.toNanos() > budget.toNanos()) {
      return busyNote(st, wait);
    }
    if (!withinDeadline(st, wait)) {
      return deadlineNote(st);
    }
    st.waits.freeWaitNanos += wait.toNanos();
    return null;
  }

  /**
   * What a call may wait in all for busy hosts: the busy budget, or the rate-limit one if longer.
   */
  private Duration busyBudget() {
    Duration b = policy.busyWait();
    return policy.rateLimitWait().compareTo(b) > 0 ? policy.rateLimitWait() : b;
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
   * Says that the call stayed busy for as long as its policy lets it wait, {@code next} being the
   * wait that did not fit (under its course).
   */
  private String busyNote(RetryState st, Duration next) {
    return "The call waited "
        + ErrorFactory.human(Duration.ofNanos(st.waits.freeWaitNanos))
        + " for busy hosts over "
        + Math.max(1, st.attempts)
        + (st.attempts == 1 ? " attempt" : " attempts")
        + " in "
        + ErrorFactory.human(Duration.ofNanos(context.scheduler().nanoTime() - st.started))
        + "; waiting "
        + ErrorFactory.human(next)
        + " more would pass RetryPolicy.withBusyWait ("
        + ErrorFactory.human(busyBudget())
        + "), so it stopped.";
  }

  /** Says that the call's deadline ended it (under its course). */
  private String deadlineNote(RetryState st) {
    return "The call's retries stopped at its deadline, RetryPolicy.withDeadline ("
        + ErrorFactory.human(policy.deadline().orElseThrow())
        + "), after "
        + Math.max(1, st.attempts)
        + " attempts in "
        + ErrorFactory.human(Duration.ofNanos(context.scheduler().nanoTime() - st.started))
        + ".";
  }

  /**
   * Runs {@code next} once {@code step}'s wait is over: at once without a timer when it has none.
   */
  void after(Step step, Runnable next) {
    if (step.delay().isZero()) {
      next.run(); // a slot, another target or a refreshed key: no wait, no timer
    } else {
      context.scheduler().schedule(next, step.delay());
    }
  }

  /**
   * Runs {@code send} once the call's next attempt has a target ({@code st.target}, and the room it
   * holds, {@code st.permit}): at once on a client without fallback targets, else once the call's
   * route names one. When none takes the call now, the call waits for one to come back, within what
   * it may still wait without spending retries: for a busy or full host, within {@link
   * RetryPolicy#busyWait()}; for a target cooling down after an overload or a failed connection,
   * within {@link RetryPolicy#rateLimitWait()} (none by default); and when the call waited for a
   * full member's room as long as it may, it goes there room or not. Past that {@code giveUp} gets
   * a failure that names every target with its last answer ({@link #noTarget}).
   *
   * @param st the call's course
   * @param send sends the attempt
   * @param giveUp ends the call
   */
  void route(RetryState st, Runnable send, Consumer<KimiException> giveUp) {
    route(st, send, giveUp, false);
  }

  private void route(
      RetryState st, Runnable send, Consumer<KimiException> giveUp, boolean waitedForRoom) {
    if (st.route == null) {
      send.run();
      return;
    }
    Where w = st.route.next(m -> tell(st, m));
    if (w.go()) {
      st.target = w.target();
      st.permit = w.permit();
      send.run();
      return;
    }
    if (w.target() == Where.NOWHERE) {
      giveUp.accept(noTarget(st, Long.MAX_VALUE));
      return;
    }
    long bound;
    synchronized (st) {
      Duration budget = w.busy() ? busyBudget() : policy.rateLimitWait();
      bound = Math.min(Math.max(0, budget.toNanos() - st.waits.freeWaitNanos), serverWaitLeft(st));
    }
    long soonest = w.soonestNanos();
    Runnable anyway =
        () -> {
          if (!waitedForRoom && st.route.anyway()) {
            route(st, send, giveUp, true); // waited for a member's room as long as it may
          } else {
            giveUp.accept(noTarget(st, soonest));
          }
        };
    if (soonest != 0 && (soonest > bound || bound == 0) || bound == 0) {
      anyway.run();
      return;
    }
    awaitWithin(st, bound, w.busy(), () -> route(st, send, giveUp, waitedForRoom), anyway);
  }

  /**
   * Waits, spending no retry, for whichever comes first: the route's wake ({@code woken} runs) or
   * {@code bound} nanoseconds ({@code timedOut} runs); once, either way, the time waited counted
   * among the call's free waits (and its busy waits, when {@code busy}).
   */
  private void awaitWithin(
      RetryState st, long bound, boolean busy, Runnable woken, Runnable timedOut) {
    long since = context.scheduler().nanoTime();
    AtomicBoolean once = new AtomicBoolean();
    Runnable waited =
        () -> {
          long w = Math.max(0, context.scheduler().nanoTime() - since);
          synchronized (st) {
            st.waits.freeWaitNanos += w;
            if (busy) {
              st.waits.busyNanos += w;
            }
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
    st.route.await(
        () -> {
          if (once.compareAndSet(false, true)) {
            withdraw.run();
            waited.run();
            woken.run();
          }
        });
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
   * The failure of a call that found no target to send to, or whose every target refused it: an
   * overload naming every target with its last answer and state, and what the call did (its
   * attempts, its time, its waits for busy hosts), its status one a target sent (a connection
   * failure when no target ever answered with one); the call's own failures suppressed in it by
   * {@link #finish}.
   */
  private KimiException noTarget(RetryState st, long soonestNanos) {
    String course;
    KimiException last;
    synchronized (st) {
      last = st.failures.isEmpty() ? null : st.last();
      course =
          "(after "
              + Math.max(1, st.attempts)
              + (st.attempts == 1 ? " attempt" : " attempts")
              + " in "
              + ErrorFactory.human(Duration.ofNanos(context.scheduler().nanoTime() - st.started))
              + ", of which it waited "
              + ErrorFactory.human(Duration.ofNanos(st.waits.busyNanos))
              + " for busy hosts)";
    }
    // its status one a target sent: the call's own last answer, else the chain's last (a call
    // that sent nothing, or whose last attempt found no host, reports what the hosts said)
    Report said = st.route.report();
    ApiException answered = last instanceof ApiException a ? a : said.lastAnswer();
    return context
        .errors()
        .noTargetAvailable(
            soonestNanos < 0 || soonestNanos == Long.MAX_VALUE
                ? null
                : Duration.ofNanos(soonestNanos),
            said.targets(),
            course,
            answered,
            last != null ? last : said.lastFailure());
  }

  /**
   * Returns the failure that ends a call whose policy gave up after {@code last}: on a client with
   * fallback targets, when every target the call may use refused it this round and the last for
   * overload or its concurrency, the failure that names them all ({@link #noTarget}); else {@code
   * last}, saying what ended the call when a bound did (its deadline, its wait for busy hosts).
   *
   * @param st the call's course
   * @param last the last attempt's failure
   * @return the failure to report
   */
  KimiException ending(RetryState st, KimiException last) {
    Verdict v;
    String end;
    synchronized (st) {
      v = st.verdict;
      end = st.end;
    }
    if (v != null
        && v.next() == Verdict.Next.ROUND
        && (v.kind() == Kind.OVERLOAD || v.kind() == Kind.CONCURRENCY)) {
      return noTarget(st, Long.MAX_VALUE);
    }
    return end == null ? last : context.errors().restated(last, end);
  }

  /** Tells the call's route that its attempt succeeded (a probe ends a cooldown). */
  void succeeded(RetryState st) {
    if (st.route != null) {
      st.route.record(Outcome.SUCCEEDED);
    }
  }

  /** Tells the call's route that the call ended: the room and probe it held go back. */
  void ended(RetryState st) {
    if (st.route != null) {
      st.route.record(Outcome.ENDED);
    }
  }

  /**
   * Reserves a hand-over for the call's slow stream on another target ({@link Route#hedge}).
   *
   * @param st the call's course
   * @param after how long the stream had brought nothing
   * @return what undoes the reservation, or null when there is nowhere to go
   */
  Runnable hedge(RetryState st, Duration after) {
    return st.route == null ? null : st.route.hedge(after);
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
        && failures.stream().filter(f -> f instanceof AuthenticationException).count() > 1) {
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
   */
  private void logRetry(int attempt, KimiException failure, Duration wait) {
    if (trace != null) {
      trace.retry(attempt, failure, wait);
    }
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

  /** Logs and tells the call's listeners a move its route made for its next attempt. */
  private void tell(RetryState st, Move m) {
    int failed = st.attempts;
    if (m instanceof Move.Fallback f) {
      context.log().log(
          Level.DEBUG,
          () ->
              "attempt "
                  + failed
                  + " failed on "
                  + f.from().baseUrl()
                  + " ("
                  + f.failure().getClass().getSimpleName()
                  + "); falling back to "
                  + f.to().baseUrl());
      if (trace != null) {
        trace.fallback(failed, f.failure(), f.from(), f.to());
      }
    } else if (m instanceof Move.Rerouted r) {
      rerouted(failed + 1, r.kind(), r.from(), r.to(), r.after());
    }
  }

  /**
   * Tells the call's listeners that attempt {@code attempt} goes to {@code to} instead of {@code
   * from} with no failure ({@link io.github.kimisdk.CallEvent.Reroute}).
   */
  void rerouted(int attempt, CallEvent.Reroute kind, ServedBy from, ServedBy to, Duration after) {
    context.log().log(
        Level.DEBUG,
        () ->
            "attempt " + attempt + " " + kind + " from " + from.baseUrl() + " to " + to.baseUrl());
    if (trace != null) {
      trace.rerouted(attempt, kind, from, to, after);
    }
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
     * @param permit the room the attempt holds in its target's gate, or null
     * @return the attempt's outcome
     */
    CompletableFuture<T> send(int attempt, boolean here, int target, ConcurrencyGate.Permit permit);
  }

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up. Cancelling the result cancels
   * the attempt in flight and stops further attempts.
   */
  public <T> CompletableFuture<T> call(IntFunction<CompletableFuture<T>> attempt) {
    FutureCall<T> c = prepare((n, here, target, permit) -> attempt.apply(n), false, null);
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
   * @param course the call's course, when the chain keeps it (a call that may fall back); null for
   *     a new one
   * @return the call, not started
   */
  <T> FutureCall<T> prepare(Attempts<T> attempt, boolean blocking, RetryState course) {
    return new FutureCall<>(
        this,
        attempt,
        blocking ? Thread.currentThread() : null,
        course == null ? new RetryState() : course);
  }

  /**
   * Returns the course of a chat call that may fall back: its attempts go where its route says;
   * null when the client has no fallback targets.
   *
   * @param model the model the request names
   * @param request the call's request
   * @param stream whether the call is a stream, which its policy may hedge
   * @return the course, or null
   */
  RetryState routedState(String model, ChatRequest request, boolean stream) {
    if (router == null) {
      return null;
    }
    double budget = stream && policy.hedgeAfter().isPresent() ? policy.hedgeBudget() : 0;
    return new RetryState(router.route(model, request, budget));
  }
}
