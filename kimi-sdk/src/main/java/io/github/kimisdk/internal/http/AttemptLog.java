package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place where the life of an attempt is observed: it is about to be sent ({@link #start}),
 * its response headers arrived ({@link Attempt#headers}), it ended ({@link Attempt#ended}). Every
 * exchange of the transport, streamed or not, goes through it; today it writes the per-attempt
 * {@code DEBUG} line (method, URL, attempt, status, request id, time to the headers and in total;
 * never a header, so never the key) and, when asked, the bodies.
 */
public final class AttemptLog {

  private final System.Logger logger;
  private final boolean logContent;
  private final ServerText text;

  AttemptLog(System.Logger logger, boolean logContent, ServerText text) {
    this.logger = logger;
    this.logContent = logContent;
    this.text = text;
  }

  /** Starts the record of one attempt of {@code request}, logging its body when asked to. */
  Attempt start(HttpRequest request, int attempt, byte[] body) {
    if (body != null && logContent && logger.isLoggable(Level.DEBUG)) {
      logger.log(
          Level.DEBUG,
          request.method()
              + " "
              + request.uri()
              + " attempt "
              + attempt
              + " request body: "
              + new String(body, StandardCharsets.UTF_8));
    }
    return new Attempt(request, attempt);
  }

  /** Logs a non-streamed response body at DEBUG when the user opted in to message contents. */
  void body(ResponseMetadata md, byte[] body) {
    if (logContent && logger.isLoggable(Level.DEBUG)) {
      logger.log(
          Level.DEBUG,
          "HTTP "
              + md.statusCode()
              + md.requestId().map(s -> " request-id=" + s).orElse("")
              + " response body: "
              + text.redact(new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** One attempt: when it started and when its headers came; it is logged once, when it ends. */
  public final class Attempt {
    private final HttpRequest request;
    private final int number;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean logged = new AtomicBoolean();
    private volatile long headersNanos;

    private Attempt(HttpRequest request, int number) {
      this.request = request;
      this.number = number;
    }

    /** Notes that the response headers arrived. */
    void headers() {
      headersNanos = System.nanoTime();
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
      String id = md == null ? "" : md.requestId().map(s -> " request-id=" + s).orElse("");
      String status = md == null ? "no response" : "HTTP " + md.statusCode();
      String headers =
          headersAt == 0 ? "" : " headers " + (headersAt - startedNanos) / 1_000_000 + " ms,";
      logger.log(
          Level.DEBUG,
          request.method()
              + " "
              + request.uri()
              + " attempt "
              + number
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
