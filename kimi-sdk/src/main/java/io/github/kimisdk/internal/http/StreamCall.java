package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.sse.SseSubscriber;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streaming chat call as a cold publisher: subscribing sends the request. The subscriber gets
 * its subscription at once; demand and cancellation are relayed to the SSE body once the response
 * headers arrive, and cancelling before that aborts the exchange.
 */
public final class StreamCall implements Flow.Publisher<ChatCompletionChunk> {

  private final HttpTransport transport;
  private final HttpRequest request;
  private final int attempt;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile ResponseMetadata metadata;
  private volatile SseSubscriber<ChatCompletionChunk> sse;
  private volatile long startedNanos;
  private volatile long headersNanos;
  private final AtomicBoolean logged = new AtomicBoolean();

  StreamCall(HttpTransport transport, HttpRequest request, int attempt) {
    this.transport = transport;
    this.request = request;
    this.attempt = attempt;
  }

  /** Returns the response metadata, or null until the response headers arrived. */
  public ResponseMetadata metadata() {
    return metadata;
  }

  /** Returns the SSE body subscriber once the event stream started, else null (watchdog hook). */
  SseSubscriber<ChatCompletionChunk> sse() {
    return sse;
  }

  /**
   * Returns when bytes of the event stream last arrived ({@link System#nanoTime()}), or {@link
   * Long#MIN_VALUE} while the event stream has not started.
   */
  public long lastActivityNanos() {
    SseSubscriber<ChatCompletionChunk> s = sse;
    return s == null ? Long.MIN_VALUE : s.lastActivityNanos();
  }

  /** Aborts a started event stream with {@code cause} (closing the connection); else no effect. */
  public void abort(Throwable cause) {
    SseSubscriber<ChatCompletionChunk> s = sse;
    if (s != null) {
      s.abort(cause);
    }
  }

  void attach(SseSubscriber<ChatCompletionChunk> subscriber) {
    this.sse = subscriber;
  }

  /**
   * Tells a second subscriber that a chat stream can be consumed only once: a no-op subscription,
   * then {@code onError(IllegalStateException)}.
   *
   * @param subscriber the refused subscriber
   */
  public static void refuseSecondSubscriber(Flow.Subscriber<?> subscriber) {
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    subscriber.onError(
        new IllegalStateException(
            "This stream was already subscribed; a ChatStream can be consumed only once"));
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      refuseSecondSubscriber(subscriber);
      return;
    }
    Relay relay = new Relay(subscriber, this::ended);
    subscriber.onSubscribe(relay);
    if (relay.isCancelled()) {
      return;
    }
    startedNanos = System.nanoTime();
    CompletableFuture<HttpResponse<Flow.Publisher<ChatCompletionChunk>>> exchange;
    try {
      exchange =
          transport
              .client()
              .sendAsync(
                  request,
                  info -> {
                    headersNanos = System.nanoTime();
                    ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers());
                    metadata = md;
                    HttpResponse.BodySubscriber<Flow.Publisher<ChatCompletionChunk>> body =
                        transport.streamSubscriber(md, this);
                    SseSubscriber<ChatCompletionChunk> events = sse;
                    if (events != null) {
                      // Subscribe to the event stream here, on the thread that read the headers.
                      // Waiting for the response future instead costs a thread hand-over per
                      // call: sendAsync completes that future on the common pool, and on a
                      // machine with fewer than three cores that means a new thread per call.
                      events.publisher().subscribe(relay.upstreamSubscriber());
                    }
                    return body;
                  });
    } catch (RuntimeException e) {
      relay.fail(transport.errors().failure(e, null, null));
      return;
    }
    relay.setExchange(exchange);
    exchange.whenComplete(
        (response, error) -> {
          if (error == null) {
            return; // the event stream was subscribed to when the headers arrived
          }
          KimiException k = transport.errors().failure(error, metadata, null);
          SseSubscriber<ChatCompletionChunk> events = sse;
          if (events == null) {
            ended(k);
            relay.fail(k);
          } else {
            events.abort(k); // the exchange failed after the stream started: end it in order
          }
        });
  }

  /**
   * Logs the attempt once, when the stream ends: completed, failed ({@code error}) or cancelled.
   */
  private void ended(Throwable error) {
    if (logged.compareAndSet(false, true)) {
      transport.log(request, attempt, metadata, startedNanos, headersNanos, error);
    }
  }

  /**
   * Relays demand and cancellation to an upstream that appears later. It forgets the downstream
   * subscriber once cancelled or terminated (Reactive Streams 3.13).
   */
  private static final class Relay implements Flow.Subscription {
    private volatile Flow.Subscriber<? super ChatCompletionChunk> downstream;
    private final java.util.function.Consumer<Throwable> onEnd;
    private final Object lock = new Object();
    private Flow.Subscription upstream;
    private CompletableFuture<?> exchange;
    private long pending;
    private boolean cancelled;
    private boolean terminated;

    Relay(
        Flow.Subscriber<? super ChatCompletionChunk> downstream,
        java.util.function.Consumer<Throwable> onEnd) {
      this.downstream = downstream;
      this.onEnd = onEnd;
    }

    boolean isCancelled() {
      synchronized (lock) {
        return cancelled;
      }
    }

    void setExchange(CompletableFuture<?> f) {
      boolean cancelNow;
      synchronized (lock) {
        exchange = f;
        cancelNow = cancelled;
      }
      if (cancelNow) {
        f.cancel(true);
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
        cancel();
        if (d != null) {
          d.onError(
              new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams 3.9): " + n));
        }
        return;
      }
      Flow.Subscription up;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        up = upstream;
        if (up == null) {
          pending = pending + n < 0 ? Long.MAX_VALUE : pending + n;
          return;
        }
      }
      up.request(n);
    }

    @Override
    public void cancel() {
      Flow.Subscription up;
      CompletableFuture<?> f;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        up = upstream;
        f = exchange;
      }
      downstream = null;
      if (up != null) {
        onEnd.accept(new java.util.concurrent.CancellationException("cancelled"));
        up.cancel();
      } else if (f != null) {
        f.cancel(true);
      }
    }

    /** Fails the downstream before the upstream is attached (no concurrent upstream signals). */
    void fail(Throwable error) {
      Flow.Subscriber<? super ChatCompletionChunk> d;
      synchronized (lock) {
        d = downstream;
        if (terminated || cancelled) {
          return;
        }
        terminated = true;
        downstream = null;
      }
      if (d != null) {
        d.onError(error);
      }
    }

    private Flow.Subscriber<? super ChatCompletionChunk> terminate() {
      synchronized (lock) {
        if (terminated) {
          return null;
        }
        terminated = true;
        Flow.Subscriber<? super ChatCompletionChunk> d = downstream;
        downstream = null;
        return d;
      }
    }

    Flow.Subscriber<ChatCompletionChunk> upstreamSubscriber() {
      return new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          long n;
          synchronized (lock) {
            if (cancelled || upstream != null) {
              n = -1;
            } else {
              upstream = s;
              n = pending;
              pending = 0;
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
          Flow.Subscriber<? super ChatCompletionChunk> d = downstream;
          if (d != null) {
            d.onNext(item);
          }
        }

        @Override
        public void onError(Throwable error) {
          onEnd.accept(error);
          Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
          if (d != null) {
            d.onError(error);
          }
        }

        @Override
        public void onComplete() {
          onEnd.accept(null);
          Flow.Subscriber<? super ChatCompletionChunk> d = terminate();
          if (d != null) {
            d.onComplete();
          }
        }
      };
    }
  }
}
