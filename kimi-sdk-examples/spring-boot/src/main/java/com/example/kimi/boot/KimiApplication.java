package com.example.kimi.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that answers chats with Kimi through Spring AI: {@code /chat} and
 * {@code /stream}. kimi-sdk-spring-ai's auto-configuration makes the {@code KimiClient} and the
 * chat model from the {@code spring.ai.kimi.*} properties.
 */
@SpringBootApplication
public class KimiApplication {

  /**
   * Starts the application.
   *
   * @param args Spring Boot's arguments, such as {@code --spring.ai.kimi.chat.model=kimi-k2.6}
   */
  public static void main(String[] args) {
    SpringApplication.run(KimiApplication.class, args);
  }
}
