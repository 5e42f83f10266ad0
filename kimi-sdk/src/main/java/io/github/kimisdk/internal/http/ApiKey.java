package io.github.kimisdk.internal.http;

import java.util.Objects;

/**
 * The client's API key, held here and nowhere else: what sends the key (the wire's authentication
 * header) or hides it (redaction of server texts, logs) asks this value, and it never prints the
 * key. Immutable; safe to share between threads.
 */
public final class ApiKey {

  private static final String KIMI_CODE_PREFIX = "sk-kimi-";

  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  /**
   * Holds a key; whether it is well-formed was checked by the client builder.
   *
   * @param value the key
   * @return the holder
   * @throws NullPointerException if {@code value} is null
   */
  public static ApiKey of(String value) {
    return new ApiKey(Objects.requireNonNull(value, "apiKey"));
  }

  /**
   * Returns the key itself, for a header that carries it or a text it is searched in; it must go
   * nowhere else.
   *
   * @return the key
   */
  public String reveal() {
    return value;
  }

  /**
   * Tells whether this is a Kimi Code key ({@code sk-kimi-}), for the hints of failures.
   *
   * @return true for a Kimi Code key
   */
  public boolean isKimiCode() {
    return value.startsWith(KIMI_CODE_PREFIX);
  }

  /**
   * Tells whether this is a Moonshot secret key ({@code sk-}), rather than a token such as Kimi
   * Code's OAuth access token, for the hints of failures.
   *
   * @return true for a secret key
   */
  public boolean isSecretKey() {
    return value.startsWith("sk-");
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ApiKey[***]";
  }
}
