package io.github.kimisdk.langchain4j.internal;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The SDK's transport log written to SLF4J, where a LangChain4j application's logging goes. The SDK
 * writes each attempt's lines at {@code DEBUG}; with {@code logRequests} the request's lines (its
 * body, and its headers when the SDK's log switch asks for them) go out at {@code INFO}, with
 * {@code logResponses} the response's, and with either the line that ends each attempt (status,
 * request id, timings), as LangChain4j's own providers log at {@code INFO}. Everything else keeps
 * its level. The SDK redacts the API key from every line before it gets here.
 */
public final class Slf4jLogger implements System.Logger {

  private final org.slf4j.Logger target;
  private final boolean requests;
  private final boolean responses;

  /**
   * Writes to {@code target}.
   *
   * @param target the SLF4J logger
   * @param requests whether request lines go out at {@code INFO}
   * @param responses whether response lines go out at {@code INFO}
   */
  public Slf4jLogger(org.slf4j.Logger target, boolean requests, boolean responses) {
    this.target = target;
    this.requests = requests;
    this.responses = responses;
  }

  @Override
  public String getName() {
    return target.getName();
  }

  @Override
  public boolean isLoggable(Level level) {
    return switch (level) {
      case ALL, TRACE -> target.isTraceEnabled();
      case DEBUG -> requests || responses ? target.isInfoEnabled() : target.isDebugEnabled();
      case INFO -> target.isInfoEnabled();
      case WARNING -> target.isWarnEnabled();
      case ERROR -> target.isErrorEnabled();
      case OFF -> false;
    };
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    write(level, msg == null ? "null" : msg, thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    String msg =
        format == null
            ? "null"
            : params == null || params.length == 0 ? format : MessageFormat.format(format, params);
    write(level, msg, null);
  }

  private void write(Level level, String msg, Throwable thrown) {
    switch (level == Level.DEBUG ? promoted(msg) : level) {
      case ALL, TRACE -> target.trace(msg, thrown);
      case DEBUG -> target.debug(msg, thrown);
      case INFO -> target.info(msg, thrown);
      case WARNING -> target.warn(msg, thrown);
      case ERROR -> target.error(msg, thrown);
      case OFF -> {}
    }
  }

  /** A {@code DEBUG} line's level: {@code INFO} when the model was asked to log its kind. */
  private Level promoted(String msg) {
    boolean request = msg.contains(" request body: ") || msg.contains(" request headers: ");
    boolean response = msg.contains(" response body: ") || msg.contains(" response headers: ");
    boolean shown = request ? requests : response ? responses : requests || responses;
    return shown ? Level.INFO : Level.DEBUG;
  }
}
