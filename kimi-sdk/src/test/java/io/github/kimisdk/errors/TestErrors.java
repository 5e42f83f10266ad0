package io.github.kimisdk.errors;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.access.Exceptions;
import io.github.kimisdk.internal.client.TestConfig;
import io.github.kimisdk.internal.http.ErrorFactory;

/**
 * The SDK's exceptions for tests outside the {@code errors} package, where their constructors
 * cannot be called.
 */
@SuppressWarnings("exports") // a test fixture for the internal packages
public final class TestErrors {

  private TestErrors() {}

  /** Returns the constructors of the exceptions. */
  public static Exceptions exceptions() {
    return Errors.exceptions();
  }

  /** Returns the error factory of a client of {@link Endpoint#GLOBAL} with default timeouts. */
  public static ErrorFactory factory() {
    return factory(Endpoint.GLOBAL, false, "kimi-sdk-java/test", Timeouts.defaults());
  }

  /**
   * Returns the error factory of a client with these settings; its key is a short test key ({@code
   * sk-kimi-test} for a Kimi Code key), redacted only after {@code Bearer}.
   */
  public static ErrorFactory factory(
      Endpoint endpoint, boolean kimiCodeKey, String userAgent, Timeouts timeouts) {
    return ErrorFactory.of(
        Errors.exceptions(),
        TestConfig.builder(endpoint, kimiCodeKey ? "sk-kimi-test" : "sk-test")
            .userAgent(userAgent)
            .timeouts(timeouts)
            .build(),
        null);
  }

  /** Returns a connection failure with {@code message}. */
  public static ConnectionException connection(String message) {
    return new ConnectionException(message, null, null);
  }
}
