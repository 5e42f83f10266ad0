package io.github.kimisdk.internal.http;

import io.github.kimisdk.errors.KimiException;
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
 * {@linkplain #abort aborted} (the body idle watchdog, a refused header). Whichever way it fails,
 * the buffer is dropped at that moment: the JDK may keep this subscriber reachable from its
 * exchange for a while, and a failed call must not keep up to the limit's worth of bytes alive.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

  private final long limit;
  private final Supplier<KimiException> tooLarge;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private volatile CompletionStage<byte[]> body = result;
  private volatile Flow.Subscription subscription;
  private volatile long lastActivityNanos = System.nanoTime();
  private byte[] buf = new byte[1024]; // guarded by this; null once the body ended
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
    synchronized (this) {
      buf = null;
    }
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
    synchronized (this) {
      if (buf == null) {
        return; // ended: aborted meanwhile
      }
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if ((long) size + n > limit) {
          buf = null;
          break;
        }
        if (size + n > buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, buf.length * 2L)));
        }
        b.get(buf, size, n);
        size += n;
      }
      if (buf != null) {
        return;
      }
    }
    // callbacks of the result run outside the lock
    subscription.cancel();
    result.completeExceptionally(tooLarge.get());
  }

  @Override
  public void onError(Throwable error) {
    synchronized (this) {
      buf = null;
    }
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    byte[] b;
    synchronized (this) {
      b = buf;
      buf = null;
    }
    if (b != null) {
      result.complete(b.length == size ? b : Arrays.copyOf(b, size));
    }
  }

  /**
   * Runs {@code done} when the body ends, before anything that reads the body hears of it: the
   * body's idle watch is withdrawn before the call it belongs to ends. Call before {@link
   * #getBody}.
   */
  void whenDone(Runnable done) {
    body = result.whenComplete((b, e) -> done.run());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
