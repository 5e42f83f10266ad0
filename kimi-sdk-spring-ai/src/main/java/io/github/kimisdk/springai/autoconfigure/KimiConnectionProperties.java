package io.github.kimisdk.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.*} properties the client is built from (application.properties,
 * environment variables such as {@code SPRING_AI_KIMI_API_KEY}, command-line arguments).
 */
@ConfigurationProperties(KimiConnectionProperties.PREFIX)
public class KimiConnectionProperties {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi";

  /** The Kimi API key; without one (or with blanks) no client is auto-configured. */
  private String apiKey;

  /** The API base URL, such as https://api.moonshot.cn/v1; Moonshot's global one by default. */
  private String baseUrl;

  /** Creates the properties with nothing set. */
  public KimiConnectionProperties() {}

  /**
   * Returns the API key.
   *
   * @return the key, or null when unset (the client is then not auto-configured)
   */
  public String getApiKey() {
    return apiKey;
  }

  /**
   * Sets the API key ({@code spring.ai.kimi.api-key}).
   *
   * @param apiKey the key
   */
  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * Returns the API's base URL.
   *
   * @return the URL, or null for Moonshot's ({@code https://api.moonshot.ai/v1})
   */
  public String getBaseUrl() {
    return baseUrl;
  }

  /**
   * Sets the API's base URL ({@code spring.ai.kimi.base-url}), such as {@code
   * https://api.moonshot.cn/v1}.
   *
   * @param baseUrl the URL
   */
  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @Override
  public String toString() {
    return "KimiConnectionProperties[baseUrl=" + baseUrl + "]"; // never the key
  }
}
