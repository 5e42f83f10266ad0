package io.github.kimisdk.internal.http;

import io.github.kimisdk.KimiException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Collects a whole body into a byte array, cancelling the exchange once it exceeds a limit or is
 * {@linkplain #abort aborted} (the body idle watchdog).
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

  private final long limit;
  private final Supplier<KimiException> tooLarge;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile long lastActivityNanos = System.nanoTime();
  private byte[] buf = new byte[1024];
  private int size;

  BoundedBodySubscriber(long limit, Supplier<KimiException> tooLarge) {
    this.limit = limit;
    this.tooLarge = tooLarge;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    lastActivityNanos = System.nanoTime();
    if (result.isDone()) {
      s.cancel(); // aborted before the body started
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  /** Returns when bytes last arrived (or the body started), as {@link System#nanoTime()}. */
  long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Tells whether the body completed, failed or was aborted. */
  boolean isDone() {
    return result.isDone();
  }

  /** Fails the body with {@code error} and cancels the exchange (closing the connection). */
  void abort(KimiException error) {
    if (result.completeExceptionally(error)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    lastActivityNanos = System.nanoTime();
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int n = b.remaining();
      if ((long) size + n > limit) {
        subscription.cancel();
        result.completeExceptionally(tooLarge.get());
        return;
      }
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, buf.length * 2L)));
      }
      b.get(buf, size, n);
      size += n;
    }
  }

  @Override
  public void onError(Throwable error) {
    buf = null; // the idle watchdog may hold this subscriber a while longer
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    byte[] body = Arrays.copyOf(buf, size);
    buf = null;
    result.complete(body);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
