package io.github.kimisdk.internal.http;

import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * The body subscriber an attempt hands the JDK once its headers came, which the attempt can
 * {@linkplain #abort abort} from any thread: the abort cancels the body's subscription and fails
 * the body it wraps, whose stage, and so the exchange, fails with the cause. An attempt given up
 * after its headers aborts here rather than cancelling the exchange's future: the JDK's HTTP/1.1
 * client returns a connection to its pool as the body's last byte is read, and a cancel of the
 * future that lands as the body ends can close that connection after it went back, under the next
 * exchange that took it (another call, failed or cut: CancelledRefusalsHttpTest). A cancelled
 * subscription closes the connection only while the body is still being read. The bodies it wraps
 * take a failure on any thread, as the transport's bounded and file bodies do.
 *
 * @param <T> the body's value
 */
final class AttemptBody<T> implements BodySubscriber<T> {
  private final BodySubscriber<T> body;
  private final CompletionStage<T> stage;
  private Flow.Subscription subscription; // guarded by this
  private Throwable aborted; // guarded by this
  private boolean ended; // guarded by this: the JDK ended the body, or an abort did

  /**
   * Wraps {@code body}; {@code ended}, when not null, runs as its stage completes, before the
   * exchange's future does.
   */
  AttemptBody(BodySubscriber<T> body, BiConsumer<? super T, ? super Throwable> ended) {
    this.body = body;
    this.stage = ended == null ? body.getBody() : body.getBody().whenComplete(ended);
  }

  /**
   * The body of an answer that came after its attempt was given up: its subscription is cancelled
   * at once (the connection closed, nothing read) and it fails.
   */
  static <T> AttemptBody<T> refused() {
    AttemptBody<T> b = new AttemptBody<>(BodySubscribers.replacing(null), null);
    b.abort(new CancellationException("the attempt was given up before its answer"));
    return b;
  }

  /** Fails the body with {@code cause}, once, unless it ended already; any thread. */
  void abort(Throwable cause) {
    Flow.Subscription s;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      aborted = cause;
      s = subscription;
    }
    if (s != null) { // else onSubscribe cancels it
      s.cancel();
      body.onError(cause);
    }
  }

  @Override
  public CompletionStage<T> getBody() {
    return stage;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Throwable cause;
    synchronized (this) {
      subscription = s;
      cause = aborted;
    }
    body.onSubscribe(s);
    if (cause != null) {
      s.cancel();
      body.onError(cause);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    body.onNext(item);
  }

  @Override
  public void onError(Throwable error) {
    if (end()) {
      body.onError(error);
    }
  }

  @Override
  public void onComplete() {
    if (end()) {
      body.onComplete();
    }
  }

  private synchronized boolean end() {
    boolean first = !ended;
    ended = true;
    return first;
  }
}
