package io.github.kimisdk;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded result together with the HTTP response it came from, so a caller can quote Kimi's
 * request id in a support ticket, or read what the SDK does not model in the body's exact bytes.
 *
 * <pre>{@code
 * KimiResponse<ChatCompletion> r = kimi.chatWithResponse(ChatRequest.of("kimi-k2.6", "Hi"));
 * System.out.println(r.value().text() + " (request " + r.metadata().requestId().orElse("?") + ")");
 * byte[] exact = r.rawBody().orElseThrow();   // the bytes Kimi sent
 * }</pre>
 *
 * @param value the decoded body
 * @param metadata the response status and headers
 * @param body the exact bytes of the response body; null for a streamed response (see {@link
 *     #rawBody()})
 * @param <T> the type of the decoded body
 */
public record KimiResponse<T>(T value, ResponseMetadata metadata, byte[] body) {

  /**
   * Checks that value and metadata are present and copies the body.
   *
   * @param value the decoded body
   * @param metadata the response status and headers
   * @param body the exact bytes of the response body; null when there is none to keep
   * @throws NullPointerException if {@code value} or {@code metadata} is null
   */
  public KimiResponse {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(metadata, "metadata");
    body = body == null ? null : body.clone();
  }

  /**
   * Creates a response without body bytes.
   *
   * @param value the decoded body
   * @param metadata the response status and headers
   * @throws NullPointerException if either is null
   */
  public KimiResponse(T value, ResponseMetadata metadata) {
    this(value, metadata, null);
  }

  /**
   * Returns a copy of the body bytes.
   *
   * @return a copy of the exact bytes of the response body, or null for a streamed response
   */
  @Override
  public byte[] body() {
    return body == null ? null : body.clone();
  }

  /**
   * Returns the exact bytes the server sent as the body of a non-streamed answer, before any
   * decoding: what to read when the SDK does not model a field yet. Empty for a stream, whose
   * events are read as they arrive.
   *
   * @return a copy of the body, or empty for a streamed response
   */
  public Optional<byte[]> rawBody() {
    return Optional.ofNullable(body());
  }

  /**
   * Compares value, metadata and body bytes.
   *
   * @param o the other object
   * @return true when all three are equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof KimiResponse<?> r
        && r.value.equals(value)
        && r.metadata.equals(metadata)
        && Arrays.equals(r.body, body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, metadata, Arrays.hashCode(body));
  }

  /** Shows the value, the metadata and the body's length, not its bytes. */
  @Override
  public String toString() {
    return "KimiResponse[value="
        + value
        + ", metadata="
        + metadata
        + (body == null ? "" : ", body=" + body.length + " bytes")
        + "]";
  }
}
