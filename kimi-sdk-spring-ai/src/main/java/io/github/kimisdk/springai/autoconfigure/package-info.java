/**
 * Spring Boot auto-configuration of Kimi under {@code spring.ai.kimi.*}: a {@link
 * io.github.kimisdk.KimiClient} from {@code spring.ai.kimi.api-key} and {@code base-url}, and a
 * {@link io.github.kimisdk.springai.KimiChatModel} with the {@code spring.ai.kimi.chat.*} options.
 * See {@link io.github.kimisdk.springai.autoconfigure.KimiAutoConfiguration}.
 */
package io.github.kimisdk.springai.autoconfigure;
