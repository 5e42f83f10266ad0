package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;

/**
 * Customizes the {@link KimiClient} the auto-configuration builds, after the {@code spring.ai.kimi}
 * properties were applied: a bean of this type adds a call listener, an interceptor, a retry
 * policy, a shared rate limit, without giving up the properties.
 *
 * <pre>{@code
 * @Bean
 * KimiClientCustomizer responseCache() {
 *   return builder -> builder.interceptor(new MyResponseCache());
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
