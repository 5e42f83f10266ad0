package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.ForwardingSubscriber;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.base.flow.Pull;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.PriceTable;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the {@link CallListener}s of one call hear, and when: each attempt (as {@link
 * io.github.kimisdk.internal.http.AttemptLog} sees it), each retry (from the {@link Retrier}), a
 * stream's first chunk, and exactly one end or failure (from the call's future or stream). A
 * listener that throws is skipped for that moment and logged once per class, the log line naming it
 * and saying what it threw (escaped, cut).
 */
public final class CallTrace implements AttemptObserver {

  /** Where a listener's exception is logged, once per listener class. */
  static final String LOGGER_NAME = "io.github.kimisdk.listener";

  private static final System.Logger LOG = LazyLogger.of(LOGGER_NAME);
  private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

  private final List<CallListener> listeners;
  private final CallEvent.Call call;
  private final Long estimate;
  private final PriceTable prices;
  private final CallerContext caller; // what each moment is heard in
  // The clock: when attempt 1 was sent, else (a call that fails before sending, such as on the
  // rate limiter's queue) when the call began to run: made, or for a stream, subscribed to.
  private volatile long begun = System.nanoTime();
  private volatile long sent;
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile ResponseMetadata last;
  private volatile long firstChunkNanos;

  /**
   * Starts the trace of a call that someone listens to ({@link Listening}).
   *
   * @param listeners the client's listeners, then the call's; not empty
   * @param operation the kind of call
   * @param model the model asked for, or null
   * @param path the path below the base URL; a query is dropped
   * @param estimate the estimated prompt tokens, or null
   * @param prices the client's prices, for the cost at the end
   * @param endpoint the URI of {@code path} below the client's base URL ({@link #endpoint})
   * @param sent a chat's request as sent, or null
   * @param id the call's one id ({@link Interception#nextId()}), which its interceptors see too
   * @param caller the caller's context, which the listeners hear every moment in
   */
  CallTrace(
      List<CallListener> listeners,
      CallEvent.Operation operation,
      String model,
      String path,
      Long estimate,
      PriceTable prices,
      URI endpoint,
      ChatRequest sent,
      long id,
      CallerContext caller) {
    this.listeners = listeners;
    this.caller = caller;
    this.call = new CallEvent.Call(id, operation, model, pathOnly(path), endpoint, sent);
    this.estimate = estimate;
    this.prices = prices;
  }

  /**
   * The URI the transport calls for {@code path} (its query dropped) below {@code base}, or, for a
   * path that is not a legal one (which no call sends), that path quoted.
   */
  static URI endpoint(URI base, String path) {
    String p = pathOnly(path);
    try {
      return URI.create(base + "/" + p);
    } catch (IllegalArgumentException notLegal) {
      try {
        // the path alone: URI's constructors that take the authority bracket one with a port
        String quoted = new URI(null, null, p, null).getRawPath();
        return quoted == null ? base : URI.create(base + "/" + quoted);
      } catch (URISyntaxException | IllegalArgumentException e) {
        return base;
      }
    }
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    String p = q >= 0 ? path.substring(0, q) : path;
    return p.startsWith("/") ? p.substring(1) : p;
  }

  CallEvent.Call call() {
    return call;
  }

  private Duration since(long nanos) {
    long s = sent;
    return Duration.ofNanos(Math.max(0, nanos - (s != 0 ? s : begun)));
  }

  /** The call begins to run: a cold stream is subscribed to, long after it was made perhaps. */
  void begin() {
    begun = System.nanoTime();
  }

  @Override
  public void sending(int attempt, long bodyBytes) {
    if (sent == 0) {
      sent = System.nanoTime(); // the clock starts when the first attempt is sent
    }
    attempts.accumulateAndGet(attempt, Math::max);
    CallEvent.Request e = new CallEvent.Request(call, attempt, bodyBytes, estimate);
    fire(l -> l.onRequest(e));
  }

  @Override
  public void headers(int attempt, ResponseMetadata metadata, long atNanos) {
    last = metadata;
    CallEvent.Headers e = new CallEvent.Headers(call, attempt, metadata, since(atNanos));
    fire(l -> l.onHeaders(e));
  }

  /** Attempt {@code attempt} failed with {@code failure}; the next follows after {@code wait}. */
  void retry(int attempt, KimiException failure, Duration wait) {
    CallEvent.Retry e = new CallEvent.Retry(call, attempt, failure, wait);
    fire(l -> l.onRetry(e));
  }

  /** Attempt {@code attempt} failed on {@code from}; the next goes to {@code to} at once. */
  void fallback(int attempt, KimiException failure, ServedBy from, ServedBy to) {
    CallEvent.Fallback e = new CallEvent.Fallback(call, attempt, failure, from, to);
    fire(l -> l.onFallback(e));
  }

  /**
   * Attempt {@code attempt} goes to {@code to} instead of {@code from} with no failure: a moved
   * conversation, a hedge after {@code after}, a continued stream.
   */
  void rerouted(int attempt, CallEvent.Reroute kind, ServedBy from, ServedBy to, Duration after) {
    CallEvent.Rerouted e = new CallEvent.Rerouted(call, attempt, kind, from, to, after);
    fire(l -> l.onRerouted(e));
  }

  /** A stream's first chunk reached its consumer; called on the stream's serial signals. */
  void firstChunk() {
    if (firstChunkNanos != 0) {
      return;
    }
    long now = System.nanoTime();
    firstChunkNanos = now;
    CallEvent.FirstChunk e = new CallEvent.FirstChunk(call, since(now));
    fire(l -> l.onFirstChunk(e));
  }

  /** The call succeeded; only the first end or failure is heard. */
  void ended(
      ResponseMetadata md, FinishReason finish, Usage usage, String replyId, String replyModel) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    long now = System.nanoTime();
    Cost cost = null;
    String model = replyModel == null || replyModel.isBlank() ? call.model() : replyModel;
    if (usage != null && model != null) {
      try {
        // cache writes at the time to live the request was sent with (the client's default
        // included, since that is set on the request as sent), else Kimi's five minutes
        ChatRequest r = call.request();
        CacheTtl ttl =
            r != null && r.promptCacheTtl() != null ? r.promptCacheTtl() : CacheTtl.FIVE_MINUTES;
        cost = prices.find(model).map(p -> p.cost(usage, ttl)).orElse(null);
      } catch (RuntimeException e) {
        cost = null; // a usage the price table refuses: no cost rather than no event
      }
    }
    long first = firstChunkNanos;
    CallEvent.End e =
        new CallEvent.End(
            call,
            attempts.get(),
            since(now),
            md != null ? md : last,
            finish,
            usage,
            cost,
            first == 0 ? null : since(first),
            replyId,
            replyModel);
    fire(l -> l.onEnd(e));
  }

  /**
   * The call failed with {@code error} as its future or stream reports it; an {@link Error} (such
   * as {@link OutOfMemoryError}), which the SDK passes on as it is, is not heard.
   */
  private void failed(Throwable error, Calls calls) {
    if (calls.failure(error) instanceof KimiException k) {
      failed(k);
    }
  }

  /** The call failed; only the first end or failure is heard. */
  void failed(KimiException failure) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    CallEvent.Failure e =
        new CallEvent.Failure(call, attempts.get(), since(System.nanoTime()), failure);
    fire(l -> l.onFailure(e));
  }

  /**
   * Returns a future of {@code f}'s outcome that completes once the listeners heard it (its value:
   * a completion, a response, anything else; or its failure), so a caller that sees the result
   * finds the end already heard. Cancelling it cancels {@code f}.
   */
  <T> CompletableFuture<T> observe(CompletableFuture<T> f, Calls calls) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (r, error) -> {
          if (error != null) {
            try {
              failed(error, calls);
            } finally {
              out.completeExceptionally(error);
            }
            return;
          }
          try {
            if (r instanceof ChatCompletion c) {
              ended(c.metadata(), c.finishReason(), c.usage(), c.id(), c.model());
            } else if (r instanceof KimiResponse<?> k) {
              ended(k.metadata(), null, null, null, null);
            } else {
              ended(null, null, null, null, null);
            }
          } finally {
            out.complete(r);
          }
        });
    return Futures.cancelling(out, f);
  }

  /**
   * Returns {@code stream} heard as it passes to its consumer: its first item, a chat chunk's
   * finish reason and usage, its end, its failure or its cancelling by the consumer.
   */
  <T> StoppablePublisher<T> observe(StoppablePublisher<T> stream, Calls calls) {
    return new StoppablePublisher<>() {
      @Override
      public void subscribe(Flow.Subscriber<? super T> subscriber) {
        begin();
        stream.subscribe(new Heard<>(subscriber, calls));
      }

      @Override
      public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
        begin();
        stream.subscribeBlocking(new Heard<>(subscriber, calls));
      }

      @Override
      public RuntimeException stop(InterruptedException interrupt) {
        RuntimeException stopped = stream.stop(interrupt);
        failed(stopped, calls); // ignored when the stream already ended
        return stopped;
      }

      @Override
      public boolean isEnded() {
        return stream.isEnded();
      }
    };
  }

  private void fire(Consumer<CallListener> moment) {
    ContextPropagator.Scope s = caller.restore();
    try {
      for (CallListener l : listeners) {
        try {
          moment.accept(l);
        } catch (RuntimeException e) {
          if (WARNED.add(l.getClass())) {
            LOG.log(
                Level.WARNING,
                "The CallListener "
                    + UserCode.name(l.getClass())
                    + " threw "
                    + UserCode.thrown(e)
                    + "; the call goes on (logged once per listener class)",
                e);
          }
        }
      }
    } finally {
      s.close();
    }
  }

  /** Passes every signal on, hearing it first; signals arrive serially. */
  private final class Heard<T> extends ForwardingSubscriber<T> {
    private final Calls calls;
    private FinishReason finish;
    private Usage usage;
    private String id;
    private String model;

    Heard(Flow.Subscriber<? super T> downstream, Calls calls) {
      super(downstream);
      this.calls = calls;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      super.onSubscribe(
          subscription instanceof Pull pull
              ? new PullingSubscription(subscription, pull)
              : new HeardSubscription(subscription));
    }

    /** Passes demand on; a cancel by the consumer is heard as the call's failure first. */
    private class HeardSubscription implements Flow.Subscription {
      private final Flow.Subscription upstream;

      HeardSubscription(Flow.Subscription upstream) {
        this.upstream = upstream;
      }

      @Override
      public void request(long n) {
        upstream.request(n);
      }

      @Override
      public void cancel() {
        failed(calls.errors().closed(null, false));
        upstream.cancel();
      }
    }

    /** As above, and lets a blocking consumer pull as it would without the listener. */
    private final class PullingSubscription extends HeardSubscription implements Pull {
      private final Pull pull;

      PullingSubscription(Flow.Subscription upstream, Pull pull) {
        super(upstream);
        this.pull = pull;
      }

      @Override
      public void pull(Thread waiter) {
        pull.pull(waiter);
      }
    }

    @Override
    public void onNext(T item) {
      firstChunk();
      if (item instanceof ChatCompletionChunk c) {
        if (c.usage() != null) {
          usage = c.usage();
        }
        if (finish == null && c.finishReason() != null) {
          finish = c.finishReason();
        }
        if (c.id() != null) {
          id = c.id();
        }
        if (c.model() != null) {
          model = c.model();
        }
      }
      super.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      try {
        failed(error, calls);
      } finally {
        super.onError(error);
      }
    }

    @Override
    public void onComplete() {
      ended(null, finish, usage, id, model);
      super.onComplete();
    }
  }
}
