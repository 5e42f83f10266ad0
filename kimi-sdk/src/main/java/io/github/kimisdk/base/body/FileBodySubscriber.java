package io.github.kimisdk.base.body;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Writes a whole body to a file, one item at a time (each written before the next is asked for, so
 * no more than one item of the body is in memory), and answers the bytes written. Over a limit, or
 * {@linkplain #abort aborted}, it cancels the exchange and closes the file, leaving what was
 * written for the caller to delete.
 *
 * <p>Thread model: the HTTP client calls {@code onSubscribe}, {@code onNext}, {@code onError} and
 * {@code onComplete} one at a time; {@link #abort} may come from a timer thread at any moment. The
 * channel is guarded by {@code this}; it is null once the body ended.
 */
public final class FileBodySubscriber extends WatchedBody<Long> {

  private final Path target;
  private final long limit;
  private final Supplier<? extends Throwable> tooLarge;
  private FileChannel channel; // guarded by this; null before the body and once it ended
  private long size; // guarded by this

  /**
   * Creates a writer of a body of at most {@code limit} bytes to {@code target}, which it creates
   * or truncates once the body starts.
   *
   * @param target the file
   * @param limit the most bytes written
   * @param tooLarge makes the failure of a larger body, on the HTTP client's thread
   */
  public FileBodySubscriber(Path target, long limit, Supplier<? extends Throwable> tooLarge) {
    this.target = target;
    this.limit = limit;
    this.tooLarge = tooLarge;
  }

  @Override
  void started(Flow.Subscription s) {
    try {
      FileChannel c =
          FileChannel.open(
              target,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
      synchronized (this) {
        channel = c;
      }
    } catch (IOException e) {
      s.cancel();
      result.completeExceptionally(new UncheckedIOException("Cannot write " + target, e));
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    touch();
    Throwable failure = null;
    synchronized (this) {
      if (channel == null) {
        return; // ended: aborted meanwhile
      }
      try {
        for (ByteBuffer b : items) {
          size += b.remaining();
          if (size > limit) {
            failure = tooLarge.get();
            break;
          }
          while (b.hasRemaining()) {
            channel.write(b);
          }
        }
      } catch (IOException e) {
        failure = new UncheckedIOException("Cannot write " + target, e);
      }
    }
    if (failure != null) {
      release();
      subscription.cancel();
      result.completeExceptionally(failure);
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    release();
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    long written;
    synchronized (this) {
      if (channel == null) {
        return;
      }
      written = size;
      try {
        channel.force(false);
      } catch (IOException e) {
        release();
        result.completeExceptionally(new UncheckedIOException("Cannot write " + target, e));
        return;
      }
    }
    release();
    result.complete(written);
  }

  @Override
  synchronized void release() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // what was written is the caller's to delete; a close that fails changes nothing here
      }
      channel = null;
    }
  }
}
