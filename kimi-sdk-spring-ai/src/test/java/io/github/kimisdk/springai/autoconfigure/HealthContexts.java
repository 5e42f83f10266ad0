package io.github.kimisdk.springai.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contexts of the health tests, with Spring Boot 4's health endpoint; kimi-sdk-spring-ai-boot3
 * has a class of this name and these methods with Spring Boot 3's, so the shared tests run on both.
 */
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

  /**
   * What an HTTP client reads at {@code /actuator/health/<path>}: the web endpoint's status and its
   * body as JSON, for an anonymous caller or an authenticated one (any role).
   *
   * @param context the application
   * @param authenticated whether the caller is authenticated
   * @param path the path below {@code /actuator/health}, such as {@code kimi}
   * @return the answer; a null body is a 404
   */
  static Answer web(ApplicationContext context, boolean authenticated, String... path) {
    HealthEndpointWebExtension web =
        new HealthEndpointWebExtension(
            context.getBean(HealthContributorRegistry.class),
            context.getBeanProvider(ReactiveHealthContributorRegistry.class).getIfAvailable(),
            context.getBean(HealthEndpointGroups.class),
            Duration.ofSeconds(10));
    WebEndpointResponse<HealthDescriptor> r =
        web.health(
            ApiVersion.V3,
            WebServerNamespace.SERVER,
            authenticated ? AUTHENTICATED : SecurityContext.NONE,
            path);
    return new Answer(
        r.getStatus(),
        r.getBody() == null ? null : JsonMapper.builder().build().writeValueAsString(r.getBody()));
  }

  /** An authenticated caller, in every role. */
  private static final SecurityContext AUTHENTICATED =
      new SecurityContext() {
        @Override
        public Principal getPrincipal() {
          return () -> "operator";
        }

        @Override
        public boolean isUserInRole(String role) {
          return true;
        }
      };

  /**
   * An answer of the health endpoint over HTTP.
   *
   * @param status the HTTP status
   * @param json the body, or null for none
   */
  record Answer(int status, String json) {}
}
