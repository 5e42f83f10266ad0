package io.github.kimisdk.base.limit;

import java.util.ArrayDeque;

/**
 * A rolling one-minute budget: a bucket of {@code capacity} units in which every unit spent at time
 * t comes back at t + 60 s. No 60-second window ever holds more than {@code capacity}.
 */
public final class MinuteWindow {

  public static final long MINUTE_NANOS = 60_000_000_000L;

  private final ArrayDeque<long[]> spent = new ArrayDeque<>();
  long capacity;
  private long used;

  MinuteWindow(long capacity) {
    this.capacity = capacity;
  }

  private void expire(long now) {
    while (!spent.isEmpty() && now - spent.peek()[0] >= MINUTE_NANOS) {
      used -= spent.poll()[1];
    }
  }

  /** Returns the nanoseconds until {@code amount} more fits, 0 if it fits now. */
  long waitFor(long amount, long now) {
    if (amount <= 0) {
      return 0;
    }
    expire(now);
    long free = capacity - used;
    if (amount <= free) {
      return 0;
    }
    for (long[] s : spent) {
      free += s[1];
      if (amount <= free) {
        return s[0] + MINUTE_NANOS - now;
      }
    }
    // only when the capacity was lowered below what is in the window: wait for all of it
    return spent.isEmpty() ? 0 : spent.peekLast()[0] + MINUTE_NANOS - now;
  }

  void take(long amount, long now) {
    if (amount > 0) {
      spent.add(new long[] {now, amount});
      used += amount;
    }
  }

  long used(long now) {
    expire(now);
    return used;
  }
}
