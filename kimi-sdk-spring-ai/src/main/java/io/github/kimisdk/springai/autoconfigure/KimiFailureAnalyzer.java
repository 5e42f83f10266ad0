package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.springai.KimiChatModel;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Tells, in Kimi's words, why an application failed to start: it needs Kimi's chat model (or its
 * client, or anything they would have made, such as {@code ChatClient.Builder}) and no Kimi API key
 * is set; or it sets options under Spring AI 1's {@code spring.ai.kimi.chat.options.*}. Ordered
 * before Spring Boot's analyzer of missing beans, which would only say that a {@code ChatModel}
 * bean could not be found.
 */
final class KimiFailureAnalyzer implements FailureAnalyzer, Ordered {

  private final Environment environment;

  /**
   * Creates the analyzer; Spring Boot does, with the failed application's environment.
   *
   * @param environment the environment
   */
  KimiFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SpringAi1SpellingException old) {
        return spelling(old);
      }
      if (t instanceof NoSuchBeanDefinitionException missing && kimiWouldHaveMadeIt(missing)) {
        return missingKey(missing, failure);
      }
    }
    return null;
  }

  /**
   * The missing bean is of a type Kimi's auto-configuration makes, and it made none for want of a
   * key.
   */
  private boolean kimiWouldHaveMadeIt(NoSuchBeanDefinitionException missing) {
    Class<?> type =
        missing.getResolvableType() == null ? null : missing.getResolvableType().resolve();
    if (type == null) {
      return false;
    }
    // Kimi's types and Spring AI's interfaces they implement, never a JDK one (AutoCloseable)
    String name = type.getName();
    boolean kimisType =
        (name.startsWith("io.github.kimisdk.") || name.startsWith("org.springframework.ai."))
            && (type.isAssignableFrom(KimiChatModel.class)
                || type.isAssignableFrom(KimiClient.class));
    String chosen = environment.getProperty(SpringAIModelProperties.CHAT_MODEL);
    boolean kimiChosen = chosen == null || KimiAutoConfiguration.MODEL_NAME.equals(chosen);
    return kimisType && kimiChosen && KimiEnvironment.key(environment) == null;
  }

  private static FailureAnalysis missingKey(
      NoSuchBeanDefinitionException missing, Throwable failure) {
    String type = missing.getResolvableType().resolve().getName();
    String description =
        "No Kimi API key is set, so kimi-sdk-spring-ai made no KimiClient and no Kimi chat model,"
            + " and this application needs a bean of type '"
            + type
            + "'.";
    String action =
        "Set the property "
            + KimiEnvironment.API_KEY
            + " (as an environment variable: "
            + KimiEnvironment.API_KEY_VARIABLE
            + ") to your Kimi API key, from https://platform.moonshot.ai/console/api-keys; or set "
            + String.join(" or ", KimiEnvironment.KEY_VARIABLES)
            + " in the environment, as KimiClient.fromEnv() reads them. Or define a KimiClient bean"
            + " of your own; or, to use another provider's chat model, set "
            + SpringAIModelProperties.CHAT_MODEL
            + " to its name.";
    return new FailureAnalysis(description, action, failure);
  }

  private static FailureAnalysis spelling(SpringAi1SpellingException old) {
    return new FailureAnalysis(
        "Kimi's chat options are set under "
            + SpringAi1SpellingException.OLD_PREFIX
            + ".*, Spring AI 1's spelling, which kimi-sdk-spring-ai (for Spring AI 2) does not"
            + " read: "
            + String.join(", ", old.renames())
            + ".",
        "Spell them as Spring AI 2 does, directly under "
            + KimiChatProperties.PREFIX
            + ".*, such as "
            + KimiChatProperties.PREFIX
            + ".model=kimi-k3.",
        old);
  }
}
