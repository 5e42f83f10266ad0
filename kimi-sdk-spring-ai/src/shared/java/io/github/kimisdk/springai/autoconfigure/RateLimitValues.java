package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.time.Duration;
import org.springframework.util.ClassUtils;

/**
 * The limits of one account, as properties: a Moonshot tier or the limits themselves and, with
 * {@code account}, the account whose limits every process shares through the application's {@link
 * RateLimitStore}. The client's ({@link KimiRateLimitProperties}, {@code
 * spring.ai.kimi.rate-limit.*}) and each fallback target's ({@code
 * spring.ai.kimi.fallback[n].rate-limit.*}) are these values.
 */
class RateLimitValues {

  /**
   * Moonshot's published tier, 0 to 5, whose limits are the starting point (tier 1: 50 at once, 200
   * requests and 2,000,000 tokens per minute); the other limits set replace the tier's.
   */
  private Integer tier;

  /** The most calls in flight at once. */
  private Integer maxConcurrency;

  /** The most requests per rolling minute. */
  private Integer requestsPerMinute;

  /** The most tokens per rolling minute. */
  private Long tokensPerMinute;

  /** The longest a call waits for its turn before it fails, unsent (default: no bound). */
  private Duration maxQueueWait;

  /**
   * The account every process sharing the limits names (an organisation id or a team name, never
   * the API key: it is written into Redis keys). Set, the limits are shared through the
   * application's RateLimitStore bean: the one built on its Redis (spring.data.redis.*) when
   * kimi-sdk-redis and Spring Data Redis are present.
   */
  private String account;

  /** Creates the values with nothing set. */
  RateLimitValues() {}

  /**
   * Returns the rate limit of these values, set under {@code prefix} (the client's, {@code
   * spring.ai.kimi.rate-limit}, or a fallback target's, {@code
   * spring.ai.kimi.fallback[n].rate-limit}).
   *
   * @param prefix the prefix the failures name these properties by
   * @param store the application's store, or null when it has none
   * @return the limit, or null when no limit is set
   * @throws KimiSettingsException if {@code account} is set without a limit, or without a store
   */
  RateLimit toRateLimit(String prefix, RateLimitStore store) {
    boolean anyLimit =
        tier != null
            || maxConcurrency != null
            || requestsPerMinute != null
            || tokensPerMinute != null;
    if (!anyLimit) {
      if (account != null && !account.isBlank()) {
        throw new KimiSettingsException(
            prefix
                + ".account is set ("
                + account
                + "), so this application's processes are to share one account's limits, but"
                + " no limit is set to share.",
            "Set "
                + prefix
                + ".tier (Moonshot's tier, 0 to 5), or "
                + prefix
                + ".max-concurrency, .requests-per-minute or .tokens-per-minute; or unset "
                + prefix
                + ".account.");
      }
      return null;
    }
    RateLimit.Builder b = tier == null ? RateLimit.builder() : RateLimit.tier(tier).toBuilder();
    if (maxConcurrency != null) {
      b.maxConcurrency(maxConcurrency);
    }
    if (requestsPerMinute != null) {
      b.requestsPerMinute(requestsPerMinute);
    }
    if (tokensPerMinute != null) {
      b.tokensPerMinute(tokensPerMinute);
    }
    if (maxQueueWait != null) {
      b.maxQueueWait(maxQueueWait);
    }
    if (account != null && !account.isBlank()) {
      if (store == null) {
        throw noStore(prefix, account);
      }
      b.store(store, account);
    }
    return b.build();
  }

  /**
   * The failure of an {@code account} without a store: what of the Redis store is missing from the
   * application (its jars, or Spring Data Redis's connection factory), and what to add.
   */
  private static KimiSettingsException noStore(String prefix, String account) {
    ClassLoader loader = ClassUtils.getDefaultClassLoader(); // the application's, as it starts
    boolean redisStore =
        ClassUtils.isPresent("io.github.kimisdk.redis.RedisRateLimitStore", loader);
    boolean springDataRedis =
        ClassUtils.isPresent(
            "org.springframework.data.redis.connection.RedisConnectionFactory", loader);
    String missing;
    String add;
    if (redisStore && springDataRedis) {
      missing =
          "kimi-sdk-redis and Spring Data Redis are there, but the application has no"
              + " RedisConnectionFactory";
      add =
          "Let Spring Boot make the RedisConnectionFactory (spring-boot-starter-data-redis, whose"
              + " auto-configuration reads spring.data.redis.*), or define one";
    } else {
      missing =
          !redisStore && !springDataRedis
              ? "neither kimi-sdk-redis nor Spring Data Redis is on the class path"
              : !redisStore
                  ? "kimi-sdk-redis is not on the class path"
                  : "Spring Data Redis is not on the class path";
      add =
          "Add io.github.kimisdk:kimi-sdk-redis and Spring Data Redis"
              + " (org.springframework.boot:spring-boot-starter-data-redis, configured by"
              + " spring.data.redis.*), whose Redis then holds the shared limits";
    }
    return new KimiSettingsException(
        prefix
            + ".account is set ("
            + account
            + "), so this application's processes are to share one account's limits, but the"
            + " application has no RateLimitStore to share them in ("
            + missing
            + ").",
        add
            + "; or define a RateLimitStore bean of your own; or unset "
            + prefix
            + ".account to limit each process alone.");
  }

  /**
   * Returns the tier.
   *
   * @return the tier, or null when unset
   */
  public Integer getTier() {
    return tier;
  }

  /**
   * Sets Moonshot's tier whose limits are the starting point ({@code tier}).
   *
   * @param tier the tier, 0 to 5
   */
  public void setTier(Integer tier) {
    this.tier = tier;
  }

  /**
   * Returns the most calls in flight at once.
   *
   * @return the limit, or null when unset
   */
  public Integer getMaxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Sets the most calls in flight at once ({@code max-concurrency}).
   *
   * @param maxConcurrency the limit
   */
  public void setMaxConcurrency(Integer maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * Returns the most requests per minute.
   *
   * @return the limit, or null when unset
   */
  public Integer getRequestsPerMinute() {
    return requestsPerMinute;
  }

  /**
   * Sets the most requests per rolling minute ({@code requests-per-minute}).
   *
   * @param requestsPerMinute the limit
   */
  public void setRequestsPerMinute(Integer requestsPerMinute) {
    this.requestsPerMinute = requestsPerMinute;
  }

  /**
   * Returns the most tokens per minute.
   *
   * @return the limit, or null when unset
   */
  public Long getTokensPerMinute() {
    return tokensPerMinute;
  }

  /**
   * Sets the most tokens per rolling minute ({@code tokens-per-minute}).
   *
   * @param tokensPerMinute the limit
   */
  public void setTokensPerMinute(Long tokensPerMinute) {
    this.tokensPerMinute = tokensPerMinute;
  }

  /**
   * Returns the longest wait for a turn.
   *
   * @return the wait, or null for no bound
   */
  public Duration getMaxQueueWait() {
    return maxQueueWait;
  }

  /**
   * Sets the longest a call waits for its turn ({@code max-queue-wait}).
   *
   * @param maxQueueWait the wait
   */
  public void setMaxQueueWait(Duration maxQueueWait) {
    this.maxQueueWait = maxQueueWait;
  }

  /**
   * Returns the shared account's key.
   *
   * @return the key, or null when the limits are this process's alone
   */
  public String getAccount() {
    return account;
  }

  /**
   * Sets the account whose limits every process shares ({@code account}).
   *
   * @param account the account's key, never the API key
   */
  public void setAccount(String account) {
    this.account = account;
  }
}
