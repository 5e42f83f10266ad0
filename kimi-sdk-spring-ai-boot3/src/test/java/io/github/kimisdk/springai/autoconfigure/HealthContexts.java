package io.github.kimisdk.springai.autoconfigure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.Principal;
import java.time.Duration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.actuate.health.HealthEndpointWebExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The contexts of the shared health tests, with Spring Boot 3's health endpoint (Actuator's {@code
 * org.springframework.boot.actuate.health}): the same methods as kimi-sdk-spring-ai's class of this
 * name, which has Spring Boot 4's.
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
                HealthContributorAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class));
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
  static Answer web(ApplicationContext context, boolean authenticated, String... path)
      throws JsonProcessingException {
    HealthEndpointWebExtension web =
        new HealthEndpointWebExtension(
            context.getBean(HealthContributorRegistry.class),
            context.getBean(HealthEndpointGroups.class),
            Duration.ofSeconds(10));
    WebEndpointResponse<HealthComponent> r =
        web.health(
            ApiVersion.V3,
            WebServerNamespace.SERVER,
            authenticated ? AUTHENTICATED : SecurityContext.NONE,
            path);
    return new Answer(
        r.getStatus(),
        r.getBody() == null ? null : new ObjectMapper().writeValueAsString(r.getBody()));
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
