package io.github.kimisdk.internal.http;

import io.github.kimisdk.errors.KimiException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Collects a whole body into a byte array, cancelling the exchange once it exceeds a limit or is
 * {@linkplain #abort aborted} (the body idle watchdog, a refused header). Whichever way it fails,
 * the buffer is dropped at that moment: the JDK may keep this subscriber reachable from its
 * exchange for a while, and a failed call must not keep up to the limit's worth of bytes alive.
 */
final class BoundedBodySubscriber extends WatchedBody<byte[]> {

  private final long limit;
  private final Supplier<KimiException> tooLarge;
  private byte[] buf = new byte[1024]; // guarded by this; null once the body ended
  private int size;

  BoundedBodySubscriber(long limit, Supplier<KimiException> tooLarge) {
    this.limit = limit;
    this.tooLarge = tooLarge;
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
}
