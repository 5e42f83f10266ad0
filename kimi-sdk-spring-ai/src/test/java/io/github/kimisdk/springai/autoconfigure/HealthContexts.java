package io.github.kimisdk.springai.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** The contexts of the health tests, with Spring Boot 4's health endpoint. */
final class HealthContexts {

  private HealthContexts() {}

  /**
   * A runner as {@link Contexts#withoutEnvironmentVariables()}, with Kimi's client, its health
   * indicator and Spring Boot's health endpoint.
   */
  static ApplicationContextRunner withKimiHealth() {
    return Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(
                KimiAutoConfiguration.class,
                KimiHealthAutoConfiguration.class,
                HealthContributorRegistryAutoConfiguration.class,
                HealthContributorAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class));
  }

  /** Kimi's indicator in its group, {@code /actuator/health/kimi/kimiApi}. */
  static IndicatedHealthDescriptor kimiHealth(ApplicationContext context) {
    return (IndicatedHealthDescriptor)
        context.getBean(HealthEndpoint.class).healthForPath("kimi", "kimiApi");
  }
}
