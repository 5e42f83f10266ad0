package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.springai.KimiChatModel;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Makes {@code ChatClient}'s {@code entity(..)} ask Kimi for the reply's schema natively, when the
 * application's chat model is Kimi's and Spring AI's {@code ChatClient} is on the class path: a
 * {@link ChatClientBuilderCustomizer} that sets {@link
 * AdvisorParams#ENABLE_NATIVE_STRUCTURED_OUTPUT} on every auto-configured {@code
 * ChatClient.Builder}. Kimi serves JSON Schema structured output ({@code response_format} {@code
 * json_schema}, strict by default), so the reply is held to the schema rather than asked for in the
 * prompt. {@code spring.ai.kimi.chat.provider-structured-output=false} turns it off.
 */
@AutoConfiguration(after = KimiAutoConfiguration.class)
@ConditionalOnClass({ChatClient.class, ChatClientBuilderCustomizer.class})
@ConditionalOnBean(KimiChatModel.class)
@ConditionalOnProperty(
    prefix = KimiChatProperties.PREFIX,
    name = "provider-structured-output",
    havingValue = "true",
    matchIfMissing = true)
public class KimiChatClientAutoConfiguration {

  /** Creates the configuration; Spring does. */
  public KimiChatClientAutoConfiguration() {}

  /**
   * Sets native structured output as the default of every auto-configured {@code
   * ChatClient.Builder}.
   *
   * @return the customizer
   */
  @Bean
  public ChatClientBuilderCustomizer kimiProviderStructuredOutput() {
    return builder -> builder.defaultAdvisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT);
  }
}
