package io.github.kimisdk.internal.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link HttpClient} that counts exchanges started and not yet settled. An exchange settles only
 * after the SDK's synchronous reaction to its response has run (the next attempt queued or sent),
 * so zero outstanding means the client waits on nothing but virtual time.
 */
public final class CountingHttpClient extends DelegatingHttpClient {

  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();

  public int outstanding() {
    return outstanding.get();
  }

  public int sent() {
    return sent.get();
  }

  /**
   * Runs virtual time until each of {@code calls} is done: the loopback exchanges settle, then
   * {@code time} runs its next task, and again.
   *
   * @param time the client's scheduler
   * @param calls the calls
   * @throws AssertionError if a call waits on nothing (no exchange outstanding, no task due)
   */
  public void runUntilDone(
      io.github.kimisdk.internal.client.ManualScheduler time,
      java.util.Collection<? extends java.util.concurrent.CompletableFuture<?>> calls) {
    while (true) {
      awaitSettled();
      if (calls.stream().allMatch(java.util.concurrent.CompletableFuture::isDone)) {
        return;
      }
      if (!time.advanceToNext()) {
        throw new AssertionError("calls wait on nothing: " + calls);
      }
    }
  }

  /** Waits (real time, for loopback I/O only) until no exchange is outstanding. */
  public void awaitSettled() {
    long give = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    synchronized (outstanding) {
      while (outstanding.get() > 0) {
        long left = give - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("HTTP exchanges did not settle: " + outstanding.get());
        }
        try {
          outstanding.wait(Math.max(1, left / 1_000_000)); // woken by settled()
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  private void settled() {
    synchronized (outstanding) {
      outstanding.decrementAndGet();
      outstanding.notifyAll();
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    outstanding.incrementAndGet();
    sent.incrementAndGet();
    CompletableFuture<HttpResponse<T>> out = new CompletableFuture<>();
    CompletableFuture<HttpResponse<T>> f;
    try {
      f = delegate.sendAsync(request, handler);
    } catch (RuntimeException e) {
      settled();
      throw e;
    }
    f.whenComplete(
        (r, e) -> {
          try {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(r);
            }
          } finally {
            settled();
          }
        });
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    return out;
  }

  /** The iterator's first attempt: sent on the consumer's thread, settled when send returns. */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    outstanding.incrementAndGet();
    sent.incrementAndGet();
    try {
      return delegate.send(request, handler);
    } finally {
      settled();
    }
  }
}
