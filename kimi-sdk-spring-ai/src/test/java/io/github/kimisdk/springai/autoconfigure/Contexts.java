package io.github.kimisdk.springai.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The contexts the auto-configuration tests start. */
final class Contexts {

  private Contexts() {}

  /**
   * A runner whose contexts do not see the process's environment variables, so a MOONSHOT_API_KEY
   * set where the tests run changes nothing; a test sets such a variable as a property of that
   * name.
   */
  static ApplicationContextRunner withoutEnvironmentVariables() {
    return new ApplicationContextRunner()
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME));
  }

  /**
   * A runner as {@link #withoutEnvironmentVariables()}, with Kimi's client, its health indicator
   * and Spring Boot's health endpoint.
   */
  static ApplicationContextRunner withKimiHealth() {
    return withoutEnvironmentVariables()
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

  /**
   * The analyzer as Spring Boot makes it for a failed start: with the application's environment
   * (here the given properties, {@code name=value}, without the process's environment variables).
   */
  static KimiFailureAnalyzer analyzer(String... properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    Map<String, Object> values = new LinkedHashMap<>();
    for (String p : properties) {
      int eq = p.indexOf('=');
      values.put(p.substring(0, eq), p.substring(eq + 1));
    }
    environment.getPropertySources().addFirst(new MapPropertySource("test", values));
    return new KimiFailureAnalyzer(environment);
  }
}
