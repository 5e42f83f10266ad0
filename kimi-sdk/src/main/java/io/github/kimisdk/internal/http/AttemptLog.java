package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.text.Untrusted;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place where the life of an attempt is observed: it is about to be sent ({@link #start}),
 * its response headers arrived ({@link Attempt#headers}), it ended ({@link Attempt#ended}). Every
 * exchange of the transport, streamed or not, goes through it. It tells the call's {@link
 * AttemptObserver} (the call listeners), and writes the per-attempt {@code DEBUG} line (method,
 * URL, attempt, status, request id, time to the headers and in total), when asked the headers (the
 * key's headers redacted, see {@link LogSwitch}) and the bodies, cut at {@link #MAX_LOGGED_BODY}
 * characters.
 */
public final class AttemptLog {

  /** The most characters of a body logged; the rest is cut, its length said. */
  public static final int MAX_LOGGED_BODY = 16 * 1024;

  /** The most characters of a logged header list; a server sends what it likes. */
  static final int MAX_LOGGED_HEADERS = 8 * 1024;

  /** What a redacted header's value is logged as. */
  static final String REDACTED = "[redacted]";

  /** The headers whose values are never logged: they carry credentials. */
  private static final Set<String> SECRET_HEADERS =
      Set.of(
          "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie");

  private final System.Logger logger;
  private final boolean logContent;
  private final boolean logHeaders;
  private final ServerText text; // null when neither bodies nor headers are logged

  AttemptLog(System.Logger logger, boolean logContent, boolean logHeaders, ServerText text) {
    this.logger = logger;
    this.logContent = logContent;
    this.logHeaders = logHeaders;
    this.text = text;
  }

  /**
   * Returns this log for the attempts that send another key than the client's: its texts redact
   * that key. This log itself when it logs neither bodies nor headers, so that asking for it makes
   * nothing of the errors' rules.
   *
   * @param keyErrors the errors of the attempt's key, whose text rules redact it
   * @return the log
   */
  AttemptLog redacting(ErrorFactory keyErrors) {
    return text == null ? this : new AttemptLog(logger, logContent, logHeaders, keyErrors.text());
  }

  /**
   * Starts the record of one attempt of {@code request}: tells {@code observer}, logs its headers
   * and body when asked to.
   */
  Attempt start(HttpRequest request, int attempt, byte[] body, AttemptObserver observer) {
    observer.sending(
        attempt,
        body != null
            ? body.length
            : request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L));
    if (logHeaders && logger.isLoggable(Level.DEBUG)) {
      logger.log(
          Level.DEBUG,
          line(request, attempt) + " request headers: " + headers(request.headers().map()));
    }
    if (body != null && logContent && logger.isLoggable(Level.DEBUG)) {
      logger.log(Level.DEBUG, line(request, attempt) + " request body: " + shown(body));
    }
    return new Attempt(request, attempt, observer);
  }

  /** The start of every line about one attempt: "POST https://... attempt 2". */
  private static String line(HttpRequest request, int attempt) {
    return request.method() + " " + request.uri() + " attempt " + attempt;
  }

  /** Logs a non-streamed response body at DEBUG when the user opted in to message contents. */
  void body(ResponseMetadata md, byte[] body) {
    if (logContent && logger.isLoggable(Level.DEBUG)) {
      logger.log(
          Level.DEBUG,
          "HTTP "
              + md.statusCode()
              + md.requestId().map(s -> " request-id=" + Untrusted.escape(s)).orElse("")
              + " response body: "
              + shown(body));
    }
  }

  /**
   * Returns a body as logged: the key redacted, cut at {@link #MAX_LOGGED_BODY} characters, its
   * control characters escaped (a server's text forges no log line).
   */
  String shown(byte[] body) {
    int total = body.length;
    if (total <= MAX_LOGGED_BODY) {
      return Untrusted.escape(text.redact(new String(body, StandardCharsets.UTF_8)));
    }
    // four bytes at most per character: enough to fill the cut, and a key straddling it
    int read = 4 * MAX_LOGGED_BODY + 256;
    String shown = text.redact(ServerText.prefix(body, 0, total, read));
    if (total <= read && shown.length() <= MAX_LOGGED_BODY) {
      return Untrusted.escape(shown);
    }
    int end = Math.min(MAX_LOGGED_BODY, shown.length());
    if (end > 0 && Character.isHighSurrogate(shown.charAt(end - 1))) {
      end--;
    }
    return Untrusted.escape(shown.substring(0, end)) + "... [cut: " + total + " bytes in all]";
  }

  /**
   * Returns headers as logged: the key's headers (and cookies) as {@link #REDACTED}, the key
   * redacted wherever else it appears, the whole cut at {@link #MAX_LOGGED_HEADERS} characters.
   */
  String headers(Map<String, List<String>> headers) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (sb.length() > MAX_LOGGED_HEADERS) {
        break;
      }
      if (sb.length() > 1) {
        sb.append(", ");
      }
      String name = h.getKey();
      sb.append(name).append(": ");
      String lower = name.toLowerCase(Locale.ROOT);
      if (SECRET_HEADERS.contains(lower)) {
        String v = h.getValue().isEmpty() ? "" : h.getValue().get(0);
        boolean bearer = v.regionMatches(true, 0, "Bearer ", 0, 7);
        sb.append(bearer ? "Bearer " + REDACTED : REDACTED);
      } else {
        sb.append(Untrusted.escape(text.redact(String.join(", ", h.getValue()))));
      }
    }
    String all = sb.append('}').toString();
    return ServerText.cut(all, MAX_LOGGED_HEADERS, all.length());
  }

  /** One attempt: when it started and when its headers came; it is logged once, when it ends. */
  public final class Attempt {
    private final HttpRequest request;
    private final int number;
    private final AttemptObserver observer;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean logged = new AtomicBoolean();
    private volatile long headersNanos;

    private Attempt(HttpRequest request, int number, AttemptObserver observer) {
      this.request = request;
      this.number = number;
      this.observer = observer;
    }

    /** Notes that the response headers arrived, and tells the observer. */
    void headers(ResponseMetadata md) {
      long now = System.nanoTime();
      headersNanos = now;
      observer.headers(number, md, now);
      if (logHeaders && logger.isLoggable(Level.DEBUG)) {
        logger.log(
            Level.DEBUG,
            line(request, number)
                + " -> HTTP "
                + md.statusCode()
                + " response headers: "
                + AttemptLog.this.headers(md.headers()));
      }
    }

    /**
     * Notes, once, that the attempt ended: completed ({@code error} null), failed or cancelled.
     *
     * @param md the response metadata, or null when no response came
     * @param error the failure, or null
     */
    public void ended(ResponseMetadata md, Throwable error) {
      if (!logged.compareAndSet(false, true) || !logger.isLoggable(Level.DEBUG)) {
        return;
      }
      long now = System.nanoTime();
      long headersAt = headersNanos;
      String id =
          md == null
              ? ""
              : md.requestId().map(s -> " request-id=" + Untrusted.escape(s)).orElse("");
      String status = md == null ? "no response" : "HTTP " + md.statusCode();
      String headers =
          headersAt == 0 ? "" : " headers " + (headersAt - startedNanos) / 1_000_000 + " ms,";
      logger.log(
          Level.DEBUG,
          line(request, number)
              + " -> "
              + status
              + id
              + ","
              + headers
              + " total "
              + (now - startedNanos) / 1_000_000
              + " ms"
              + (error == null ? "" : ", failed: " + error.getClass().getSimpleName()));
    }
  }
}
