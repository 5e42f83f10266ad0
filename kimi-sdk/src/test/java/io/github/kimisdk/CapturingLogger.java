package io.github.kimisdk;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
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
      lines.add(msg);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      lines.add(params == null ? format : java.text.MessageFormat.format(format, params));
    }
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    if (isLoggable(level)) {
      lines.add(msgSupplier.get());
    }
  }

  /** Returns every message, one a line. */
  public String all() {
    return String.join("\n", lines);
  }
}
