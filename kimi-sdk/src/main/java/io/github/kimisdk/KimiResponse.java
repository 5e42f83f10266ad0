package io.github.kimisdk;

import java.util.Arrays;
import java.util.Objects;

/**
 * The answer of {@link KimiClient#request}, a call to an endpoint the SDK does not model: the
 * decoded body with the HTTP response it came from, so a caller can quote Kimi's request id in a
 * support ticket, or read what the decoding left out in the body's exact bytes. (The other calls
 * return their value, which carries its metadata where there is some: {@link
 * io.github.kimisdk.chat.ChatCompletion#metadata()}.)
 *
 * <pre>{@code
 * KimiResponse<JsonValue> r = kimi.request("GET", "models", null);
 * System.out.println(r.value() + " (request " + r.metadata().requestId().orElse("?") + ")");
 * byte[] exact = r.body();   // the bytes Kimi sent
 * }</pre>
 *
 * @param value the decoded body
 * @param metadata the response status and headers
 * @param body the exact bytes of the response body; the response keeps this array (it is not
 *     copied), and {@link #body()} hands out copies
 * @param <T> the type of the decoded body
 */
public record KimiResponse<T>(T value, ResponseMetadata metadata, byte[] body) {

  private static final byte[] NONE = {};

  /**
   * Checks that value and metadata are present. The body is kept as it is, not copied: the response
   * owns it from here on.
   *
   * @param value the decoded body
   * @param metadata the response status and headers
   * @param body the exact bytes of the response body; null is none
   * @throws NullPointerException if {@code value} or {@code metadata} is null
   */
  public KimiResponse {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(metadata, "metadata");
    body = body == null ? NONE : body;
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
   * Returns a copy of the exact bytes the server sent as the body, before any decoding: what to
   * read when the SDK does not model a field yet. Each call copies; keep the result.
   *
   * @return a copy of the body; empty when there was none
   */
  @Override
  public byte[] body() {
    return body.clone();
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
        + ", body="
        + body.length
        + " bytes]";
  }
}
