package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The contexts the auto-configuration tests of both Spring lines start (public for the README
 * suites of {@code io.github.kimisdk.springai}).
 */
public final class Contexts {

  private Contexts() {}

  /**
   * A runner whose contexts do not see the process's environment variables, so a MOONSHOT_API_KEY
   * set where the tests run changes nothing; a test sets such a variable as a property of that
   * name.
   */
  public static ApplicationContextRunner withoutEnvironmentVariables() {
    return new ApplicationContextRunner()
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME));
  }

  /**
   * A runner as {@link #withoutEnvironmentVariables()} with the given auto-configurations, whose
   * Kimi client has the key {@code sk-boot} and calls the fake.
   */
  static ApplicationContextRunner onFake(FakeKimiServer server, Class<?>... autoConfigurations) {
    return withoutEnvironmentVariables()
        .withConfiguration(AutoConfigurations.of(autoConfigurations))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", "spring.ai.kimi.base-url=" + server.baseUrl());
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

  /**
   * The failure analysis, by Kimi's analyzer, of a start of {@code runner} with {@code properties},
   * which must fail.
   */
  static FailureAnalysis failedStart(ApplicationContextRunner runner, String... properties) {
    FailureAnalysis[] analysis = new FailureAnalysis[1];
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              analysis[0] = analyzer(properties).analyze(context.getStartupFailure());
            });
    assertThat(analysis[0]).as("Kimi's failure analysis").isNotNull();
    return analysis[0];
  }
}
