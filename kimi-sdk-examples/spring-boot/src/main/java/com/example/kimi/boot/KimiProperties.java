package com.example.kimi.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code kimi.*} properties (application.properties, environment variables such as {@code
 * KIMI_API_KEY}, or command-line arguments).
 *
 * @param apiKey the API key; when unset, the client reads the environment as {@code
 *     KimiClient.fromEnv()} does
 * @param baseUrl the API's base URL; when unset, the environment's or Moonshot's
 * @param model the model the endpoints ask
 */
@ConfigurationProperties("kimi")
public record KimiProperties(String apiKey, String baseUrl, @DefaultValue("kimi-k3") String model) {

  @Override
  public String toString() {
    return "KimiProperties[baseUrl=" + baseUrl + ", model=" + model + "]"; // never the key
  }
}
