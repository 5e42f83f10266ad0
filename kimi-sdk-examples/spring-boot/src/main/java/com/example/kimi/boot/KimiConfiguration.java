package com.example.kimi.boot;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the application adds to the auto-configured chat model. The GenAI spans need nothing here:
 * with kimi-sdk-opentelemetry on the class path and an OpenTelemetry bean (an OpenTelemetry Spring
 * Boot starter, or the tests' own), the auto-configuration installs it on the client.
 */
@Configuration(proxyBeanMethods = false)
class KimiConfiguration {

  /** The application's one ChatClient, over Kimi's chat model. */
  @Bean
  ChatClient chatClient(ChatClient.Builder builder) {
    return builder.build();
  }
}
