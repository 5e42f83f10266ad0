package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Adds Kimi to the application's health ({@code /actuator/health/kimi}) when Spring Boot's health
 * support is on the class path (Spring Boot Actuator brings it) and the application has one {@link
 * KimiClient}, its own or the auto-configured one. Each check asks {@code GET /models} through the
 * client's {@code ping()}: no tokens, no chat call, at most 5 seconds, never retried; up when Kimi
 * answers and accepts the key, down otherwise, with the status ({@code BAD_KEY}, {@code
 * UNREACHABLE}, {@code ERROR}), the HTTP status, the SDK's message and Kimi's request id as
 * details. {@code management.health.kimi.enabled=false} turns it off; a bean named {@code
 * kimiHealthIndicator} replaces it.
 */
@AutoConfiguration(after = KimiAutoConfiguration.class)
@ConditionalOnClass({KimiClient.class, HealthIndicator.class})
@ConditionalOnSingleCandidate(KimiClient.class)
@ConditionalOnEnabledHealthIndicator(KimiHealthAutoConfiguration.NAME)
public class KimiHealthAutoConfiguration {

  /** The name Kimi has in the application's health: {@value}. */
  public static final String NAME = "kimi";

  /** Creates the configuration; Spring does. */
  public KimiHealthAutoConfiguration() {}

  /**
   * Makes Kimi's health indicator.
   *
   * @param client the application's client
   * @return the indicator, contributing as {@value #NAME}
   */
  @Bean
  @ConditionalOnMissingBean(name = "kimiHealthIndicator")
  public HealthIndicator kimiHealthIndicator(KimiClient client) {
    return new KimiHealthIndicator(client);
  }
}
