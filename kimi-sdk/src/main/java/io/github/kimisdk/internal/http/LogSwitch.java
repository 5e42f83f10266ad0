package io.github.kimisdk.internal.http;

import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The logging switch: {@code -Dkimi.log=info|debug} or the environment variable {@code
 * KIMI_LOG=info|debug} (the property wins) turns on the transport's request and response log at
 * {@code INFO}, which the JDK's default logging configuration prints: at {@code info} each attempt,
 * its headers (the key redacted), its status, response headers and timings, and each retry; at
 * {@code debug} the bodies too, cut at {@link AttemptLog#MAX_LOGGED_BODY} characters. Any other
 * value, or none, leaves the log at {@code DEBUG} as the builder set it.
 */
public enum LogSwitch {
  /** The switch is off. */
  OFF,
  /** Attempts, headers, statuses, timings and retries. */
  INFO,
  /** As {@link #INFO}, and the bodies. */
  DEBUG;

  /** The system property. */
  public static final String PROPERTY = "kimi.log";

  /** The environment variable. */
  public static final String ENVIRONMENT = "KIMI_LOG";

  /**
   * Returns the switch as this process sets it.
   *
   * @return the switch
   */
  public static LogSwitch fromEnvironment() {
    return of(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
  }

  /**
   * Returns the switch {@code property} sets, else the one {@code environment} sets.
   *
   * @param property the system property's value, or null
   * @param environment the environment variable's value, or null
   * @return the switch; {@link #OFF} for any other value
   */
  public static LogSwitch of(String property, String environment) {
    String v = property != null && !property.isBlank() ? property : environment;
    if (v == null) {
      return OFF;
    }
    switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "info":
        return INFO;
      case "debug":
        return DEBUG;
      default:
        return OFF;
    }
  }

  /**
   * Returns {@code logger} as this switch uses it: itself when off, else a logger that writes its
   * {@code DEBUG} and {@code TRACE} records at {@code INFO}.
   *
   * @param logger the logger
   * @return the logger to write to
   */
  public System.Logger apply(System.Logger logger) {
    return this == OFF ? logger : new Promoting(logger);
  }

  /** Writes {@code DEBUG} and {@code TRACE} records at {@code INFO}. */
  private static final class Promoting implements System.Logger {
    private final System.Logger target;

    Promoting(System.Logger target) {
      this.target = target;
    }

    private static Level promoted(Level level) {
      return level == Level.DEBUG || level == Level.TRACE ? Level.INFO : level;
    }

    @Override
    public String getName() {
      return target.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
      return target.isLoggable(promoted(level));
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      target.log(promoted(level), msgSupplier);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      target.log(promoted(level), bundle, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      target.log(promoted(level), bundle, format, params);
    }
  }
}
