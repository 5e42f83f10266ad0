package io.github.kimisdk.springai.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
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
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contexts of the health and metrics tests, with Spring Boot 4's health endpoint and metrics,
 * and what they say as {@link HealthViews} reads it (the shared tests' terms, neither line's);
 * kimi-sdk-spring-ai-boot3 has a class of this name and these members with Spring Boot 3's.
 */
final class HealthContexts extends HealthViews {

  private HealthContexts() {}

  /** Spring Boot's auto-configurations of health and its endpoint, on this line. */
  static final Class<?>[] HEALTH = {
    HealthContributorRegistryAutoConfiguration.class,
    HealthContributorAutoConfiguration.class,
    HealthEndpointAutoConfiguration.class
  };

  /** The class of a health indicator on this line, for a class loader that hides it. */
  static final Class<?> INDICATOR = HealthIndicator.class;

  /** The auto-configurations of Spring Boot's metrics with a simple registry, on this line. */
  static final Class<?>[] METRICS = {
    MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class
  };

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

  /**
   * What the health endpoint says at {@code path} below {@code /actuator/health} (none: the root).
   */
  static Seen endpoint(ApplicationContext context, String... path) {
    HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
    return seen(path.length == 0 ? endpoint.health() : endpoint.healthForPath(path));
  }

  /** What a health indicator of this line says when asked now. */
  static Seen healthOf(Object indicator) {
    return seen(((HealthIndicator) indicator).health());
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
}
