package io.github.kimisdk.internal.client;

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
  private final Duration callTimeout;
  private final boolean clientOverall;
  private final CallTrace trace; // null when nobody listens to the call
  private final boolean refreshesKey; // the key comes from a supplier: one 401 is absorbed

  /**
   * Creates the retrier of a client.
   *
   * @param policy when to retry
   * @param context the clock, failure mapping, timeouts and log the calls run on
   */
  public Retrier(RetryPolicy policy, CallContext context) {
    this(policy, context, null, true, null, false);
  }

  private Retrier(
      RetryPolicy policy,
      CallContext context,
      Duration callTimeout,
      boolean clientOverall,
      CallTrace trace,
      boolean refreshesKey) {
    this.policy = policy;
    this.context = context;
    this.callTimeout = callTimeout;
    this.clientOverall = clientOverall;
    this.trace = trace;
    this.refreshesKey = refreshesKey;
  }

  /**
   * Returns this retrier for the calls of a client whose key comes from a supplier ({@code
   * refreshes} true), which absorb one refusal of their key, or of one whose key is fixed.
   *
   * @param refreshes whether asking for the key again may give another
   * @return the retrier; this one when it already says so
   */
  Retrier refreshing(boolean refreshes) {
    return refreshes == refreshesKey
        ? this
        : new Retrier(policy, context, callTimeout, clientOverall, trace, refreshes);
  }

  /**
   * Returns this retrier telling {@code trace} of each retry it schedules.
   *
   * @param trace the call's listeners, or null for none
   * @return the retrier for the call
   */
  Retrier observed(CallTrace trace) {
    return trace == null
        ? this
        : new Retrier(policy, context, callTimeout, clientOverall, trace, refreshesKey);
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
    return new Retrier(
        policy != null ? policy : this.policy, context, callTimeout, true, trace, refreshesKey);
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
    return new Retrier(
        policy != null ? policy : RetryPolicy.none(),
        context,
        callTimeout,
        false,
        trace,
        refreshesKey);
  }

  /**
   * Returns the whole-call timeout set for this call, bounding streams too.
   *
   * @return the timeout, or null
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Returns the timeout that bounds a non-streaming call, and the setting that chose it. */
  private Optional<Duration> overall() {
    if (callTimeout != null) {
      return Optional.of(callTimeout);
    }
    return clientOverall ? context.timeouts().overall() : Optional.empty();
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
            limit, callTimeout != null ? "RequestOptions.timeout" : "Timeouts.withOverall");
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
   * Returns the wait before the next attempt, or null when {@code failure} is final: the policy's
   * retry count, its retryable failures, the server's asked wait and the policy's deadline decide.
   * A failure retried once ({@link ErrorFactory#retriedOnce}) is final when it already failed an
   * earlier attempt of the call.
   *
   * @param failures the call's failures so far, the last attempt's last
   * @param attemptsMade how many attempts were made
   * @param startedNanos when the call started, on the context's scheduler
   * @return the wait, or null
   */
  public Duration nextDelay(List<KimiException> failures, int attemptsMade, long startedNanos) {
    KimiException failure = failures.get(failures.size() - 1);
    long refusals = refreshesKey ? failures.stream().filter(Retrier::keyRefused).count() : 0;
    if (refusals == 1 && keyRefused(failure)) {
      return Duration.ZERO; // the key refreshed, once: the next attempt asks the supplier again
    }
    int retries = attemptsMade - (refusals > 0 ? 1 : 0); // the refresh spends no retry
    if (retries > policy.maxRetries() || !policy.isRetryable(failure)) {
      return null;
    }
    if (ErrorFactory.retriedOnce(failure)
        && failures.stream().filter(ErrorFactory::retriedOnce).count() > 1) {
      return null;
    }
    Optional<Duration> asked =
        failure instanceof ApiException a ? a.retryAfter() : Optional.empty();
    Duration wait;
    if (asked.isPresent()) {
      if (asked.get().compareTo(policy.maxServerWait()) > 0) {
        return null;
      }
      wait = asked.get();
    } else {
      wait = backoff(policy, attemptsMade, context.scheduler().random());
    }
    Optional<Duration> deadline = policy.deadline();
    if (deadline.isPresent()) {
      long elapsed = context.scheduler().nanoTime() - startedNanos;
      if (elapsed + wait.toNanos() > deadline.get().toNanos()) {
        return null;
      }
    }
    return wait;
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
    if (refreshesKey
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
     * Sends attempt {@code attempt}.
     *
     * @param attempt the attempt number, from 1
     * @param here true when this thread is the blocking caller's: send on it ({@code
     *     HttpClient.send}) and return a completed future
     * @return the attempt's outcome
     */
    CompletableFuture<T> send(int attempt, boolean here);
  }

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up. Cancelling the result cancels
   * the attempt in flight and stops further attempts.
   */
  public <T> CompletableFuture<T> call(IntFunction<CompletableFuture<T>> attempt) {
    FutureCall<T> c = prepare((n, here) -> attempt.apply(n), false);
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
   * @return the call, not started
   */
  <T> FutureCall<T> prepare(Attempts<T> attempt, boolean blocking) {
    return new FutureCall<>(attempt, blocking ? Thread.currentThread() : null);
  }

  /** One call with its retries, as futures: prepared, wrapped by its caller, then started. */
  final class FutureCall<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Attempts<T> attempt;
    private final Thread caller; // a blocking caller's thread, or null
    private final List<KimiException> failures = new ArrayList<>();
    private volatile CompletableFuture<T> current;
    private long started;
    private int attempts;
    private Thread sendingHere; // the caller's thread while it sends (guarded by this)
    private boolean interruptedHere; // whether a cancel interrupted that send (guarded by this)

    FutureCall(Attempts<T> attempt, Thread caller) {
      this.attempt = attempt;
      this.caller = caller;
    }

    /** Returns the call's outcome; cancelling it cancels the attempt in flight. */
    CompletableFuture<T> result() {
      return result;
    }

    /** Sends the first attempt; once. */
    void start() {
      started = context.scheduler().nanoTime();
      result.whenComplete(
          (r, e) -> {
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
                          result.completeExceptionally(finish(k, failures, attempts));
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
      boolean here = caller == Thread.currentThread();
      int n;
      synchronized (this) {
        n = ++attempts;
        if (here) {
          sendingHere = caller;
        }
      }
      CompletableFuture<T> f;
      try {
        f = attempt.send(n, here);
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
        result.completeExceptionally(finish(reason, failures, Math.max(attempts, 1)));
      }
    }

    private synchronized void onFailure(KimiException k) {
      if (result.isDone()) {
        return;
      }
      failures.add(k);
      Duration wait = nextDelay(failures, attempts, started);
      if (wait == null) {
        result.completeExceptionally(finish(k, failures, attempts));
        return;
      }
      logRetry(attempts, k, wait);
      context.scheduler().schedule(this::next, wait);
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
