package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.sse.SseSubscriber;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One attempt of a streaming chat call: {@link #start} sends the request and, when the response is
 * an event stream, subscribes the given subscriber to it on the thread that read the headers. A
 * failure before that (no connection, an HTTP error, a body that is no event stream) goes to the
 * failure callback instead; the subscriber then sees nothing of this attempt.
 */
public final class StreamCall {

  private final HttpTransport transport;
  private final HttpRequest request;
  private final int attempt;
  private final ChatRequest chatRequest;
  private final AtomicBoolean logged = new AtomicBoolean();
  private volatile ResponseMetadata metadata;
  private volatile SseSubscriber<ChatCompletionChunk> sse;
  private volatile CompletableFuture<?> exchange;
  private volatile long startedNanos;
  private volatile long headersNanos;

  StreamCall(HttpTransport transport, HttpRequest request, int attempt, ChatRequest chatRequest) {
    this.chatRequest = chatRequest;
    this.transport = transport;
    this.request = request;
    this.attempt = attempt;
  }

  /** Returns the chat request this attempt sends. */
  ChatRequest request() {
    return chatRequest;
  }

  /** Returns the response metadata, or null until the response headers arrived. */
  public ResponseMetadata metadata() {
    return metadata;
  }

  /**
   * Sends the request. The event stream, if the response is one, is subscribed by {@code events};
   * any failure before it is mapped to a {@link KimiException} (an {@link Error} is handed on as it
   * is) and handed to {@code failed}, once.
   */
  public void start(
      Flow.Subscriber<? super ChatCompletionChunk> events, Consumer<Throwable> failed) {
    startedNanos = System.nanoTime();
    CompletableFuture<HttpResponse<Flow.Publisher<ChatCompletionChunk>>> sent;
    try {
      sent =
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
                    SseSubscriber<ChatCompletionChunk> s = sse;
                    if (s != null) {
                      // Subscribe here, on the thread that read the headers: waiting for the
                      // response future instead costs a thread hand-over per call (sendAsync
                      // completes it on the common pool, a new thread per call on small machines).
                      s.publisher().subscribe(events);
                    }
                    return body;
                  });
    } catch (RuntimeException e) {
      failed.accept(transport.errors().failure(e, null, null));
      return;
    }
    exchange = sent;
    sent.whenComplete(
        (response, error) -> {
          if (error == null) {
            return; // the event stream was subscribed to when the headers arrived
          }
          Error fatal = ErrorFactory.fatal(error);
          Throwable k = fatal != null ? fatal : transport.errors().failure(error, metadata, null);
          SseSubscriber<ChatCompletionChunk> s = sse;
          if (s == null) {
            failed.accept(k);
          } else {
            s.abort(k); // the exchange failed after the stream started: end it in order
          }
        });
  }

  /**
   * Abandons the exchange while no event stream has started (a started one is cancelled by its
   * subscriber).
   */
  public void cancel() {
    CompletableFuture<?> f = exchange;
    if (f != null && sse == null) {
      f.cancel(true);
    }
  }

  /**
   * Returns for how long the started event stream has received no bytes while its subscriber wanted
   * items, or 0 (not started, nothing wanted).
   */
  public long idleNanos(long now) {
    SseSubscriber<ChatCompletionChunk> s = sse;
    return s == null ? 0 : s.idleNanos(now);
  }

  /** Aborts a started event stream with {@code cause} (closing the connection); else no effect. */
  public void abort(Throwable cause) {
    SseSubscriber<ChatCompletionChunk> s = sse;
    if (s != null) {
      s.abort(cause);
    }
  }

  /**
   * Returns the failure the subscriber would get for {@code cause}: once chunks arrived, a stream
   * error carrying them; before, {@code cause} itself.
   */
  public Throwable failureFor(Throwable cause) {
    SseSubscriber<ChatCompletionChunk> s = sse;
    return s == null ? cause : s.mapFailure(cause);
  }

  void attach(SseSubscriber<ChatCompletionChunk> subscriber) {
    this.sse = subscriber;
  }

  /** Logs the attempt once, when it ends: completed, failed ({@code error}) or cancelled. */
  public void ended(Throwable error) {
    if (logged.compareAndSet(false, true)) {
      transport.log(request, attempt, metadata, startedNanos, headersNanos, error);
    }
  }
}
