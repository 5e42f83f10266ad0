package com.example.kimi.boot;

import com.example.kimi.otel.GenAiCallListener;
import io.github.kimisdk.KimiClient;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link KimiClient} of the application, closed with it. */
@Configuration(proxyBeanMethods = false)
class KimiConfiguration {

  /**
   * Builds the client from the {@code kimi.*} properties, with the GenAI listener reporting to the
   * application's OpenTelemetry bean (an OpenTelemetry Spring Boot starter or your own), or to
   * nothing when there is none.
   */
  @Bean
  KimiClient kimiClient(KimiProperties properties, ObjectProvider<OpenTelemetry> openTelemetry) {
    KimiClient.Builder builder = KimiClient.builder();
    if (properties.apiKey() == null || properties.apiKey().isBlank()) {
      builder.fromEnv();
    } else {
      builder.apiKey(properties.apiKey());
    }
    if (properties.baseUrl() != null && !properties.baseUrl().isBlank()) {
      builder.baseUrl(properties.baseUrl());
    }
    return builder
        .listener(new GenAiCallListener(openTelemetry.getIfAvailable(OpenTelemetry::noop)))
        .build();
  }
}
