package io.github.kimisdk.errors;

import io.github.kimisdk.ResponseMetadata;
import java.util.Optional;

/**
 * The root of every failure a {@link io.github.kimisdk.KimiClient} reports. It is unchecked and
 * sealed, so a {@code switch}-like {@code instanceof} chain can cover each kind:
 *
 * <ul>
 *   <li>{@link ApiException} and its subclasses: Kimi answered with an error (HTTP status and
 *       Kimi's {@code error.type}), before or inside a stream;
 *   <li>{@link ConnectionException}: the request could not be sent or the connection broke;
 *   <li>{@link CancelledException}: the caller stopped the call or stream (closed it, closed the
 *       client, interrupted the waiting thread, or cancelled the call);
 *   <li>{@link KimiTimeoutException}: connecting or waiting for the response took too long;
 *   <li>{@link StreamException}: a stream ended before {@code [DONE]}, carried a malformed chunk,
 *       or failed in any other way after its first chunk reached the caller;
 *   <li>{@link DecodingException}: a successful response body could not be decoded, or a reply does
 *       not fit the record asked for ({@link io.github.kimisdk.errors.StructuredOutputException});
 *   <li>{@link ResponseTooLargeException}: a response body exceeded the configured limit;
 *   <li>{@link ConfigurationException}: the client was configured wrongly (missing key, bad URL);
 *   <li>{@link PreflightException}: the request was stopped before sending because the model would
 *       reject it or it does not fit the context window ({@link ContextBudgetExceededException});
 *   <li>{@link BudgetExceededException}: a spend or token budget of the client refused the call
 *       before it was sent.
 * </ul>
 *
 * <pre>{@code
 * try {
 *   kimi.chat(request);
 * } catch (RateLimitException e) {
 *   Duration wait = e.retryAfter().orElse(Duration.ofSeconds(1));
 * } catch (KimiException e) {
 *   log.log(ERROR, "Kimi call failed, request id " + e.requestId().orElse("none"), e);
 * }
 * }</pre>
 *
 * <p>Messages never contain the API key.
 */
public abstract sealed class KimiException extends RuntimeException
    permits ApiException,
        ConnectionException,
        CancelledException,
        KimiTimeoutException,
        StreamException,
        DecodingException,
        ResponseTooLargeException,
        ConfigurationException,
        PreflightException,
        BudgetExceededException {

  private static final long serialVersionUID = 1L;

  private final transient ResponseMetadata metadata;
  private volatile int attempts = 1;
  // The thread that made this exception: a blocking call that receives one made on another thread
  // (the HttpClient's) adds its own frames to the trace, as HttpClient.send does.
  private final transient long thread = Thread.currentThread().getId();

  KimiException(String message, Throwable cause, ResponseMetadata metadata) {
    super(message, cause);
    this.metadata = metadata;
  }

  /**
   * Returns the status and headers of the response this failure came with.
   *
   * @return the metadata, or empty when the failure happened before response headers arrived
   */
  public Optional<ResponseMetadata> metadata() {
    return Optional.ofNullable(metadata);
  }

  /**
   * Returns how many attempts the call made before failing with this exception: 1 when it was not
   * retried (see {@link io.github.kimisdk.RetryPolicy}). The earlier attempts' failures are
   * {@linkplain #getSuppressed() suppressed} exceptions of this one.
   *
   * @return the number of attempts, at least 1
   */
  public int attempts() {
    return attempts;
  }

  void attempts(int attempts) {
    this.attempts = attempts;
  }

  boolean madeOnAnotherThread() {
    return thread != Thread.currentThread().getId();
  }

  /**
   * Returns the request id to quote to Moonshot support (see {@link ResponseMetadata#requestId()}).
   *
   * @return the request id, or empty when none is known
   */
  public Optional<String> requestId() {
    return metadata().flatMap(ResponseMetadata::requestId);
  }
}
