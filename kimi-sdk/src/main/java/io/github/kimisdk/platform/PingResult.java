package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.errors.KimiException;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of {@link io.github.kimisdk.KimiAccount#ping()}, the health check: whether the API is
 * reachable and accepts the key, and, for a target of {@link
 * io.github.kimisdk.KimiAccount#checkTargets()} that names its model, whether its host serves it.
 *
 * @param status what happened
 * @param httpStatus the HTTP status of the answer, or 0 when none arrived
 * @param latency the time the check took
 * @param error the failure behind a status other than {@link Status#OK}, or null
 */
public record PingResult(Status status, int httpStatus, Duration latency, KimiException error) {

  /** The kinds of outcome a health check tells apart. */
  public enum Status {
    /** The API answered and accepted the key. */
    OK,
    /** The API answered 401 or 403: the key is missing, wrong, revoked or not allowed. */
    BAD_KEY,
    /** No answer: connection refused, DNS failure, TLS failure or timeout. */
    UNREACHABLE,
    /** The API answered with another error, such as a 5xx or an unexpected body. */
    ERROR,
    /**
     * The host answered and took the key, but does not serve the model the check asked about: its
     * {@code GET /models} does not list the id the target sends (a retired or misspelt id, or a
     * server started under another name). No call for that model can succeed until the target's
     * model or the host's id of it changes; waiting does not help. Only {@link
     * io.github.kimisdk.KimiAccount#checkTargets()} checks a model, for a target that names one.
     */
    MISCONFIGURED
  }

  /**
   * Validates the components.
   *
   * @param status what happened
   * @param httpStatus the HTTP status of the answer, or 0 when none arrived
   * @param latency the time the check took
   * @param error the failure behind a status other than {@link Status#OK}, or null
   * @throws NullPointerException if {@code status} or {@code latency} is null
   */
  public PingResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(latency, "latency");
  }

  /**
   * Tells whether the check succeeded.
   *
   * @return true if {@link #status()} is {@link Status#OK}
   */
  public boolean isOk() {
    return status == Status.OK;
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("PingResult")
        .add("status", status)
        .add("httpStatus", httpStatus)
        .add("latency", latency)
        .add("error", error)
        .toString();
  }
}
