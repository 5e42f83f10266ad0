package io.github.kimisdk.springai.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The contexts the auto-configuration tests of both Spring lines start. */
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
