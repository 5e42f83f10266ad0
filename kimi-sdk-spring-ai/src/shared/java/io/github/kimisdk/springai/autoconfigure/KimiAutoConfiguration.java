package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.budget.BudgetStore;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.springai.KimiTenants;
import io.github.kimisdk.springai.MdcContextPropagator;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configures Kimi for Spring AI when kimi-sdk and Spring AI are on the class path and {@code
 * spring.ai.model.chat} is unset or {@code kimi}:
 *
 * <ul>
 *   <li>a {@link KimiClient} from {@code spring.ai.kimi.api-key}, {@code spring.ai.kimi.host},
 *       {@code spring.ai.kimi.base-url}, {@code spring.ai.kimi.fallback[n].*} (its fallback
 *       targets), {@code spring.ai.kimi.retry.*} ({@link KimiConnectionProperties}) and {@code
 *       spring.ai.kimi.rate-limit.*} ({@link KimiRateLimitProperties}: with an {@code account},
 *       shared through the application's {@link RateLimitStore}, such as the one {@link
 *       KimiRedisRateLimitAutoConfiguration} keeps in its Redis; without the key property, from
 *       {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or {@code KIMI_CODING_API_KEY}, and {@code
 *       KIMI_BASE_URL}, as {@code KimiClient.fromEnv()} reads them; from the application's {@link
 *       KimiApiKeySupplier} bean, asked before every attempt, when it has one), customized by every
 *       {@link KimiClientCustomizer} bean, closed with the context, with SLF4J's MDC carried into
 *       every callback it runs on its own threads ({@link MdcContextPropagator}, the customizer
 *       {@code kimiMdcCustomizer}); only when a key is set to something other than blanks or a
 *       {@link KimiApiKeySupplier} bean exists, and only when the application defines no {@code
 *       KimiClient} of its own;
 *   <li>a {@link KimiChatModel} over the application's {@code KimiClient} (its own or the one
 *       above), with the {@code spring.ai.kimi.chat.*} options ({@link KimiChatProperties}), the
 *       application's {@link ObservationRegistry}, {@link ChatModelObservationConvention} and
 *       {@link KimiTenants} (for requests that name a tenant) if it has them; only when the
 *       application defines no {@link ChatModel} of its own.
 * </ul>
 *
 * <p>{@code ChatClient.Builder} comes from Spring AI's own auto-configuration ({@code
 * spring-ai-autoconfigure-model-chat-client}, brought by {@code kimi-sdk-spring-ai-starter}), over
 * this chat model; {@link KimiChatClientAutoConfiguration} makes its {@code entity(..)} use Kimi's
 * structured output. Retries are the client's alone ({@code spring.ai.kimi.retry.*}): the model is
 * not wrapped in Spring AI's {@code RetryTemplate}. Without a key, an application that needs the
 * chat model fails to start with a message naming {@code spring.ai.kimi.api-key}.
 */
@AutoConfiguration
@ConditionalOnClass({KimiClient.class, ChatModel.class})
@ConditionalOnProperty(
    name = SpringAIModelProperties.CHAT_MODEL,
    havingValue = KimiAutoConfiguration.MODEL_NAME,
    matchIfMissing = true)
@EnableConfigurationProperties({
  KimiConnectionProperties.class,
  KimiChatProperties.class,
  KimiRateLimitProperties.class,
  KimiBudgetProperties.class
})
public class KimiAutoConfiguration {

  /** The value of {@code spring.ai.model.chat} that selects Kimi: {@value}. */
  public static final String MODEL_NAME = "kimi";

  // Beans the bean methods read without a change to their published parameter lists: the
  // application's credential and its tenants, each optional.
  @Autowired private ObjectProvider<KimiApiKeySupplier> apiKeySupplier;
  @Autowired private ObjectProvider<KimiTenants> tenants;
  // The budgets of spring.ai.kimi.budgets.*, which the client counts its calls against.
  @Autowired private ObjectProvider<KimiBudgets> budgets;
  // What the line's chat model takes from the application besides (SpringLine.chatModel).
  @Autowired private BeanFactory beans;

  /** Creates the configuration; Spring does. */
  public KimiAutoConfiguration() {}

  /**
   * Builds the client from the properties: the key from the application's {@link
   * KimiApiKeySupplier} bean, asked before every attempt (so a rotated key needs no restart), else
   * from {@code spring.ai.kimi.api-key} (else {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or
   * {@code KIMI_CODING_API_KEY}), the host from {@code spring.ai.kimi.host} ({@link
   * io.github.kimisdk.host.Host#of(String, String)}; unset, Moonshot's) at the base URL from {@code
   * spring.ai.kimi.base-url} (else {@code KIMI_BASE_URL}), the retries from {@code
   * spring.ai.kimi.retry.*}, the rate limit from {@code spring.ai.kimi.rate-limit.*} (shared
   * through {@code store} when an account is set), the fallback targets from {@code
   * spring.ai.kimi.fallback[n].*}, in order (each with {@code replica=true} a replica of the one
   * before it), the own target's weight from {@code spring.ai.kimi.weight}, the fields sent
   * deliberately from {@code spring.ai.kimi.deliberate-fields}; then the customizers. A base URL on
   * Moonshot's hosts without {@code /v1} fails here, in the SDK's words; one on another host
   * without {@code /v1} is asked for {@code GET /models} once (no tokens, at most 3 s), and a 404
   * is logged as a warning.
   *
   * @param connection the {@code spring.ai.kimi.*} properties
   * @param environment the environment the key and base URL are read from
   * @param rateLimit the {@code spring.ai.kimi.rate-limit.*} properties
   * @param store the application's rate limit store, if it has one
   * @param customizers the application's customizers, applied in order
   * @return the client
   * @throws io.github.kimisdk.errors.ConfigurationException if the client cannot be built from
   *     these settings, such as a base URL on Moonshot's hosts without {@code /v1}
   * @throws IllegalStateException if {@code spring.ai.kimi.rate-limit.account} is set without a
   *     limit, or without a store to share it in; if a host named in {@code spring.ai.kimi.host} or
   *     {@code spring.ai.kimi.fallback[n].host} needs a base URL and has none, or its URL is
   *     malformed; or if the client cannot be built from a fallback target's settings (each naming
   *     the properties at fault)
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(OnApiKeyCondition.class)
  public KimiClient kimiClient(
      KimiConnectionProperties connection,
      Environment environment,
      KimiRateLimitProperties rateLimit,
      ObjectProvider<RateLimitStore> store,
      ObjectProvider<KimiClientCustomizer> customizers) {
    KimiClient.Builder builder =
        KimiClient.builder()
            // the SDK's own logger, its advice about a model the table lacks in Spring's terms
            .logger(SpringModelAdvice.ofTheSdk());
    KimiApiKeySupplier supplier = apiKeySupplier == null ? null : apiKeySupplier.getIfUnique();
    if (supplier != null) {
      builder.apiKey(supplier);
    } else {
      KimiEnvironment.Key key = KimiEnvironment.key(environment);
      if (key != null) {
        builder.apiKey(key.value());
      } // else the host is a team's own server, which runs without a key (OnApiKeyCondition)
    }
    String baseUrl = KimiEnvironment.baseUrl(environment);
    Host host = connection.toHost(baseUrl);
    if (host != null) {
      builder.host(host);
    } else if (baseUrl != null) {
      builder.baseUrl(baseUrl);
    }
    RetryPolicy retry = connection.getRetry().toPolicy();
    if (retry != null) {
      builder.retryPolicy(retry);
    }
    RateLimitStore shared = store.getIfUnique();
    RateLimit limit = rateLimit.toRateLimit(shared);
    if (limit != null) {
      builder.rateLimit(limit);
    }
    List<Target> targets = chain(builder, connection, shared);
    if (!connection.getDeliberateFields().isEmpty()) {
      builder.deliberateFields(connection.getDeliberateFields().toArray(String[]::new));
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    KimiBudgets counted = budgets == null ? null : budgets.getIfAvailable();
    if (counted != null && !counted.budgets().isEmpty()) {
      // after the customizers' interceptors: an attempt one of them answers is not counted
      builder.interceptor(Budget.interceptor(counted.budgets().toArray(Budget[]::new)));
    }
    KimiClient client;
    try {
      client = builder.build();
    } catch (ConfigurationException wrong) {
      throw fallbackAtFault(wrong, targets);
    }
    if (baseUrl != null) {
      String source =
          environment.getProperty(KimiEnvironment.BASE_URL, "").isBlank()
              ? KimiEnvironment.BASE_URL_VARIABLE
              : KimiEnvironment.BASE_URL;
      BaseUrlCheck.warning(client, source)
          .ifPresent(w -> LogFactory.getLog(KimiClient.LOGGER_NAME).warn(w));
    }
    return client;
  }

  /**
   * Makes the budgets of {@code spring.ai.kimi.budgets.<name>.*}, which the auto-configured client
   * counts its calls against and the OpenTelemetry auto-configuration reports; those with {@code
   * shared=true} kept in the application's {@link BudgetStore} (kimi-sdk-redis's, made on its
   * shared rate limit's Redis).
   *
   * @param properties the budgets' properties
   * @param store the application's store of budgets, if it has one
   * @return the budgets, none when no property is set
   * @throws IllegalStateException if a budget's properties are missing, contradict each other or
   *     are out of range, or a shared one has no store, naming the properties
   */
  @Bean
  @ConditionalOnMissingBean
  public KimiBudgets kimiBudgets(
      KimiBudgetProperties properties, ObjectProvider<BudgetStore> store) {
    return new KimiBudgets(properties.toBudgets(store.getIfUnique()));
  }

  /**
   * Adds the chain of {@code spring.ai.kimi.fallback[n].*} to {@code builder}, in order: each a
   * replica of the target before it ({@code replica=true}) or the next fallback; and the weight of
   * the client's own target ({@code spring.ai.kimi.weight}).
   *
   * @return the targets added, in order
   * @throws KimiSettingsException if a target cannot be made, a weight is out of range or the chain
   *     is longer than a client takes, naming the properties
   */
  static List<Target> chain(
      KimiClient.Builder builder, KimiConnectionProperties connection, RateLimitStore store) {
    Integer weight = connection.checkedWeight();
    if (weight != null) {
      builder.weight(weight);
    }
    List<Target> targets = new ArrayList<>();
    for (KimiConnectionProperties.Fallback f : connection.getFallback()) {
      int n = targets.size();
      Target target;
      try {
        target = f.toTarget(n, store);
      } catch (KimiSettingsException wrong) {
        throw new KimiSettingsException(
            wrong.description(), wrong.action() + " " + LIST_REPLACED_WHOLE, wrong);
      }
      try {
        if (f.isReplica()) {
          builder.replica(target);
        } else {
          builder.fallback(target);
        }
      } catch (ConfigurationException tooMany) {
        throw new KimiSettingsException(
            KimiConnectionProperties.Fallback.prefix(n)
                + " cannot be added: "
                + tooMany.getMessage(),
            "Remove fallback targets from " + KimiConnectionProperties.PREFIX + ".fallback.",
            tooMany);
      }
      targets.add(target);
    }
    return targets;
  }

  /**
   * What a fallback target that no longer builds so often means: its list was overridden in part.
   * Spring Boot binds a list from the one property source that has it with the highest precedence,
   * whole; the fields other sources set are dropped.
   */
  static final String LIST_REPLACED_WHOLE =
      "If "
          + KimiConnectionProperties.PREFIX
          + ".fallback is set in more than one place (application.properties and an environment"
          + " variable such as SPRING_AI_KIMI_FALLBACK_0_BASE_URL, or a profile's file), note that"
          + " Spring Boot replaces a list whole: the source that wins gives every target and every"
          + " field, and the fields set elsewhere are dropped. Set each target's fields all in one"
          + " place, or keep the list in one file and override one field with a placeholder there"
          + " (fallback[0].base-url=${KIMI_FALLBACK_0_BASE_URL:https://api.moonshot.ai/v1}).";

  /**
   * Names the fallback target whose settings the client's build refused (plain {@code http} to a
   * host that is not loopback, a key that does not fit its host) by its properties: the SDK's
   * message names the target as it prints ({@link Target#toString()}, never its key) or by its
   * host's name. A failure of the client's own settings is returned as it is, for {@link
   * KimiFailureAnalyzer} to name {@code spring.ai.kimi.*}.
   */
  static RuntimeException fallbackAtFault(ConfigurationException wrong, List<Target> targets) {
    String message = String.valueOf(wrong.getMessage());
    int atFault = -1;
    for (int n = 0; n < targets.size() && atFault < 0; n++) {
      if (message.contains(targets.get(n).toString())) {
        atFault = n;
      }
    }
    for (int n = 0; n < targets.size() && atFault < 0; n++) {
      // the SDK numbers the client's own target 0, so fallback[n] is its target n + 1
      if (message.contains("fallback target " + (n + 1) + " (")) {
        atFault = n;
      }
    }
    for (int n = 0; n < targets.size() && atFault < 0; n++) {
      String name = targets.get(n).host().name();
      boolean unique = targets.stream().filter(t -> t.host().name().equals(name)).count() == 1;
      if (unique && message.contains("fallback target " + name)) {
        atFault = n;
      }
    }
    if (atFault < 0) {
      return wrong;
    }
    String prefix = KimiConnectionProperties.Fallback.prefix(atFault);
    Target t = targets.get(atFault);
    if (!t.hasKey() && t.host().needsKey()) {
      return new KimiSettingsException(
          "Kimi's client could not be built from its fallback target "
              + prefix
              + " (host "
              + t.host().name()
              + " at "
              + t.host().endpoint().baseUrl()
              + "): it has no API key, and its host needs one; "
              + prefix
              + ".api-key is not set (a target never takes the client's key).",
          "Set "
              + prefix
              + ".api-key, such as "
              + prefix
              + ".api-key=${MOONSHOT_API_KEY}. "
              + LIST_REPLACED_WHOLE,
          wrong);
    }
    return new KimiSettingsException(
        "Kimi's client could not be built from its fallback target "
            + prefix
            + " ("
            + prefix
            + ".host, .base-url, .api-key): "
            + message,
        "Set "
            + prefix
            + ".base-url or .api-key as the description says: a host across a network takes"
            + " https:// (plain http:// goes to a loopback address only, unless a"
            + " KimiClientCustomizer calls allowPlainHttp(true), for a test setup only). "
            + LIST_REPLACED_WHOLE,
        wrong);
  }

  /**
   * Builds the chat model.
   *
   * @param client the application's client
   * @param chat the {@code spring.ai.kimi.chat.*} properties
   * @param environment the environment, checked for Spring AI 1's spelling of the options
   * @param observationRegistry the application's registry, if it has one
   * @param observationConvention the application's convention, if it has one
   * @return the model
   * @throws IllegalStateException if options are set under {@code spring.ai.kimi.chat.options.*},
   *     Spring AI 1's spelling, which neither Spring line's artifact reads
   * @throws io.github.kimisdk.errors.PreflightException if the options are ones the client would
   *     refuse every call with, such as {@code temperature=0.3} on kimi-k3 ({@link
   *     KimiChatModel.Builder#build()})
   */
  @Bean
  @ConditionalOnMissingBean(ChatModel.class)
  @ConditionalOnBean(KimiClient.class)
  public KimiChatModel kimiChatModel(
      KimiClient client,
      KimiChatProperties chat,
      Environment environment,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<ChatModelObservationConvention> observationConvention) {
    SpringAi1SpellingException.refuse(environment);
    return SpringLine.chatModel(beans)
        .kimiClient(client)
        .tenants(tenants == null ? null : tenants.getIfUnique())
        .options(chat.toOptions())
        .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
        .observationConvention(observationConvention.getIfAvailable())
        .build();
  }

  /**
   * The caller's SLF4J MDC in every callback the auto-configured client runs on its own threads
   * (its listeners, interceptors, a stream's subscriber, the stages of the futures it returns),
   * when SLF4J is on the class path, as it is in every Spring Boot application.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.slf4j.MDC")
  public static class Mdc {

    /** Creates the configuration; Spring does. */
    public Mdc() {}

    /**
     * Adds {@link MdcContextPropagator} to the client's builder. A bean of the application's named
     * {@code kimiMdcCustomizer} replaces it (one that does nothing turns it off).
     *
     * @return the customizer
     */
    @Bean
    @ConditionalOnMissingBean(name = "kimiMdcCustomizer")
    public KimiClientCustomizer kimiMdcCustomizer() {
      return builder -> builder.contextPropagator(new MdcContextPropagator());
    }
  }
}
