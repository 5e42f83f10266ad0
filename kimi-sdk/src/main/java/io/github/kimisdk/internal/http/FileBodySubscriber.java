package io.github.kimisdk.internal.http;

import io.github.kimisdk.errors.KimiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
final class FileBodySubscriber implements HttpResponse.BodySubscriber<Long> {

  private final Path target;
  private final long limit;
  private final Supplier<KimiException> tooLarge;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private volatile CompletionStage<Long> body = result;
  private volatile Flow.Subscription subscription;
  private volatile long lastActivityNanos = System.nanoTime();
  private FileChannel channel; // guarded by this; null before the body and once it ended
  private long size; // guarded by this

  FileBodySubscriber(Path target, long limit, Supplier<KimiException> tooLarge) {
    this.target = target;
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

  /** Returns when bytes last arrived (or the body started), as {@link System#nanoTime()}. */
  long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Tells whether the body completed, failed or was aborted. */
  boolean isDone() {
    return result.isDone();
  }

  /** Fails the body with {@code error}, closes the file and cancels the exchange. */
  void abort(KimiException error) {
    close();
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
    RuntimeException failure = null;
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
      close();
      subscription.cancel();
      result.completeExceptionally(failure);
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    close();
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
        close();
        result.completeExceptionally(new UncheckedIOException("Cannot write " + target, e));
        return;
      }
    }
    close();
    result.complete(written);
  }

  private synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // what was written is the caller's to delete; a close that fails changes nothing here
      }
      channel = null;
    }
  }

  /**
   * Runs {@code done} when the body ends, before anything that reads the body hears of it. Call
   * before {@link #getBody}.
   */
  void whenDone(Runnable done) {
    body = result.whenComplete((b, e) -> done.run());
  }

  @Override
  public CompletionStage<Long> getBody() {
    return body;
  }
}
