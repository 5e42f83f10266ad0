package com.example.kimi.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A Spring Boot application that answers chats with Kimi: {@code /chat} and {@code /stream}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KimiApplication {

  /**
   * Starts the application.
   *
   * @param args Spring Boot's arguments, such as {@code --kimi.model=kimi-k2.6}
   */
  public static void main(String[] args) {
    SpringApplication.run(KimiApplication.class, args);
  }
}
