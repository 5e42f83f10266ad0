package io.github.kimisdk;

import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A logger for tests: keeps every message it is given at its level and above, formatted. */
public final class CapturingLogger implements System.Logger {

  /** The messages, in order. */
  public final List<String> lines = new CopyOnWriteArrayList<>();

  private final Level least;

  /**
   * Creates a logger keeping messages at {@code least} and above.
   *
   * @param least the lowest level kept
   */
  public CapturingLogger(Level least) {
    this.least = least;
  }

  @Override
  public String getName() {
    return "capture";
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.getSeverity() >= least.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (isLoggable(level)) {
      add(msg);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      add(params == null ? format : java.text.MessageFormat.format(format, params));
    }
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    if (isLoggable(level)) {
      add(msgSupplier.get());
    }
  }

  private synchronized void add(String line) {
    lines.add(line);
    notifyAll();
  }

  /**
   * Waits until at least {@code count} messages were kept, or {@code timeout} passed: for a message
   * a background thread logs after the effect a test waits for.
   *
   * @param count the messages to wait for
   * @param timeout the longest wait
   * @return whether that many came
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean await(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); lines.size() < count && left > 0; ) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
      left = deadline - System.nanoTime();
    }
    return lines.size() >= count;
  }

  /** Returns every message, one a line. */
  public String all() {
    return String.join("\n", lines);
  }
}
