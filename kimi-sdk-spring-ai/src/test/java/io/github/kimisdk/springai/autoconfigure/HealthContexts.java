package io.github.kimisdk.springai.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contexts of the health and metrics tests, with Spring Boot 4's health endpoint and metrics,
 * and what they say in terms of neither line ({@link Seen}); kimi-sdk-spring-ai-boot3 has a class
 * of this name and these members with Spring Boot 3's, so the shared tests run on both.
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

  private static Seen seen(HealthDescriptor d) {
    if (d == null) {
      return null;
    }
    if (d instanceof CompositeHealthDescriptor c) {
      return new Seen(c.getStatus().getCode(), Map.of(), c.getComponents().keySet());
    }
    IndicatedHealthDescriptor i = (IndicatedHealthDescriptor) d;
    return new Seen(i.getStatus().getCode(), i.getDetails(), Set.of());
  }

  private static Seen seen(Health h) {
    return new Seen(h.getStatus().getCode(), h.getDetails(), Set.of());
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
