package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import java.util.ResourceBundle;

/**
 * The auto-configured client's logger (the SDK's own, {@value KimiClient#LOGGER_NAME}), which words
 * the client's warning about a model its table does not hold for a Spring application: the SDK's
 * advice ({@code ModelCatalog.with(...)} in Java) becomes the property to check and the bean that
 * adds the model ({@link KimiClientCustomizer}). Every other line passes as it is. A customizer
 * that sets a logger of its own replaces this one.
 */
final class SpringModelAdvice implements System.Logger {

  /** The SDK's advice, at the end of its warning about a model its table does not hold. */
  static final String JAVA_ADVICE =
      "if Kimi serves it, add it with ModelCatalog.with(...) or updated(kimi.models().list())";

  private final System.Logger sdk;

  SpringModelAdvice(System.Logger sdk) {
    this.sdk = sdk;
  }

  /** The SDK's logger, as the client would have used it. */
  static SpringModelAdvice ofTheSdk() {
    return new SpringModelAdvice(System.getLogger(KimiClient.LOGGER_NAME));
  }

  /** The line with the SDK's advice about an unknown model in Spring's terms; else the line. */
  static String reword(String line) {
    if (line == null || !line.startsWith("Model ") || !line.contains(JAVA_ADVICE)) {
      return line;
    }
    int end = line.indexOf(' ', "Model ".length());
    String model = line.substring("Model ".length(), end < 0 ? line.length() : end);
    return line.replace(
        JAVA_ADVICE,
        "check "
            + KimiChatProperties.PREFIX
            + ".model (or the model a request's options name); if Kimi serves it, add it to the"
            + " client's model table with a KimiClientCustomizer bean: builder ->"
            + " builder.catalog(ModelCatalog.defaults().with(ModelInfo.builder(\""
            + model
            + "\").build()))");
  }

  @Override
  public String getName() {
    return sdk.getName();
  }

  @Override
  public boolean isLoggable(Level level) {
    return sdk.isLoggable(level);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    sdk.log(level, bundle, reword(msg), thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    sdk.log(level, bundle, reword(format), params);
  }
}
