package com.example.ui.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payments desk of kimi-sdk-examples/ui-chat on Spring Boot: the same page (built with the AI
 * SDK's useChat), the same agent, its chat served by a controller that returns kimi-sdk-ui's
 * stream through Spring's own types: Spring MVC's {@code StreamingResponseBody}, or, with {@code
 * spring.main.web-application-type=reactive}, WebFlux's {@code Flux} (through Reactor's {@code
 * JdkFlowAdapter}). Kimi is the client kimi-sdk-spring-ai's auto-configuration makes from {@code
 * spring.ai.kimi.*}.
 */
@SpringBootApplication
public class PaymentsApplication {
  public static void main(String[] args) {
    SpringApplication.run(PaymentsApplication.class, args);
  }
}
