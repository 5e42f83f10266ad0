package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.opentelemetry.KimiTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Installs kimi-sdk-opentelemetry ({@link KimiTelemetry}) on the {@code KimiClient} that {@link
 * KimiAutoConfiguration} builds, when that artifact is on the class path and the application has an
 * {@link OpenTelemetry} bean (Spring Boot's OpenTelemetry starter, the OpenTelemetry Spring Boot
 * starter, or the application's own): a GenAI client span per call, the two GenAI metrics, and the
 * W3C trace context on every request, and the state of the budgets of {@code
 * spring.ai.kimi.budgets.*} as metrics ({@code kimi.budget.*}). A bean named {@code
 * kimiTelemetryCustomizer} of the application's replaces it.
 */
@AutoConfiguration(
    before = KimiAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"
    })
@ConditionalOnClass(
    name = {"io.github.kimisdk.opentelemetry.KimiTelemetry", "io.opentelemetry.api.OpenTelemetry"})
public class KimiOpenTelemetryAutoConfiguration {

  // The budgets of spring.ai.kimi.budgets.*, whose state the telemetry reports as metrics.
  @Autowired private ObjectProvider<KimiBudgets> budgets;

  /** Creates the configuration; Spring does. */
  public KimiOpenTelemetryAutoConfiguration() {}

  /**
   * Adds the telemetry's interceptors to the client's builder.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return the customizer
   */
  @Bean
  @ConditionalOnBean(OpenTelemetry.class)
  @ConditionalOnMissingBean(name = "kimiTelemetryCustomizer")
  public KimiClientCustomizer kimiTelemetryCustomizer(OpenTelemetry openTelemetry) {
    KimiTelemetry.Builder b = KimiTelemetry.builder(openTelemetry);
    KimiBudgets counted = budgets == null ? null : budgets.getIfAvailable();
    if (counted != null) {
      counted.budgets().forEach(b::budget);
    }
    KimiTelemetry telemetry = b.build();
    return telemetry::install;
  }
}
