package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A fallback list overridden in part for one environment: Spring Boot takes a list whole from the
 * source that wins, so one environment variable drops the other fields of the targets. The start
 * that fails then names the property that is missing, as the application spells it, and says why it
 * went missing.
 */
class KimiFallbackListTest {

  /** application.properties' list, and one variable that overrides one field of it. */
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
          .withPropertyValues(
              "spring.ai.kimi.api-key=sk-own-key",
              "spring.ai.kimi.fallback[0].model=kimi-k3",
              "spring.ai.kimi.fallback[0].api-key=sk-fallback-key")
          .withInitializer(
              context -> {
                var sources = context.getEnvironment().getPropertySources();
                sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
                sources.addFirst(
                    new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of(
                            "SPRING_AI_KIMI_FALLBACK_0_BASE_URL", "https://api.moonshot.cn/v1")));
              });

  @Test
  void aListOverriddenInPartNamesTheMissingPropertyAndWhyItIsMissing() {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis =
              new KimiFailureAnalyzer(new StandardEnvironment())
                  .analyze(context.getStartupFailure());

          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription())
              .contains("spring.ai.kimi.fallback[0]")
              .contains("spring.ai.kimi.fallback[0].api-key is not set")
              .contains("has no API key")
              .doesNotContain(
                  "sk-own-key", "sk-fallback-key", "Target.apiKey", "fallback target 1");
          assertThat(analysis.getAction())
              .contains("Set spring.ai.kimi.fallback[0].api-key")
              .contains("Spring Boot replaces a list whole")
              .contains("SPRING_AI_KIMI_FALLBACK_0_BASE_URL")
              .doesNotContain("spring.ai.kimi.host", "sk-own-key", "sk-fallback-key");
        });
  }

  @Test
  void theWholeListInOneSourceStarts() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-own-key",
            "spring.ai.kimi.fallback[0].model=kimi-k3",
            "spring.ai.kimi.fallback[0].base-url=https://api.moonshot.cn/v1",
            "spring.ai.kimi.fallback[0].api-key=sk-fallback-key")
        .run(context -> assertThat(context).hasNotFailed());
  }
}
