package io.github.kimisdk.springai.autoconfigure;

import java.util.function.Supplier;

/**
 * Supplies the Kimi API key of the {@code KimiClient} the auto-configuration builds, when the key
 * changes while the application runs: a key a secret manager rotates, Kimi Code's OAuth access
 * token. A bean of this type takes the place of {@code spring.ai.kimi.api-key} (and of the
 * environment's key variables): the client asks it before every attempt, and once more after Kimi
 * refuses a key, so a rotated key is used without a restart ({@code KimiClient.Builder.apiKey(
 * Supplier)}). It is called on the thread that sends the attempt and should answer at once: keep
 * the key and refresh it ahead of its expiry. Set {@code spring.ai.kimi.base-url} too for Kimi Code
 * or the China platform, since no key tells the endpoint at start-up.
 *
 * <pre>{@code
 * @Bean
 * KimiApiKeySupplier kimiApiKey(SecretCache secrets) {
 *   return () -> secrets.get("kimi-api-key");   // the secret manager's cached value
 * }
 * }</pre>
 */
@FunctionalInterface
public interface KimiApiKeySupplier extends Supplier<String> {

  /**
   * Returns the key to send now.
   *
   * @return the key; one that is null, blank or malformed fails the call with a {@code
   *     ConfigurationException} that never holds it
   */
  @Override
  String get();
}
