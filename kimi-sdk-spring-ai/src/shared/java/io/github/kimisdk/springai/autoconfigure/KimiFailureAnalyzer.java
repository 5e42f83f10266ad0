package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.springai.KimiChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.PlaceholderResolutionException;

/**
 * Tells, in Kimi's words, why an application failed to start: it needs Kimi's chat model (or its
 * client, or anything they would have made, such as {@code ChatClient.Builder}) and no Kimi API key
 * is set; or it sets options under Spring AI 1's {@code spring.ai.kimi.chat.options.*}; or the
 * {@code spring.ai.kimi.chat.*} options are ones the client would refuse every call with (the
 * call's words); or the client cannot be built from {@code spring.ai.kimi.*} (the SDK's words); or
 * the key property names a placeholder nothing sets; or {@code spring.ai.kimi.rate-limit.account}
 * is set without a limit or a store to share it in; or a host ({@code spring.ai.kimi.host}, {@code
 * spring.ai.kimi.fallback[n].*}) cannot be made or its target cannot be built (each naming the
 * properties at fault, never a key). Ordered before Spring Boot's analyzer of missing beans, which
 * would only say that a {@code ChatModel} bean could not be found.
 */
final class KimiFailureAnalyzer implements FailureAnalyzer, Ordered {

  /** The auto-configuration's bean names (its methods'). */
  private static final String KIMI_CLIENT = "kimiClient";

  private static final String KIMI_CHAT_MODEL = "kimiChatModel";

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
    String bean = null; // the innermost bean whose creation failed
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BeanCreationException creation && creation.getBeanName() != null) {
        bean = creation.getBeanName();
      }
      if (t instanceof SpringAi1SpellingException old) {
        return spelling(old);
      }
      if (t instanceof KimiSettingsException settings) {
        return new FailureAnalysis(settings.description(), settings.action(), failure);
      }
      if (t instanceof PlaceholderResolutionException unresolved) {
        FailureAnalysis keyPlaceholder = unresolvedKey(unresolved, failure);
        if (keyPlaceholder != null) {
          return keyPlaceholder;
        }
      }
      if (t instanceof NoSuchBeanDefinitionException missing && kimiWouldHaveMadeIt(missing)) {
        return missingKey(missing, failure);
      }
      if (t instanceof PreflightException refused && KIMI_CHAT_MODEL.equals(bean)) {
        return refusedOptions(refused, failure);
      }
      if (t instanceof ConfigurationException wrong && KIMI_CLIENT.equals(bean)) {
        return wrongConnection(wrong, failure);
      }
    }
    return null;
  }

  /**
   * The auto-configured chat model's default options, from {@code spring.ai.kimi.chat.*}, are ones
   * the client refuses every call with: the call's own words, and the properties set.
   */
  private FailureAnalysis refusedOptions(PreflightException refused, Throwable failure) {
    List<String> set = new ArrayList<>();
    for (String name :
        Binder.get(environment)
            .bind(KimiChatProperties.PREFIX, Bindable.mapOf(String.class, Object.class))
            .orElse(Map.of())
            .keySet()) {
      set.add(KimiChatProperties.PREFIX + "." + name);
    }
    return new FailureAnalysis(
        "Kimi's chat model was built with default options ("
            + KimiChatProperties.PREFIX
            + ".*) that the client refuses every call with, in these words: "
            + refused.getMessage(),
        "Change the "
            + KimiChatProperties.PREFIX
            + ".* properties as the description says"
            + (set.isEmpty() ? "" : " (set here: " + String.join(", ", set) + ")")
            + ": leave unset what the model fixes, use a value the model takes, or choose a model"
            + " that takes them with "
            + KimiChatProperties.PREFIX
            + ".model."
            + (refused.getMessage().contains("KimiClient.Builder.deliberateFields")
                ? " A field Kimi would take and ignore is sent as it is when "
                    + KimiConnectionProperties.PREFIX
                    + ".deliberate-fields names it (for a relay that reads it, or a newer Kimi)."
                : ""),
        failure);
  }

  /**
   * The auto-configured client could not be built from {@code spring.ai.kimi.*} (a base URL on
   * Moonshot's hosts without {@code /v1}, a key for another surface): the SDK's words, and where
   * the value came from.
   */
  private FailureAnalysis wrongConnection(ConfigurationException wrong, Throwable failure) {
    String baseUrl =
        environment.getProperty(KimiEnvironment.BASE_URL) != null
            ? KimiEnvironment.BASE_URL
            : environment.getProperty(KimiEnvironment.BASE_URL_VARIABLE) != null
                ? KimiEnvironment.BASE_URL_VARIABLE
                : null;
    KimiEnvironment.Key key = KimiEnvironment.key(environment);
    List<String> sources = new ArrayList<>();
    if (!environment.getProperty(KimiEnvironment.HOST, "").isBlank()) {
      sources.add(KimiEnvironment.HOST);
    }
    if (baseUrl != null) {
      sources.add(baseUrl);
    }
    if (key != null) {
      sources.add(key.source());
    }
    return new FailureAnalysis(
        "Kimi's client could not be built from "
            + (sources.isEmpty()
                ? "the " + KimiConnectionProperties.PREFIX + ".* properties"
                : listed(sources, " and "))
            + ": "
            + wrong.getMessage(),
        "Set "
            + listed(sources.isEmpty() ? List.of(KimiEnvironment.BASE_URL) : sources, " or ")
            + " as the description says (the base URL of Moonshot's global platform is "
            + Endpoint.GLOBAL.baseUrl()
            + ").",
        failure);
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}, with {@code last} before the last. */
  private static String listed(List<String> items, String last) {
    int n = items.size();
    return n < 2
        ? String.join("", items)
        : String.join(", ", items.subList(0, n - 1)) + last + items.get(n - 1);
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

  /** The name in a placeholder failure's message: {@code Could not resolve placeholder 'X'}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("placeholder '([^']*)'");

  /**
   * The key property names a placeholder nothing sets ({@code
   * spring.ai.kimi.api-key=${MOONSHOT_API_KEY}} without that variable): said with the placeholder's
   * name alone, since the value around it could hold part of a key; null when the key property
   * resolves, so the placeholder is someone else's.
   */
  private FailureAnalysis unresolvedKey(PlaceholderResolutionException unresolved, Throwable f) {
    try {
      environment.getProperty(KimiEnvironment.API_KEY);
      return null;
    } catch (IllegalArgumentException keyUnresolved) {
      // PlaceholderResolutionException is one: the key property is the one that failed
    }
    Matcher m = PLACEHOLDER.matcher(String.valueOf(unresolved.getMessage()));
    String name = m.find() ? m.group(1) : null;
    return new FailureAnalysis(
        "Kimi's API key property "
            + KimiEnvironment.API_KEY
            + " names a placeholder"
            + (name == null ? "" : ", ${" + name + "},")
            + " that nothing sets (no property, system property or environment variable of that"
            + " name), so no Kimi client can be made.",
        "Set "
            + (name == null ? "the placeholder's variable" : name)
            + " in the environment to your Kimi API key (from"
            + " https://platform.moonshot.ai/console/api-keys), or give the placeholder a default"
            + " (${"
            + (name == null ? "MOONSHOT_API_KEY" : name)
            + ":}) to start without Kimi. "
            + OFFLINE,
        f);
  }

  /** How to start without a real key, said after a missing one. */
  static final String OFFLINE =
      "To run offline against FakeKimiServer (kimi-sdk-testing, in a test or as a process), any"
          + " key will do: set "
          + KimiEnvironment.API_KEY
          + "=test and "
          + KimiEnvironment.BASE_URL
          + " to the fake's address, such as http://127.0.0.1:8089/v1.";

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
            + " to its name. "
            + OFFLINE;
    return new FailureAnalysis(description, action, failure);
  }

  private static FailureAnalysis spelling(SpringAi1SpellingException old) {
    return new FailureAnalysis(
        "Kimi's chat options are set under "
            + SpringAi1SpellingException.OLD_PREFIX
            + ".*, the spelling of Spring AI 1's own providers, which "
            + SpringLine.BUILT_FOR.module()
            + " does not read (on both Spring lines it reads Spring AI 2's flat spelling): "
            + String.join(", ", old.renames())
            + ".",
        "Spell them flat, directly under "
            + KimiChatProperties.PREFIX
            + ".*, such as "
            + KimiChatProperties.PREFIX
            + ".model=kimi-k3.",
        old);
  }
}
