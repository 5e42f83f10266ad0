package io.github.kimisdk.springai.autoconfigure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.actuate.health.HealthEndpointWebExtension;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The contexts of the shared health and metrics tests, with Spring Boot 3's health endpoint
 * (Actuator's {@code org.springframework.boot.actuate.health}) and metrics, and what they say in
 * terms of neither line ({@link Seen}): the same members as kimi-sdk-spring-ai's class of this
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

  /** The class of a health indicator on this line, for a class loader that hides it. */
  static final Class<?> INDICATOR = HealthIndicator.class;

  /** The auto-configurations of Spring Boot's metrics with a simple registry, on this line. */
  static final Class<?>[] METRICS = {
    MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class
  };

  /**
   * A health as the shared tests read it on either line: its status's code, its details, and the
   * names of its components (a group's, the root's).
   *
   * @param status the status, such as {@code UP}
   * @param details the details; empty for a composite
   * @param components the components' names; empty for an indicator
   */
  record Seen(String status, Map<String, Object> details, Set<String> components) {}

  private static Seen seen(HealthComponent d) {
    if (d == null) {
      return null;
    }
    if (d instanceof CompositeHealth c) {
      return new Seen(c.getStatus().getCode(), Map.of(), c.getComponents().keySet());
    }
    Health i = (Health) d;
    return new Seen(i.getStatus().getCode(), i.getDetails(), Set.of());
  }

  /** What {@code /actuator/health} says (the health endpoint, every detail shown). */
  static Seen root(ApplicationContext context) {
    return seen(context.getBean(HealthEndpoint.class).health());
  }

  /** What {@code /actuator/health/<path>} says; null where there is nothing. */
  static Seen at(ApplicationContext context, String... path) {
    return seen(context.getBean(HealthEndpoint.class).healthForPath(path));
  }

  /** Kimi's indicator in its group, {@code /actuator/health/kimi/kimiApi}. */
  static Seen kimi(ApplicationContext context) {
    return at(context, "kimi", "kimiApi");
  }

  /** What the application's bean {@code kimiApiHealthIndicator} says when asked now. */
  static Seen indicator(ApplicationContext context) {
    return seen(context.getBean("kimiApiHealthIndicator", HealthIndicator.class).health());
  }

  /** What {@code indicator} says when asked now. */
  static Seen of(KimiHealthIndicator indicator) {
    return seen(indicator.health());
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
