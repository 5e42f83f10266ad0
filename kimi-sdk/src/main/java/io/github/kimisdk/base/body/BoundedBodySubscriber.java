package io.github.kimisdk.base.body;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Collects a whole body into a byte array, at most {@code limit} bytes of it: a larger body either
 * fails (with the failure the reader was given) or, for a reader made by {@link #cut}, ends with
 * its first {@code limit} bytes. Either way the exchange is cancelled at the byte that passes the
 * limit, so a server that sends without end costs the limit and no more; so it is when the body is
 * {@linkplain #abort aborted} (the body idle watch, a refused header). Whichever way it fails, the
 * buffer is dropped at that moment: the JDK may keep this subscriber reachable from its exchange
 * for a while, and a failed exchange must not keep up to the limit's worth of bytes alive.
 *
 * <p>Thread model: the HTTP client calls {@code onSubscribe}, {@code onNext}, {@code onError} and
 * {@code onComplete} one at a time; {@link #abort} may come from a timer thread at any moment. The
 * buffer is guarded by {@code this}; it is null once the body ended.
 */
public final class BoundedBodySubscriber extends WatchedBody<byte[]> {

  private final long limit;
  private final Supplier<? extends Throwable> tooLarge; // null: cut at the limit
  private byte[] buf; // guarded by this; null once the body ended
  private int size;

  /**
   * Creates a reader of a body of at most {@code limit} bytes; a larger one fails.
   *
   * @param limit the most bytes read
   * @param tooLarge makes the failure of a larger body, on the HTTP client's thread
   */
  public BoundedBodySubscriber(long limit, Supplier<? extends Throwable> tooLarge) {
    this.limit = limit;
    this.tooLarge = tooLarge;
    this.buf = new byte[(int) Math.min(1024, limit)];
  }

  /**
   * Creates a reader that ends a larger body with its first {@code limit} bytes, where its start is
   * enough (an error's body, a page that is not read).
   *
   * @param limit the most bytes read
   * @return the reader
   */
  public static BoundedBodySubscriber cut(long limit) {
    return new BoundedBodySubscriber(limit, null);
  }

  @Override
  void started(Flow.Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  synchronized void release() {
    buf = null;
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    touch();
    byte[] kept;
    synchronized (this) {
      if (buf == null) {
        return; // ended: aborted meanwhile
      }
      boolean over = false;
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if ((long) size + n > limit) {
          if (tooLarge == null) {
            keep(b, (int) (limit - size));
          }
          over = true;
          break;
        }
        keep(b, n);
      }
      if (!over) {
        return;
      }
      kept = tooLarge == null ? Arrays.copyOf(buf, size) : null;
      buf = null;
    }
    // callbacks of the result run outside the lock
    subscription.cancel();
    if (kept != null) {
      result.complete(kept);
    } else {
      result.completeExceptionally(tooLarge.get());
    }
  }

  /** Appends {@code n} bytes of {@code b}, growing the buffer up to the limit. */
  private void keep(ByteBuffer b, int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, buf.length * 2L)));
    }
    b.get(buf, size, n);
    size += n;
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
}
