package io.github.kimisdk.internal.client;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.http.StreamCall;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream that waits for a {@link RateLimiter} permit before subscribing to the real one, and
 * holds the permit until the stream completes, fails or is cancelled. Demand that arrives while
 * waiting is passed on once the real stream starts.
 */
public final class LimitedStream implements Flow.Publisher<ChatCompletionChunk> {

  private final Flow.Publisher<ChatCompletionChunk> source;
  private final RateLimiter limiter;
  private final String model;
  private final long charge;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  public LimitedStream(
      Flow.Publisher<ChatCompletionChunk> source, RateLimiter limiter, String model, long charge) {
    this.source = source;
    this.limiter = limiter;
    this.model = model;
    this.charge = charge;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      StreamCall.refuseSecondSubscriber(subscriber);
      return;
    }
    Gate gate = new Gate(subscriber);
    subscriber.onSubscribe(gate);
    gate.start();
  }

  private final class Gate implements Flow.Subscription, Flow.Subscriber<ChatCompletionChunk> {
    private volatile Flow.Subscriber<? super ChatCompletionChunk> downstream;
    private CompletableFuture<RateLimiter.Permit> acquired;
    private RateLimiter.Permit permit;
    private Flow.Subscription upstream;
    private long pending;
    private boolean cancelled;

    Gate(Flow.Subscriber<? super ChatCompletionChunk> downstream) {
      this.downstream = downstream;
    }

    void start() {
      CompletableFuture<RateLimiter.Permit> f = limiter.acquire(model, charge, true);
      synchronized (this) {
        acquired = f;
        if (cancelled) {
          f.cancel(false);
        }
      }
      f.whenComplete(
          (p, error) -> {
            if (error != null) {
              Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
              if (d != null && !f.isCancelled()) {
                d.onError(error);
              }
              return;
            }
            synchronized (this) {
              if (!cancelled) {
                permit = p;
                p = null;
              }
            }
            if (p != null) {
              p.finish(RateLimiter.CANCELLED);
              return;
            }
            source.subscribe(this);
          });
    }

    private synchronized Flow.Subscriber<? super ChatCompletionChunk> terminate() {
      Flow.Subscriber<? super ChatCompletionChunk> d = downstream;
      downstream = null;
      return d;
    }

    private void release(Throwable outcome) {
      RateLimiter.Permit p;
      synchronized (this) {
        p = permit;
        permit = null;
      }
      if (p != null) {
        p.finish(outcome);
      }
    }

    @Override
    public void request(long n) {
      Flow.Subscription s;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        s = upstream;
        if (s == null) {
          if (n <= 0) {
            pending = n;
          } else if (pending >= 0) {
            pending = pending + n < 0 ? Long.MAX_VALUE : pending + n;
          }
          return;
        }
      }
      s.request(n);
    }

    @Override
    public void cancel() {
      Flow.Subscription s;
      CompletableFuture<RateLimiter.Permit> f;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        s = upstream;
        f = acquired;
        downstream = null;
      }
      if (f != null) {
        f.cancel(false);
      }
      if (s != null) {
        s.cancel();
      }
      release(RateLimiter.CANCELLED);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      long n;
      boolean refuse;
      synchronized (this) {
        refuse = cancelled;
        n = pending;
        if (!refuse) {
          upstream = s;
          pending = 0;
        }
      }
      if (refuse) {
        s.cancel();
      } else if (n != 0) {
        s.request(n);
      }
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      Flow.Subscriber<? super ChatCompletionChunk> d = downstream;
      if (d != null) {
        d.onNext(item);
      }
    }

    @Override
    public void onError(Throwable error) {
      release(error);
      Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
      if (d != null) {
        d.onError(error);
      }
    }

    @Override
    public void onComplete() {
      release(null);
      Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
      if (d != null) {
        d.onComplete();
      }
    }
  }
}
