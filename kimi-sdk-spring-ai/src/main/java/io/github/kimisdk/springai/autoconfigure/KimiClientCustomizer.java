package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;

/**
 * Customizes the {@link KimiClient} the auto-configuration builds, after the {@code spring.ai.kimi}
 * properties were applied: a bean of this type adds a call listener, a retry policy, a shared rate
 * limit, without giving up the properties.
 *
 * <pre>{@code
 * @Bean
 * KimiClientCustomizer genAiSpans(OpenTelemetry otel) {
 *   return builder -> builder.listener(new GenAiCallListener(otel));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface KimiClientCustomizer {

  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the key and base URL set
   */
  void customize(KimiClient.Builder builder);
}
