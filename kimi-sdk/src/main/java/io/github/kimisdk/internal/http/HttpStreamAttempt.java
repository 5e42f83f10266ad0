package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.ServedBy;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.sse.SseSubscriber;
import io.github.kimisdk.errors.KimiException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One attempt of a streaming call, made by the transport with everything it needs: {@link #start}
 * sends the request and, when the response is an event stream, subscribes the given subscriber to
 * it on the thread that read the headers. A failure before that (no connection, an HTTP error, a
 * body that is no event stream) goes to the failure callback instead; the subscriber then sees
 * nothing of this attempt. It never calls back into the transport.
 *
 * @param <T> the item type: chunks of a chat stream, or raw events
 */
public final class HttpStreamAttempt<T> implements StreamAttempt<T> {

  /**
   * How the transport reads a response's body: the body subscriber, and the event subscriber when
   * the response is an event stream (null when the body fails the attempt).
   */
  record Body<T>(HttpResponse.BodySubscriber<Flow.Publisher<T>> subscriber, SseSubscriber<T> sse) {}

  /** {@link java.net.http.HttpClient#send}: the exchange on the calling thread. */
  @FunctionalInterface
  interface Blocking<T> {
    HttpResponse<Flow.Publisher<T>> send(HttpResponse.BodyHandler<Flow.Publisher<T>> handler)
        throws IOException, InterruptedException;
  }

  private final Function<
          HttpResponse.BodyHandler<Flow.Publisher<T>>,
          CompletableFuture<HttpResponse<Flow.Publisher<T>>>>
      send;
  private final Blocking<T> blocking;
  private final Function<ResponseMetadata, Body<T>> body;
  private final ErrorFactory errors;
  private final AttemptLog.Attempt log;
  private final ServedBy target; // named in the response's metadata; null without fallbacks
  private volatile ResponseMetadata metadata;
  private volatile SseSubscriber<T> sse;
  private volatile CompletableFuture<?> exchange;
  // The thread inside startBlocking's send, and whether cancel interrupted it (guarded by this).
  private Thread sending;
  private boolean interrupted;

  HttpStreamAttempt(
      Function<
              HttpResponse.BodyHandler<Flow.Publisher<T>>,
              CompletableFuture<HttpResponse<Flow.Publisher<T>>>>
          send,
      Blocking<T> blocking,
      Function<ResponseMetadata, Body<T>> body,
      ErrorFactory errors,
      AttemptLog.Attempt log,
      ServedBy target) {
    this.target = target;
    this.send = send;
    this.blocking = blocking;
    this.body = body;
    this.errors = errors;
    this.log = log;
  }

  /** Returns the response metadata, or null until the response headers arrived. */
  @Override
  public ResponseMetadata metadata() {
    return metadata;
  }

  /**
   * Sends the request. The event stream, if the response is one, is subscribed by {@code events};
   * any failure before it is mapped to a {@link KimiException} (an {@link Error} is handed on as it
   * is) and handed to {@code failed}, once.
   *
   * @param events subscribes to the events once the response is an event stream
   * @param failed hears a failure before the events started
   */
  @Override
  public void start(Flow.Subscriber<? super T> events, Consumer<Throwable> failed) {
    CompletableFuture<HttpResponse<Flow.Publisher<T>>> sent;
    try {
      sent = send.apply(handler(events));
    } catch (RuntimeException e) {
      failed.accept(errors.failure(e, null, null));
      return;
    }
    exchange = sent;
    sent.whenComplete(
        (response, error) -> {
          if (error != null) {
            exchangeFailed(error, failed);
          } // else the event stream was subscribed to when the headers arrived
        });
  }

  /**
   * Sends the request like {@link #start}, but on the calling thread, returning once the response
   * headers were handled (or the exchange failed): for a consumer that blocks for the items anyway.
   * {@code HttpClient.sendAsync} completes its future on a thread of its own, which on a machine
   * with fewer than 3 processors is a new thread per call; {@code send} has none. An interrupt of
   * the calling thread abandons the exchange and stays set for the consumer to act on; {@link
   * #cancel} interrupts the send, and that interrupt is cleared again.
   *
   * @param events subscribes to the events once the response is an event stream
   * @param failed hears a failure before the events started
   */
  @Override
  public void startBlocking(Flow.Subscriber<? super T> events, Consumer<Throwable> failed) {
    synchronized (this) {
      sending = Thread.currentThread();
    }
    Throwable error = null;
    boolean madeElsewhere = false;
    boolean ours;
    try {
      blocking.send(handler(events));
    } catch (InterruptedException e) {
      error = e;
    } catch (IOException | RuntimeException | Error e) {
      // send wraps what the exchange failed with (on an HTTP client thread) in an IOException of
      // its own: unwrap that
      madeElsewhere = e.getClass() == IOException.class && e.getCause() != null;
      error = madeElsewhere ? e.getCause() : e;
    } finally {
      synchronized (this) {
        sending = null;
        ours = interrupted;
      }
    }
    if (ours) {
      Thread.interrupted(); // cancel's interrupt, whether or not send saw it; the stream has ended
      return;
    }
    if (error instanceof InterruptedException) {
      // The consumer's own interrupt: the exchange is abandoned; keep the status so that the
      // consumer, about to wait for items, stops the stream with it as the contract says.
      Thread.currentThread().interrupt();
      return;
    }
    if (error != null) {
      Throwable made = error;
      boolean elsewhere = madeElsewhere;
      exchangeFailed(
          error,
          k -> {
            if (elsewhere && k == Futures.unwrap(made)) {
              // made on another thread and thrown to this one: show the line that waited too, as
              // a failure delivered from another thread does (BlockingSubscriber)
              Futures.withCallerFrames(k);
            }
            failed.accept(k);
          });
    }
  }

  private HttpResponse.BodyHandler<Flow.Publisher<T>> handler(Flow.Subscriber<? super T> events) {
    return info -> {
      ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), target);
      log.headers(md);
      metadata = md;
      Body<T> b = body.apply(md);
      SseSubscriber<T> s = b.sse();
      if (s != null) {
        sse = s;
        // Subscribe here, on the thread that read the headers: waiting for the response future
        // instead costs a thread hand-over per call (sendAsync completes it on the common pool,
        // a new thread per call on small machines).
        s.publisher().subscribe(events);
      }
      return b.subscriber();
    };
  }

  private void exchangeFailed(Throwable error, Consumer<Throwable> failed) {
    Error fatal = ErrorFactory.fatal(error);
    Throwable k = fatal != null ? fatal : errors.failure(error, metadata, null);
    SseSubscriber<T> s = sse;
    if (s == null) {
      failed.accept(k);
    } else {
      s.abort(k); // the exchange failed after the stream started: end it in order
    }
  }

  /**
   * Abandons the exchange while no event stream has started (a started one is cancelled by its
   * subscriber).
   */
  @Override
  public void cancel() {
    CompletableFuture<?> f = exchange;
    if (f != null && sse == null) {
      f.cancel(true);
    }
    synchronized (this) {
      if (sending != null && sse == null && !interrupted) {
        interrupted = true;
        sending.interrupt(); // send abandons the exchange when its thread is interrupted
      }
    }
  }

  /**
   * Returns for how long the started event stream has made no progress (no data event, or no bytes)
   * while its subscriber wanted items, or 0 (not started, nothing wanted).
   *
   * @param now the current {@link System#nanoTime()}
   * @param dataEvents whether only data events count as progress
   * @return the idle time in nanoseconds
   */
  @Override
  public long idleNanos(long now, boolean dataEvents) {
    SseSubscriber<T> s = sse;
    return s == null ? 0 : s.idleNanos(now, dataEvents);
  }

  @Override
  public boolean progressed(boolean dataEvents) {
    SseSubscriber<T> s = sse;
    return s != null && s.progressed(dataEvents);
  }

  /**
   * Aborts a started event stream with {@code cause} (closing the connection); else no effect.
   *
   * @param cause why
   */
  @Override
  public void abort(Throwable cause) {
    SseSubscriber<T> s = sse;
    if (s != null) {
      s.abort(cause);
    }
  }

  /**
   * Returns the failure the subscriber would get for {@code cause}: once items arrived, a stream
   * error carrying them where the stream keeps them; before, {@code cause} itself.
   *
   * @param cause the reason
   * @return the failure to deliver
   */
  @Override
  public Throwable failureFor(Throwable cause) {
    SseSubscriber<T> s = sse;
    return s == null ? cause : s.mapFailure(cause);
  }

  /**
   * Notes, once, that the attempt ended: completed, failed ({@code error}) or cancelled.
   *
   * @param error the failure, or null
   */
  @Override
  public void ended(Throwable error) {
    log.ended(metadata, error);
  }
}
