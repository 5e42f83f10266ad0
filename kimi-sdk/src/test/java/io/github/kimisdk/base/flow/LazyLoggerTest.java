package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lazy logger is the JDK's logger of its name once used: same levels, same records, and the
 * record names the class that logged, not the lazy logger in between.
 */
class LazyLoggerTest {

  static final String NAME = "io.github.kimisdk.test.lazy";

  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          r.getSourceClassName(); // the caller is found now, on the logging thread's stack
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Logger jul = Logger.getLogger(NAME); // held: a logger only weakly kept is lost

  @BeforeEach
  void listen() {
    jul.setLevel(Level.INFO);
    jul.setUseParentHandlers(false);
    jul.addHandler(handler);
  }

  @AfterEach
  void stop() {
    jul.removeHandler(handler);
  }

  @Test
  void logsThroughTheJdksLoggerOfItsNameAndNamesTheCallerAsTheSource() {
    System.Logger lazy = LazyLogger.of(NAME);
    assertThat(lazy.getName()).isEqualTo(NAME);
    assertThat(lazy.isLoggable(System.Logger.Level.INFO)).isTrue();
    assertThat(lazy.isLoggable(System.Logger.Level.DEBUG)).isFalse();
    lazy.log(System.Logger.Level.DEBUG, "not logged");
    lazy.log(System.Logger.Level.WARNING, "a {0} line", "formatted");
    IllegalStateException thrown = new IllegalStateException("boom");
    lazy.log(System.Logger.Level.INFO, "with a failure", thrown);
    assertThat(records).hasSize(2);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage()).isEqualTo("a {0} line");
    assertThat(records.get(0).getParameters()).containsExactly("formatted");
    assertThat(records.get(1).getThrown()).isSameAs(thrown);
    for (LogRecord r : records) {
      assertThat(r.getLoggerName()).isEqualTo(NAME);
      assertThat(r.getSourceClassName()).isEqualTo(LazyLoggerTest.class.getName());
      assertThat(r.getSourceMethodName())
          .isEqualTo("logsThroughTheJdksLoggerOfItsNameAndNamesTheCallerAsTheSource");
    }
  }
}
