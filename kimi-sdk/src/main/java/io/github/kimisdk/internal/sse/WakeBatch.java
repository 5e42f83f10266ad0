package io.github.kimisdk.internal.sse;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds back consumer wake-ups while one thread hands over a batch of items, so a consumer parked
 * in a {@link BlockingSubscriber} wakes once per batch (the events of one network buffer) rather
 * than once per item.
 *
 * <p>A producer opens a batch around work that may deliver several items ({@link #open()}), marks
 * the end of each batch with {@link #flush()} and closes it with {@link #close()}, which flushes.
 * Batches nest: only the outermost {@code close()} ends the scope. While a batch is open on a
 * thread, {@link #defer} (called by a subscriber that just queued an item for a parked consumer)
 * records the subscriber instead of waking its consumer; {@code flush()} then wakes each recorded
 * consumer once. Everything here is confined to the producing thread.
 *
 * <p>The producer must not wait for a consumer it fed inside a batch before the batch is flushed:
 * that consumer has not been woken yet. {@link SseSubscriber}'s drain loop never waits, and it
 * flushes after each buffer and when the loop ends. A subscriber placed between it and a {@code
 * BlockingSubscriber} that, inside its {@code onNext}, waited for that iterator's consumer would
 * wait until the end of the buffer's batch, which never comes while it waits.
 */
final class WakeBatch {

  private static final ThreadLocal<WakeBatch> CURRENT = new ThreadLocal<>();

  private final List<BlockingSubscriber<?>> pending = new ArrayList<>(2);
  private int depth;

  private WakeBatch() {}

  /**
   * Opens a batch on the current thread (or nests in the open one).
   *
   * @return the batch, to flush and close on this thread
   */
  static WakeBatch open() {
    WakeBatch b = CURRENT.get();
    if (b == null) {
      b = new WakeBatch();
      CURRENT.set(b);
    }
    b.depth++;
    return b;
  }

  /**
   * Records {@code subscriber} for a wake-up at the end of the current thread's batch.
   *
   * @param subscriber the subscriber whose consumer should wake
   * @return false if no batch is open on this thread (the caller must wake its consumer itself)
   */
  static boolean defer(BlockingSubscriber<?> subscriber) {
    WakeBatch b = CURRENT.get();
    if (b == null || b.depth == 0) {
      return false;
    }
    List<BlockingSubscriber<?>> p = b.pending;
    for (int i = 0, n = p.size(); i < n; i++) {
      if (p.get(i) == subscriber) {
        return true;
      }
    }
    p.add(subscriber);
    return true;
  }

  /** Wakes the consumers of the subscribers deferred so far; the batch stays open. */
  void flush() {
    List<BlockingSubscriber<?>> p = pending;
    int n = p.size();
    if (n == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      p.get(i).wakeConsumer();
    }
    p.clear();
  }

  /** Flushes and, at the outermost level, ends the batch on this thread. */
  void close() {
    flush();
    depth--;
  }
}
