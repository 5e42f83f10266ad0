package io.github.kimisdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages a {@code java.util.logging} logger publishes from when this is made until it is
 * closed, for tests: {@code try (JulLines log = new JulLines("io.github.kimisdk.listener")) ...}.
 */
public final class JulLines implements AutoCloseable {

  /** The messages, unformatted, in order. */
  public final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private final Logger logger;
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /**
   * Starts keeping what the logger named {@code name} publishes.
   *
   * @param name the logger's name
   */
  public JulLines(String name) {
    logger = Logger.getLogger(name);
    logger.addHandler(handler);
  }

  /** Stops keeping them; {@link #lines} keeps what was kept. */
  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
