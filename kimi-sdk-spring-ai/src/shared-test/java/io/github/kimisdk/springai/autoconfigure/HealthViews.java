package io.github.kimisdk.springai.autoconfigure;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * What the shared health tests read, in terms of neither Spring line ({@link Seen}, {@link
 * Answer}), over each line's {@code HealthContexts}, which extends this class with the line's
 * health endpoint and metrics: its auto-configurations ({@code HEALTH}, {@code METRICS}), what its
 * endpoint and indicators say ({@code endpoint}, {@code healthOf}) and what its web endpoint
 * answers ({@code web}). The tests name {@code HealthContexts} alone.
 */
abstract class HealthViews {

  HealthViews() {}

  /**
   * A health as the shared tests read it on either line: its status's code, its details, and the
   * names of its components (a group's, the root's).
   *
   * @param status the status, such as {@code UP}
   * @param details the details; empty for a composite
   * @param components the components' names; empty for an indicator
   */
  record Seen(String status, Map<String, Object> details, Set<String> components) {}

  /**
   * An answer of the health endpoint over HTTP.
   *
   * @param status the HTTP status
   * @param json the body, or null for none
   */
  record Answer(int status, String json) {}

  /**
   * A runner as {@link Contexts#withoutEnvironmentVariables()}, with Kimi's client, its health
   * indicator and Spring Boot's health endpoint.
   */
  static ApplicationContextRunner withKimiHealth() {
    return Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(KimiAutoConfiguration.class, KimiHealthAutoConfiguration.class))
        .withConfiguration(AutoConfigurations.of(HealthContexts.HEALTH));
  }

  /** What {@code /actuator/health} says (the health endpoint, every detail shown). */
  static Seen root(ApplicationContext context) {
    return HealthContexts.endpoint(context);
  }

  /** What {@code /actuator/health/<path>} says; null where there is nothing. */
  static Seen at(ApplicationContext context, String... path) {
    return HealthContexts.endpoint(context, path);
  }

  /** Kimi's indicator in its group, {@code /actuator/health/kimi/kimiApi}. */
  static Seen kimi(ApplicationContext context) {
    return at(context, "kimi", "kimiApi");
  }

  /** What the application's bean {@code kimiApiHealthIndicator} says when asked now. */
  static Seen indicator(ApplicationContext context) {
    return HealthContexts.healthOf(context.getBean("kimiApiHealthIndicator"));
  }

  /** What {@code indicator} says when asked now. */
  static Seen of(KimiHealthIndicator indicator) {
    return HealthContexts.healthOf(indicator);
  }

  /** An authenticated caller, in every role, for {@code web}. */
  static final SecurityContext AUTHENTICATED =
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
}
