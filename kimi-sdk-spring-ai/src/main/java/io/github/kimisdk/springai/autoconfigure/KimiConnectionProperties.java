package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.RetryPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.*} properties the client is built from (application.properties,
 * environment variables such as {@code SPRING_AI_KIMI_API_KEY}, command-line arguments): the key,
 * the base URL and the retries ({@code spring.ai.kimi.retry.*}).
 */
@ConfigurationProperties(KimiConnectionProperties.PREFIX)
public class KimiConnectionProperties {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi";

  /**
   * The Kimi API key; when unset, MOONSHOT_API_KEY, KIMI_API_KEY or KIMI_CODING_API_KEY from the
   * environment; without any, no client is auto-configured.
   */
  private String apiKey;

  /**
   * The API base URL, such as https://api.moonshot.cn/v1; when unset, KIMI_BASE_URL from the
   * environment, else Moonshot's global one (Kimi Code's for an sk-kimi- key).
   */
  private String baseUrl;

  private final Retry retry = new Retry();

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

  /**
   * Returns the retry properties ({@code spring.ai.kimi.retry.*}).
   *
   * @return the retry properties, bound in place
   */
  public Retry getRetry() {
    return retry;
  }

  @Override
  public String toString() {
    return "KimiConnectionProperties[baseUrl=" + baseUrl + "]"; // never the key
  }

  /**
   * How the client retries a failed call ({@code spring.ai.kimi.retry.*}): the one retry layer
   * under Spring AI, since the chat model is not wrapped in Spring AI's {@code RetryTemplate}. Each
   * value unset keeps the SDK's default ({@link RetryPolicy#defaults()}).
   */
  public static class Retry {

    /** Retries after the first attempt (the SDK's default: 2); 0 never retries. */
    private Integer maxRetries;

    /** The wait before the first retry, doubling with jitter (the SDK's default: 500ms). */
    private Duration initialBackoff;

    /** The longest wait between two retries (the SDK's default: 8s). */
    private Duration maxBackoff;

    /**
     * The longest wait a server may ask for (Retry-After) before the call fails at once instead
     * (the SDK's default: 60s).
     */
    private Duration maxServerWait;

    /** No retry starts after this time from the first attempt (the SDK's default: none). */
    private Duration deadline;

    /** Creates the properties with nothing set. */
    public Retry() {}

    /**
     * Returns the SDK's retry policy with the set values.
     *
     * @return the policy, or null when nothing is set (the client keeps its default)
     * @throws IllegalArgumentException if a value is out of range
     */
    public RetryPolicy toPolicy() {
      if (maxRetries == null
          && initialBackoff == null
          && maxBackoff == null
          && maxServerWait == null
          && deadline == null) {
        return null;
      }
      RetryPolicy p = RetryPolicy.defaults();
      if (maxRetries != null) {
        p = p.withMaxRetries(maxRetries);
      }
      if (initialBackoff != null || maxBackoff != null) {
        p =
            p.withBackoff(
                initialBackoff == null ? p.initialBackoff() : initialBackoff,
                maxBackoff == null ? p.maxBackoff() : maxBackoff);
      }
      if (maxServerWait != null) {
        p = p.withMaxServerWait(maxServerWait);
      }
      if (deadline != null) {
        p = p.withDeadline(deadline);
      }
      return p;
    }

    /**
     * Returns the number of retries.
     *
     * @return the retries, or null for the SDK's default
     */
    public Integer getMaxRetries() {
      return maxRetries;
    }

    /**
     * Sets the number of retries after the first attempt ({@code max-retries}).
     *
     * @param maxRetries the retries; 0 never retries
     */
    public void setMaxRetries(Integer maxRetries) {
      this.maxRetries = maxRetries;
    }

    /**
     * Returns the wait before the first retry.
     *
     * @return the wait, or null for the SDK's default
     */
    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    /**
     * Sets the wait before the first retry ({@code initial-backoff}, such as {@code 1s}).
     *
     * @param initialBackoff the wait
     */
    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /**
     * Returns the longest wait between two retries.
     *
     * @return the wait, or null for the SDK's default
     */
    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    /**
     * Sets the longest wait between two retries ({@code max-backoff}).
     *
     * @param maxBackoff the wait
     */
    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    /**
     * Returns the longest wait a server may ask for.
     *
     * @return the wait, or null for the SDK's default
     */
    public Duration getMaxServerWait() {
      return maxServerWait;
    }

    /**
     * Sets the longest wait a server may ask for before the call fails at once ({@code
     * max-server-wait}).
     *
     * @param maxServerWait the wait
     */
    public void setMaxServerWait(Duration maxServerWait) {
      this.maxServerWait = maxServerWait;
    }

    /**
     * Returns the time after which no retry starts.
     *
     * @return the deadline, or null for none
     */
    public Duration getDeadline() {
      return deadline;
    }

    /**
     * Sets the time from the first attempt after which no retry starts ({@code deadline}).
     *
     * @param deadline the deadline
     */
    public void setDeadline(Duration deadline) {
      this.deadline = deadline;
    }
  }
}
