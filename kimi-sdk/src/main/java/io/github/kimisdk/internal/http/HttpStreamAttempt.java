package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.sse.SseSubscriber;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
  private final Executor failures; // runs a failure the JDK reports on its own pool
  private final Blocking<T> blocking;
  private final Function<ResponseMetadata, Body<T>> body;
  private final ErrorFactory errors;
  private final AttemptLog.Attempt log;
  private final ServedBy target; // named in the response's metadata; null without fallbacks
  private volatile ResponseMetadata metadata;
  private volatile SseSubscriber<T> sse; // written under this, with abortedBefore
  private volatile CompletableFuture<?> exchange;
  // The thread inside startBlocking's send, and whether cancel interrupted it (guarded by this).
  private Thread sending;
  private boolean interrupted;
  // Guarded by this: the cause of an abort before the events started, and the failure callback,
  // told at most once (the abort's cause, or the exchange's failure, whichever comes first).
  private Throwable abortedBefore;
  private Consumer<Throwable> failed;
  private boolean told;
  // Guarded by this: the body of an answer that is no event stream, once its headers came, which
  // an abort or a cancel fails (see AttemptBody); whether cancel came before any headers.
  private AttemptBody<Flow.Publisher<T>> answer;
  private boolean givenUp;

  HttpStreamAttempt(
      Function<
              HttpResponse.BodyHandler<Flow.Publisher<T>>,
              CompletableFuture<HttpResponse<Flow.Publisher<T>>>>
          send,
      Executor failures,
      Blocking<T> blocking,
      Function<ResponseMetadata, Body<T>> body,
      ErrorFactory errors,
      AttemptLog.Attempt log,
      ServedBy target) {
    this.target = target;
    this.send = send;
    this.failures = failures;
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
    if (!listen(failed)) {
      return; // aborted before it was sent: told already
    }
    CompletableFuture<HttpResponse<Flow.Publisher<T>>> sent;
    try {
      sent = send.apply(handler(events));
    } catch (RuntimeException e) {
      tell(errors.failure(e, null, null));
      return;
    }
    exchange = sent;
    boolean abandon;
    synchronized (this) {
      abandon = abortedBefore != null || givenUp; // aborted or cancelled while it was being sent
    }
    if (abandon) {
      sent.cancel(true);
    }
    // the JDK completes this future on its own pool: the client's executor takes the failure
    sent.whenCompleteAsync(
        (response, error) -> {
          if (error != null) {
            exchangeFailed(error, this::tell);
          } // else the event stream was subscribed to when the headers arrived
        },
        failures);
  }

  /**
   * Keeps {@code failed} as the callback of the attempt's failure before its events; false when the
   * attempt was aborted before it started, its cause then told to {@code failed} at once.
   */
  private boolean listen(Consumer<Throwable> failed) {
    Throwable early;
    synchronized (this) {
      this.failed = failed;
      early = abortedBefore;
    }
    if (early != null) {
      tell(early);
      return false;
    }
    return true;
  }

  /** Tells the failure callback {@code k}, once: later failures of the attempt are dropped. */
  private void tell(Throwable k) {
    Consumer<Throwable> f;
    synchronized (this) {
      if (told || failed == null) {
        return;
      }
      told = true;
      f = failed;
    }
    f.accept(k);
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
    if (!listen(failed)) {
      return; // aborted before it was sent: told already
    }
    synchronized (this) {
      if (abortedBefore != null || givenUp) {
        return; // aborted (told by the abort) or cancelled between the two
      }
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
      // cancel's interrupt, whether or not send saw it: the stream has ended, or an abort before
      // its events told the failure already
      Thread.interrupted();
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
            tell(k);
          });
    }
  }

  private HttpResponse.BodyHandler<Flow.Publisher<T>> handler(Flow.Subscriber<? super T> events) {
    return info -> {
      ResponseMetadata md = ResponseMetadata.of(info.statusCode(), info.headers(), target);
      synchronized (this) {
        if (abortedBefore != null || givenUp) {
          // aborted or cancelled before its headers came: nothing of the answer reaches anyone,
          // and the connection is given up at once rather than read to its end
          return AttemptBody.refused();
        }
      }
      log.headers(md);
      metadata = md;
      Body<T> b = body.apply(md);
      SseSubscriber<T> s = b.sse();
      AttemptBody<Flow.Publisher<T>> other =
          s == null ? new AttemptBody<>(b.subscriber(), null) : null;
      synchronized (this) {
        if (abortedBefore != null || givenUp) {
          return AttemptBody.refused(); // aborted or cancelled while its body was being chosen
        }
        sse = s;
        answer = other;
      }
      if (s == null) {
        return other;
      }
      // Subscribe here, on the thread that read the headers: waiting for the response future
      // instead costs a thread hand-over per call (sendAsync completes it on the common pool, a
      // new thread per call on small machines).
      s.publisher().subscribe(events);
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
   * subscriber): before its headers the exchange itself, after them the body of an answer that is
   * no event stream ({@link AttemptBody} says why not the exchange).
   */
  @Override
  public void cancel() {
    AttemptBody<Flow.Publisher<T>> a;
    synchronized (this) {
      if (sse != null) {
        return;
      }
      a = answer;
      if (a == null) { // no headers yet: the exchange goes
        givenUp = true; // an answer whose headers come later is refused unread
        if (sending != null && !interrupted) {
          interrupted = true;
          sending.interrupt(); // send abandons the exchange when its thread is interrupted
        }
      } else {
        told = true; // the body's failure, the cancel's doing, is nobody's news
      }
    }
    if (a != null) {
      a.abort(new CancellationException("the attempt was cancelled"));
      return;
    }
    CompletableFuture<?> f = exchange;
    if (f != null) {
      f.cancel(true);
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
   * Aborts the attempt with {@code cause}: a started event stream ends with it (its connection
   * closed); before that, the exchange is abandoned (the request aborted, the connection closed, an
   * answer whose headers come later refused unread; an answer that is no event stream, its body
   * failed) and {@code cause} goes to the failure callback, once. No effect once the attempt failed
   * or its stream ended.
   *
   * @param cause why
   */
  @Override
  public void abort(Throwable cause) {
    SseSubscriber<T> s;
    AttemptBody<Flow.Publisher<T>> a;
    Consumer<Throwable> f = null;
    synchronized (this) {
      s = sse;
      a = answer;
      if (s == null) {
        if (abortedBefore != null || told) {
          return;
        }
        abortedBefore = cause;
        if (failed != null) {
          told = true; // before the exchange is cancelled, which fails it on this thread
          f = failed;
        }
      }
    }
    if (s != null) {
      s.abort(cause);
      return;
    }
    if (a != null) {
      a.abort(cause); // the body fails; a blocking send returns with it
    } else {
      CompletableFuture<?> x = exchange;
      if (x != null) {
        x.cancel(true); // HttpClient aborts the exchange and closes its connection
      }
      synchronized (this) {
        if (sending != null && !interrupted) {
          interrupted = true;
          sending.interrupt(); // send abandons the exchange when its thread is interrupted
        }
      }
    }
    if (f != null) {
      f.accept(cause); // else told when the attempt starts
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
