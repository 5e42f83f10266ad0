package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.springai.KimiChatModel;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configures Kimi for Spring AI when kimi-sdk and Spring AI are on the class path and {@code
 * spring.ai.model.chat} is unset or {@code kimi}:
 *
 * <ul>
 *   <li>a {@link KimiClient} from {@code spring.ai.kimi.api-key} and {@code
 *       spring.ai.kimi.base-url} ({@link KimiConnectionProperties}), customized by every {@link
 *       KimiClientCustomizer} bean, closed with the context; only when the key is set to something
 *       other than blanks, and only when the application defines no {@code KimiClient} of its own;
 *   <li>a {@link KimiChatModel} over the application's {@code KimiClient} (its own or the one
 *       above), with the {@code spring.ai.kimi.chat.*} options ({@link KimiChatProperties}), the
 *       application's {@link ObservationRegistry} and {@link ChatModelObservationConvention} if it
 *       has them; only when the application defines no {@link ChatModel} of its own.
 * </ul>
 *
 * <p>{@code ChatClient.Builder} comes from Spring AI's own auto-configuration ({@code
 * spring-ai-autoconfigure-model-chat-client}), over this chat model.
 */
@AutoConfiguration
@ConditionalOnClass({KimiClient.class, ChatModel.class})
@ConditionalOnProperty(
    name = SpringAIModelProperties.CHAT_MODEL,
    havingValue = KimiAutoConfiguration.MODEL_NAME,
    matchIfMissing = true)
@EnableConfigurationProperties({KimiConnectionProperties.class, KimiChatProperties.class})
public class KimiAutoConfiguration {

  /** The value of {@code spring.ai.model.chat} that selects Kimi: {@value}. */
  public static final String MODEL_NAME = "kimi";

  /** Creates the configuration; Spring does. */
  public KimiAutoConfiguration() {}

  /**
   * Builds the client from the properties.
   *
   * @param connection the {@code spring.ai.kimi.*} properties
   * @param customizers the application's customizers, applied in order
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(OnApiKeyCondition.class)
  public KimiClient kimiClient(
      KimiConnectionProperties connection, ObjectProvider<KimiClientCustomizer> customizers) {
    KimiClient.Builder builder = KimiClient.builder().apiKey(connection.getApiKey().strip());
    String baseUrl = connection.getBaseUrl();
    if (baseUrl != null && !baseUrl.isBlank()) {
      builder.baseUrl(baseUrl.strip());
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * Builds the chat model.
   *
   * @param client the application's client
   * @param chat the {@code spring.ai.kimi.chat.*} properties
   * @param observationRegistry the application's registry, if it has one
   * @param observationConvention the application's convention, if it has one
   * @return the model
   */
  @Bean
  @ConditionalOnMissingBean(ChatModel.class)
  @ConditionalOnBean(KimiClient.class)
  public KimiChatModel kimiChatModel(
      KimiClient client,
      KimiChatProperties chat,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<ChatModelObservationConvention> observationConvention) {
    return KimiChatModel.builder()
        .kimiClient(client)
        .options(chat.toOptions())
        .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
        .observationConvention(observationConvention.getIfAvailable())
        .build();
  }
}
