package io.github.kimisdk.opentelemetry;

/**
 * kimi-sdk-opentelemetry's rule for a host's provider name, reached from kimi-sdk-spring-ai's tests
 * (the same package on the test class path), so that both modules are held to one rule.
 */
public final class KimiTelemetrySpringParity {

  private KimiTelemetrySpringParity() {}

  /**
   * Returns the provider name kimi-sdk-opentelemetry gives a host.
   *
   * @param host the host's name
   * @return its provider name
   */
  public static String provider(String host) {
    return GenAi.provider(host);
  }
}
