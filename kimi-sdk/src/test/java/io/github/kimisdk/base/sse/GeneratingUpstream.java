package io.github.kimisdk.base.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays an HTTP response body that holds {@code events} events ({@code data: <n>}), one per
 * requested buffer list, each event split across two buffers; signals run on {@code executor},
 * serialised, and completion follows the last list at once, as the JDK client does.
 */
public final class GeneratingUpstream implements Flow.Subscription {
  private final Flow.Subscriber<? super List<ByteBuffer>> body;
  private final Executor executor;
  private final long events;
  private final AtomicLong requested = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean cancelled;
  private long sent;
  private boolean completed;

  public GeneratingUpstream(
      Flow.Subscriber<? super List<ByteBuffer>> body, long events, Executor executor) {
    this.body = body;
    this.events = events;
    this.executor = executor;
  }

  /** Subscribes the body subscriber to this upstream. */
  public void start() {
    executor.execute(
        () -> {
          body.onSubscribe(this);
          drain();
        });
  }

  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void request(long n) {
    requested.getAndUpdate(r -> r + n < 0 ? Long.MAX_VALUE : r + n);
    executor.execute(this::drain);
  }

  @Override
  public void cancel() {
    cancelled = true;
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (!cancelled && !completed) {
        if (sent == events) {
          completed = true;
          body.onComplete();
          break;
        }
        if (requested.get() == 0) {
          break;
        }
        requested.decrementAndGet();
        String text = "data: " + sent + "\n\n";
        sent++;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int cut = Math.min(bytes.length, 4);
        body.onNext(
            List.of(
                ByteBuffer.wrap(bytes, 0, cut).slice().asReadOnlyBuffer(),
                ByteBuffer.wrap(bytes, cut, bytes.length - cut).slice().asReadOnlyBuffer()));
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}
