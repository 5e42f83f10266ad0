/**
 * Spring Boot auto-configuration of Kimi under {@code spring.ai.kimi.*}: a {@link
 * io.github.kimisdk.KimiClient} from {@code spring.ai.kimi.api-key} (or {@code MOONSHOT_API_KEY},
 * {@code KIMI_API_KEY}, {@code KIMI_CODING_API_KEY}), {@code base-url} and {@code retry.*}; a
 * {@link io.github.kimisdk.springai.KimiChatModel} with the {@code spring.ai.kimi.chat.*} options;
 * and, with Spring AI's {@code ChatClient}, Kimi's structured output for its {@code entity(..)};
 * with Spring Boot's health support, Kimi in {@code /actuator/health}; with Micrometer, the
 * client's spend as meters. A start without a key, with options the client would refuse every call
 * with, or with a base URL the SDK refuses, fails in Kimi's words. See {@link
 * io.github.kimisdk.springai.autoconfigure.KimiAutoConfiguration}, {@link
 * io.github.kimisdk.springai.autoconfigure.KimiChatClientAutoConfiguration}, {@link
 * io.github.kimisdk.springai.autoconfigure.KimiHealthAutoConfiguration} and {@link
 * io.github.kimisdk.springai.autoconfigure.KimiMetricsAutoConfiguration}.
 */
package io.github.kimisdk.springai.autoconfigure;
