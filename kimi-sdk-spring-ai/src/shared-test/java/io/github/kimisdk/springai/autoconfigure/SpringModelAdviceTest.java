package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.model.ModelCatalog;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The auto-configured client's warning about a model its table does not hold gives a Spring
 * application Spring's fix (the property, a customizer bean), not the SDK's Java one; other lines
 * pass unchanged.
 */
class SpringModelAdviceTest {

  @Test
  void theSdksWarningEndsWithTheAdviceThisRewords() {
    assertThat(ModelCatalog.defaults().warning("kimi-k2.6x").orElseThrow())
        .endsWith(SpringModelAdvice.JAVA_ADVICE);
  }

  @Test
  void anUnknownModelsAdviceNamesThePropertyAndACustomizerBean() {
    Lines sdk = new Lines();
    System.Logger logger = new SpringModelAdvice(sdk);
    logger.log(
        System.Logger.Level.WARNING,
        ModelCatalog.defaults().warning("kimi-k2.6x").orElseThrow()
            + " (logged once per client and model)");
    logger.log(System.Logger.Level.WARNING, "Model kimi-k2.5 was retired on 2026-08-31");
    logger.log(System.Logger.Level.DEBUG, () -> "POST /chat/completions attempt 1");

    assertThat(sdk.lines).hasSize(3);
    assertThat(sdk.lines.get(0))
        .startsWith(
            "Model kimi-k2.6x is not in this client's model table (did you mean kimi-k2.6?)")
        .contains("check spring.ai.kimi.chat.model")
        .contains("KimiClientCustomizer bean")
        .contains("ModelInfo.builder(\"kimi-k2.6x\")")
        .doesNotContain(SpringModelAdvice.JAVA_ADVICE)
        .endsWith("(logged once per client and model)");
    assertThat(sdk.lines.get(1)).isEqualTo("Model kimi-k2.5 was retired on 2026-08-31");
    assertThat(sdk.lines.get(2)).isEqualTo("POST /chat/completions attempt 1");
  }

  /** The lines the SDK's logger would have written. */
  static final class Lines implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "io.github.kimisdk.http";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(format);
    }
  }
}
