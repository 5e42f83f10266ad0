package io.github.kimisdk.base.flow;

import java.util.Objects;
import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for its logger on first use. The JDK
 * makes an application's logger at once, and the first one starts the logging backend ({@code
 * java.util.logging} reads its configuration and sets up its root logger: some 10 to 30 ms of a
 * fresh JVM); a client that logs nothing on its way to its first reply should not pay that.
 *
 * <p>Thread model: any thread; two threads may both resolve the logger, and the JDK hands both the
 * same one for a name.
 */
public final class LazyLogger implements System.Logger {

  private final String name;
  private volatile System.Logger logger; // null until first used

  private LazyLogger(String name) {
    this.name = name;
  }

  /**
   * Returns the logger of {@code name}, made when it is first used.
   *
   * @param name the logger's name
   * @return the logger
   */
  public static System.Logger of(String name) {
    return new LazyLogger(Objects.requireNonNull(name, "name"));
  }

  private System.Logger logger() {
    System.Logger l = logger;
    if (l == null) {
      l = System.getLogger(name);
      logger = l;
    }
    return l;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return logger().isLoggable(level);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    logger().log(level, bundle, msg, thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    logger().log(level, bundle, format, params);
  }
}
