package io.github.kimisdk.mcp;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test server's log of what it saw, which a test can wait on: every entry added wakes the
 * waiters, so a test waits for an entry instead of polling with sleeps.
 */
final class WatchedLog extends CopyOnWriteArrayList<String> {

  private static final long serialVersionUID = 1L;

  private final transient Object added = new Object();

  @Override
  public boolean add(String entry) {
    boolean changed = super.add(entry);
    synchronized (added) {
      added.notifyAll();
    }
    return changed;
  }

  /**
   * Waits until an entry matches.
   *
   * @param entry what an entry must match
   * @param timeout the longest wait
   * @return whether one matched in time
   * @throws InterruptedException if interrupted
   */
  boolean await(Predicate<String> entry, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (added) {
      while (stream().noneMatch(entry)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(added, left);
      }
      return true;
    }
  }
}
