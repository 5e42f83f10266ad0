package io.github.kimisdk.springai.autoconfigure;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
}
