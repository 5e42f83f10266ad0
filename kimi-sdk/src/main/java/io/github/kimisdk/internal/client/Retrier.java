package io.github.kimisdk.internal.client;

import io.github.kimisdk.ApiException;
import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.StreamAbortedException;
import io.github.kimisdk.StreamException;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamCall;
import io.github.kimisdk.internal.http.StreamIdleException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Applies a {@link RetryPolicy} to calls: futures for {@code chat}, a re-subscribing publisher for
 * streams. Waits are scheduled, never slept, so no thread is blocked between attempts.
 */
public final class Retrier {

  private final RetryPolicy policy;
  private final Scheduler scheduler;
  private final ErrorFactory errors;
  private final Timeouts timeouts;
  private final Scheduler watchdog;
  private final System.Logger log;

  /**
   * Creates a retrier. The {@code watchdog} scheduler runs the stream idle checks on real time,
   * because they compare with {@link System#nanoTime()} stamps taken as bytes arrive.
   */
  public Retrier(
      RetryPolicy policy,
      Scheduler scheduler,
      Scheduler watchdog,
      ErrorFactory errors,
      Timeouts timeouts,
      System.Logger log) {
    this.policy = policy;
    this.scheduler = scheduler;
    this.watchdog = watchdog;
    this.errors = errors;
    this.timeouts = timeouts;
    this.log = log;
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

  /** Returns the wait before the next attempt, or null when {@code failure} is final. */
  Duration nextDelay(KimiException failure, int attemptsMade, long startedNanos) {
    if (attemptsMade > policy.maxRetries() || !policy.isRetryable(failure)) {
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
      wait = backoff(policy, attemptsMade, scheduler.random());
    }
    Optional<Duration> deadline = policy.deadline();
    if (deadline.isPresent()) {
      long elapsed = scheduler.nanoTime() - startedNanos;
      if (elapsed + wait.toNanos() > deadline.get().toNanos()) {
        return null;
      }
    }
    return wait;
  }

  private KimiException finish(KimiException last, List<KimiException> failures, int attempts) {
    return errors.finish(last, failures, attempts);
  }

  private void logRetry(int attempt, KimiException failure, Duration wait) {
    log.log(
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

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up. Cancelling the result cancels
   * the attempt in flight and stops further attempts.
   */
  public <T> CompletableFuture<T> call(IntFunction<CompletableFuture<T>> attempt) {
    FutureCall<T> c = new FutureCall<>(attempt);
    c.start();
    return c.result;
  }

  private final class FutureCall<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private final IntFunction<CompletableFuture<T>> attempt;
    private final List<KimiException> failures = new ArrayList<>();
    private volatile CompletableFuture<T> current;
    private long started;
    private int attempts;

    FutureCall(IntFunction<CompletableFuture<T>> attempt) {
      this.attempt = attempt;
    }

    void start() {
      started = scheduler.nanoTime();
      result.whenComplete(
          (r, e) -> {
            CompletableFuture<T> c = current;
            if (c != null && !c.isDone()) {
              c.cancel(true);
            }
          });
      Optional<Duration> overall = timeouts.overall();
      overall.ifPresent(
          d ->
              scheduler.schedule(
                  () -> {
                    if (!result.isDone()) {
                      KimiException k = errors.overallTimeout(d);
                      synchronized (this) {
                        result.completeExceptionally(finish(k, failures, attempts));
                      }
                    }
                  },
                  d));
      next();
    }

    private void next() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<T> f;
      synchronized (this) {
        attempts++;
        try {
          f = attempt.apply(attempts);
        } catch (RuntimeException e) {
          onFailure(errors.failure(e, null, null));
          return;
        }
        current = f;
      }
      if (result.isDone()) {
        f.cancel(true);
        return;
      }
      f.whenComplete(
          (r, e) -> {
            if (e == null) {
              result.complete(r);
            } else {
              onFailure(errors.failure(e, null, null));
            }
          });
    }

    private synchronized void onFailure(KimiException k) {
      if (result.isDone()) {
        return;
      }
      failures.add(k);
      Duration wait = nextDelay(k, attempts, started);
      if (wait == null) {
        result.completeExceptionally(finish(k, failures, attempts));
        return;
      }
      logRetry(attempts, k, wait);
      scheduler.schedule(this::next, wait);
    }
  }

  /** Returns a publisher that retries {@code newCall} until the first chunk reaches downstream. */
  public RetryingStream stream(ChatRequest request, IntFunction<StreamCall> newCall) {
    return new RetryingStream(request, newCall);
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

  /** A cold single-subscriber stream that re-sends the request while nothing was delivered. */
  public final class RetryingStream implements Flow.Publisher<ChatCompletionChunk> {
    private final ChatRequest request;
    private final IntFunction<StreamCall> newCall;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile StreamCall currentCall;

    RetryingStream(ChatRequest request, IntFunction<StreamCall> newCall) {
      this.request = request;
      this.newCall = newCall;
    }

    /** Returns the metadata of the current attempt's response, or null before its headers. */
    public ResponseMetadata metadata() {
      StreamCall c = currentCall;
      return c == null ? null : c.metadata();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
      Objects.requireNonNull(subscriber, "subscriber");
      if (!subscribed.compareAndSet(false, true)) {
        StreamCall.refuseSecondSubscriber(subscriber);
        return;
      }
      Outer outer = new Outer(subscriber);
      subscriber.onSubscribe(outer);
      outer.start();
    }

    private final class Outer implements Flow.Subscription {
      private volatile Flow.Subscriber<? super ChatCompletionChunk> downstream;
      private final List<KimiException> failures = new ArrayList<>();
      private Flow.Subscription inner;
      private long outstanding;
      private long demandSince = System.nanoTime();
      private boolean delivered;
      private boolean cancelled;
      private boolean done;
      private int attempts;
      private long started;

      Outer(Flow.Subscriber<? super ChatCompletionChunk> downstream) {
        this.downstream = downstream;
      }

      // The pending watchdog check reaches this stream only through this holder, cleared when
      // the stream ends: a check still queued (for up to a quarter of the idle timeout) then
      // keeps no call, body parser or accumulated chunks alive.
      private final WatchTask watchTask = new WatchTask();

      void start() {
        started = scheduler.nanoTime();
        attempt();
        Duration idle = timeouts.streamIdle();
        watchTask.check = () -> watch(idle);
        watchdog.schedule(watchTask, watchPeriod(idle));
      }

      private Duration watchPeriod(Duration idle) {
        return Duration.ofNanos(Math.max(idle.toNanos() / 4, 1_000_000));
      }

      /** Aborts the stream when no bytes came for {@code idle} while the subscriber wanted some. */
      private void watch(Duration idle) {
        StreamCall call;
        long since;
        synchronized (this) {
          if (done || cancelled) {
            watchTask.check = null;
            return;
          }
          call = currentCall;
          since = outstanding > 0 ? demandSince : Long.MAX_VALUE;
        }
        if (call != null && since != Long.MAX_VALUE) {
          long last = call.lastActivityNanos();
          if (last != Long.MIN_VALUE) {
            long idleFor = System.nanoTime() - Math.max(last, since);
            if (idleFor >= idle.toNanos()) {
              call.abort(
                  new StreamIdleException(
                      "no data for "
                          + ErrorFactory.human(idle)
                          + " while the stream was read (Timeouts.withStreamIdle)"));
            }
          }
        }
        watchdog.schedule(watchTask, watchPeriod(idle));
      }

      private void attempt() {
        StreamCall call;
        synchronized (this) {
          if (cancelled || done) {
            return;
          }
          attempts++;
          call = newCall.apply(attempts);
          currentCall = call;
        }
        call.subscribe(new Inner());
      }

      @Override
      public void request(long n) {
        if (n <= 0) {
          Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
          cancel();
          if (d != null) {
            d.onError(
                new IllegalArgumentException(
                    "request(n) needs n > 0 (Reactive Streams 3.9): " + n));
          }
          return;
        }
        Flow.Subscription s;
        synchronized (this) {
          if (cancelled || done) {
            return;
          }
          if (outstanding == 0) {
            demandSince = System.nanoTime();
          }
          outstanding = outstanding + n < 0 ? Long.MAX_VALUE : outstanding + n;
          s = inner;
        }
        if (s != null) {
          s.request(n);
        }
      }

      @Override
      public void cancel() {
        Flow.Subscription s;
        synchronized (this) {
          if (cancelled) {
            return;
          }
          cancelled = true;
          s = inner;
        }
        watchTask.check = null;
        // without an inner subscription, Inner.onSubscribe sees the flag and cancels
        downstream = null;
        if (s != null) {
          s.cancel();
        }
      }

      private synchronized Flow.Subscriber<? super ChatCompletionChunk> terminate() {
        if (done) {
          return null;
        }
        done = true;
        watchTask.check = null;
        Flow.Subscriber<? super ChatCompletionChunk> d = downstream;
        downstream = null;
        return d;
      }

      private final class Inner implements Flow.Subscriber<ChatCompletionChunk> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          long n;
          synchronized (Outer.this) {
            if (cancelled || done) {
              n = -1;
            } else {
              inner = s;
              n = outstanding;
            }
          }
          if (n < 0) {
            s.cancel();
          } else if (n > 0) {
            s.request(n);
          }
        }

        @Override
        public void onNext(ChatCompletionChunk item) {
          Flow.Subscriber<? super ChatCompletionChunk> d;
          synchronized (Outer.this) {
            delivered = true;
            if (outstanding != Long.MAX_VALUE) {
              outstanding--;
            }
            d = downstream;
          }
          if (d != null) {
            d.onNext(item);
          }
        }

        @Override
        public void onError(Throwable error) {
          KimiException k = errors.failure(error, null, null);
          Duration wait = null;
          synchronized (Outer.this) {
            inner = null;
            if (cancelled || done) {
              return;
            }
            if (!delivered && k instanceof StreamAbortedException a) {
              k = a.reason(); // the caller saw no chunk: report (and retry) the plain failure
            }
            failures.add(k);
            if (!delivered) {
              wait = nextDelay(k, attempts, started);
            }
          }
          if (wait != null) {
            logRetry(attempts, k, wait);
            scheduler.schedule(Outer.this::attempt, wait);
            return;
          }
          if (delivered && k instanceof StreamException se) {
            errors.resumeRequest(se, resume(request, se.partial()));
          }
          Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
          if (d != null) {
            d.onError(finish(k, failures, attempts));
          }
        }

        @Override
        public void onComplete() {
          Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
          if (d != null) {
            d.onComplete();
          }
        }
      }
    }
  }

  /** A scheduled watchdog check that runs {@code check} unless it was cleared meanwhile. */
  private static final class WatchTask implements Runnable {
    volatile Runnable check;

    @Override
    public void run() {
      Runnable c = check;
      if (c != null) {
        c.run();
      }
    }
  }
}
