package io.github.kimisdk.langchain4j;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The tests' SLF4J provider, as an application's logging back end would be: every logger is enabled
 * from {@code INFO} up (an application's usual level), and while a test {@link #capture captures},
 * the lines are kept for it to read; otherwise they are dropped.
 */
public final class RecordingSlf4j implements SLF4JServiceProvider {

  /** One line that was logged. */
  public record Line(String logger, Level level, String message) {}

  private static final Object LOCK = new Object();
  private static List<Line> lines;

  /** Starts keeping lines (until {@link #stop()}). */
  static void capture() {
    synchronized (LOCK) {
      lines = new ArrayList<>();
    }
  }

  /** Stops keeping lines and returns those kept. */
  static List<Line> stop() {
    synchronized (LOCK) {
      List<Line> out = lines == null ? List.of() : List.copyOf(lines);
      lines = null;
      return out;
    }
  }

  private final ILoggerFactory factory = Recording::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** A logger enabled from INFO up. */
  private static final class Recording extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
      if (level == Level.TRACE || level == Level.DEBUG) {
        return;
      }
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      synchronized (LOCK) {
        if (lines != null) {
          lines.add(new Line(name, level, message));
        }
      }
    }
  }
}
