package com.example.kimi.boot;

import com.example.kimi.otel.GenAiCallListener;
import io.github.kimisdk.springai.autoconfigure.KimiClientCustomizer;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the application adds to the auto-configured client and chat model. */
@Configuration(proxyBeanMethods = false)
class KimiConfiguration {

  /**
   * Adds the GenAI listener to the client the auto-configuration builds, reporting to the
   * application's OpenTelemetry bean (an OpenTelemetry Spring Boot starter or your own), or to
   * nothing when there is none.
   */
  @Bean
  KimiClientCustomizer genAiSpans(ObjectProvider<OpenTelemetry> openTelemetry) {
    return builder ->
        builder.listener(new GenAiCallListener(openTelemetry.getIfAvailable(OpenTelemetry::noop)));
  }

  /** The application's one ChatClient, over Kimi's chat model. */
  @Bean
  ChatClient chatClient(ChatClient.Builder builder) {
    return builder.build();
  }
}
