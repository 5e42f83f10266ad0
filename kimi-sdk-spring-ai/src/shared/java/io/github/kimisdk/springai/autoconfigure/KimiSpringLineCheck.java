package io.github.kimisdk.springai.autoconfigure;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Stops the start of an application that runs another Spring line than this jar is built for (the
 * Spring Boot 4 starter in a Spring Boot 3.5 application, say), before any of Kimi's classes meets
 * a class that line lacks: Spring Boot's failure report then names the artifact to use instead
 * ({@link KimiFailureAnalyzer}), where the application would otherwise fail on a {@code
 * ClassNotFoundException}. It runs first among the initializers of a {@code SpringApplication}
 * (registered in {@code META-INF/spring.factories}) and uses only what both lines have; on the
 * right line it costs two class look-ups.
 */
final class KimiSpringLineCheck
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  private static final String CHAT_MODEL = "org.springframework.ai.chat.model.ChatModel";

  /** Creates the check; Spring Boot does. */
  KimiSpringLineCheck() {}

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ClassLoader loader = context.getClassLoader();
    if (!ClassUtils.isPresent(CHAT_MODEL, loader)) {
      return; // no Spring AI: the auto-configuration stays out (it is conditional on it)
    }
    String[] wrong =
        SpringLines.mismatch(
            SpringLine.BUILT_FOR,
            name -> ClassUtils.isPresent(name, loader),
            springAiVersion(loader));
    if (wrong != null) {
      throw new KimiSettingsException(wrong[0], wrong[1]);
    }
  }

  /** Spring AI's version, as its jar's manifest says; null when it does not. */
  private static String springAiVersion(ClassLoader loader) {
    try {
      return ClassUtils.forName(CHAT_MODEL, loader).getPackage().getImplementationVersion();
    } catch (ClassNotFoundException | LinkageError unreadable) {
      return null;
    }
  }
}
