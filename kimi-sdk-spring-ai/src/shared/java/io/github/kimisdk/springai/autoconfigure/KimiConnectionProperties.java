package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.*} properties the client is built from (application.properties,
 * environment variables such as {@code SPRING_AI_KIMI_API_KEY}, command-line arguments): the key,
 * the host and its base URL, the own target's weight among its replicas, the fallback targets and
 * replicas ({@code spring.ai.kimi.fallback[n].*}) and the retries ({@code spring.ai.kimi.retry.*}).
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

  /**
   * The host the client's calls go to, in its dialect: moonshot (the default), moonshot-cn,
   * kimi-code, openrouter, fireworks, together (each at its own base URL unless base-url names
   * another, such as a proxy's), vllm or sglang (at base-url), or any other name for an
   * OpenAI-compatible server at base-url that speaks as Moonshot does.
   */
  private String host;

  /**
   * The weight of the client's own target among the replicas that share its load (a
   * fallback[n].replica=true right after it), from 1 (the default) to 1000: of members with equal
   * room, one of weight 2 gets twice the calls of one of weight 1.
   */
  private Integer weight;

  /**
   * The fallback targets, in order (spring.ai.kimi.fallback[0].host, .base-url, .model, .api-key,
   * .rate-limit.*): a call moves to the next one when its target is overloaded or its account is
   * out of quota, never on the caller's own error. One with replica=true is instead a replica of
   * the target before it, sharing its load (.weight weighs it among them).
   */
  private List<Fallback> fallback = new ArrayList<>();

  /**
   * Top-level request fields sent deliberately, such as one a relay in front of Kimi reads: the
   * client sends them as they are where it would refuse them for being fields Kimi takes and
   * ignores (an extra-body field on Moonshot's API, thinking on kimi-k3.1-pro, a reasoning-effort
   * level the model does not list).
   */
  private List<String> deliberateFields = new ArrayList<>();

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
   * Returns the top-level request fields sent deliberately.
   *
   * @return the fields, empty for none
   */
  public List<String> getDeliberateFields() {
    return deliberateFields;
  }

  /**
   * Sets the top-level request fields sent deliberately ({@code spring.ai.kimi.deliberate-fields},
   * such as {@code seed,x_team}): the client's {@code KimiClient.Builder.deliberateFields}.
   *
   * @param deliberateFields the fields
   */
  public void setDeliberateFields(List<String> deliberateFields) {
    this.deliberateFields = deliberateFields == null ? new ArrayList<>() : deliberateFields;
  }

  /**
   * Returns the name of the host the client's calls go to.
   *
   * @return the name, or null for Moonshot's (at the base URL, when one is set)
   */
  public String getHost() {
    return host;
  }

  /**
   * Sets the host the client's calls go to ({@code spring.ai.kimi.host}), by a name {@link
   * Host#of(String, String)} reads: {@code moonshot}, {@code moonshot-cn}, {@code kimi-code},
   * {@code openrouter}, {@code fireworks}, {@code together}, {@code vllm}, {@code sglang}, or
   * another name for an OpenAI-compatible server at {@code spring.ai.kimi.base-url}.
   *
   * @param host the host's name
   */
  public void setHost(String host) {
    this.host = host;
  }

  /**
   * Returns the weight of the client's own target among its replicas.
   *
   * @return the weight, or null for the SDK's default (1)
   */
  public Integer getWeight() {
    return weight;
  }

  /**
   * Sets the weight of the client's own target among the replicas that share its load ({@code
   * spring.ai.kimi.weight}, {@link io.github.kimisdk.KimiClient.Builder#weight(int)}).
   *
   * @param weight from 1 to {@link Target#MAX_WEIGHT}
   */
  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  /**
   * Returns the client's own weight as the SDK takes it, checked.
   *
   * @return the weight, or null when unset
   * @throws KimiSettingsException if it is out of range, naming the property
   */
  Integer checkedWeight() {
    return weight == null ? null : checkWeight(PREFIX + ".weight", weight);
  }

  /**
   * Checks a weight set under {@code property}.
   *
   * @throws KimiSettingsException if it is not from 1 to {@link Target#MAX_WEIGHT}
   */
  static int checkWeight(String property, int weight) {
    if (weight < 1 || weight > Target.MAX_WEIGHT) {
      throw new KimiSettingsException(
          "Kimi's " + property + "=" + weight + " is out of range.",
          "Set " + property + " from 1 to " + Target.MAX_WEIGHT + ", or leave it unset for 1.");
    }
    return weight;
  }

  /**
   * Returns the fallback targets ({@code spring.ai.kimi.fallback[n].*}), in order.
   *
   * @return the targets, bound in place
   */
  public List<Fallback> getFallback() {
    return fallback;
  }

  /**
   * Sets the fallback targets ({@code spring.ai.kimi.fallback[n].*}), in order.
   *
   * @param fallback the targets
   */
  public void setFallback(List<Fallback> fallback) {
    this.fallback = fallback == null ? new ArrayList<>() : fallback;
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
    return "KimiConnectionProperties[host="
        + host
        + ", baseUrl="
        + baseUrl
        + (weight == null ? "" : ", weight=" + weight)
        + ", fallback="
        + fallback
        + "]"; // never a key
  }

  /**
   * Returns the host of the client's own target: {@code spring.ai.kimi.host} at {@code baseUrl}.
   *
   * @param baseUrl the base URL set ({@code spring.ai.kimi.base-url}, else {@code KIMI_BASE_URL}),
   *     or null
   * @return the host, or null when no host is named (the client is Moonshot's, at the base URL)
   * @throws KimiSettingsException if the host needs a base URL and has none, or the name or URL is
   *     malformed
   */
  Host toHost(String baseUrl) {
    return host == null || host.isBlank() ? null : host(PREFIX, host, baseUrl);
  }

  /**
   * Returns the host {@code name} at {@code baseUrl}, naming the properties under {@code prefix} in
   * the failure when it cannot be made.
   */
  static Host host(String prefix, String name, String baseUrl) {
    try {
      return Host.of(name, baseUrl);
    } catch (ConfigurationException wrong) {
      boolean noUrl = baseUrl == null || baseUrl.isBlank();
      throw new KimiSettingsException(
          "Kimi's host "
              + prefix
              + ".host="
              + name.strip()
              + (noUrl ? "" : " at " + baseUrl.strip())
              + " cannot be made: "
              + wrong.getMessage(),
          noUrl
              ? "Set "
                  + prefix
                  + ".base-url to the server's OpenAI-compatible base URL, or name a host with a"
                  + " base URL of its own in "
                  + prefix
                  + ".host."
              : "Set " + prefix + ".base-url (or " + prefix + ".host) as the description says.",
          wrong);
    }
  }

  /**
   * One fallback target ({@code spring.ai.kimi.fallback[n].*}): the host, its base URL, the Kimi
   * model to ask there, the key of its account and its account's rate limit; with {@code
   * replica=true}, a replica that shares the load of the target before it instead of a fallback
   * ({@link io.github.kimisdk.KimiClient.Builder#replica}), weighed by {@code weight}. Each value
   * unset: the host is Moonshot's, at its own base URL; the model is the one each request names; no
   * key is sent (a vLLM or SGLang started without {@code --api-key}); no rate limit; a fallback of
   * weight 1.
   */
  public static class Fallback {

    /**
     * The host, as spring.ai.kimi.host names one: moonshot (the default), moonshot-cn, kimi-code,
     * openrouter, fireworks, together, vllm, sglang, or another name for an OpenAI-compatible
     * server at base-url.
     */
    private String host;

    /**
     * The host's base URL: required for vllm, sglang and other servers; for the named vendors, a
     * proxy's in place of their own.
     */
    private String baseUrl;

    /**
     * The Kimi model to ask this target for, such as kimi-k3, whatever model a request names;
     * unset, the request's own.
     */
    private String model;

    /** The key of this target's account; unset, none is sent. */
    private String apiKey;

    /**
     * Whether this target is a replica of the one before it (the client's own for fallback[0]):
     * true, it joins that target's group and shares its load (a call goes to the member with the
     * most room; a conversation stays on the member that holds its cache); false (the default), it
     * is the next fallback, tried when the ones before it cannot serve.
     */
    private boolean replica;

    /**
     * This target's weight among the members of its group (replica=true, or the target a replica
     * joins), from 1 (the default) to 1000.
     */
    private Integer weight;

    private final FallbackRateLimit rateLimit = new FallbackRateLimit();

    /** Creates the properties with nothing set. */
    public Fallback() {}

    /**
     * Returns the target these properties make, the {@code n}th fallback.
     *
     * @param n its place among {@code spring.ai.kimi.fallback}, from 0
     * @param store the application's rate limit store, or null when it has none
     * @return the target
     * @throws KimiSettingsException if the host cannot be made, the model is blank, the rate limit
     *     cannot be shared or the weight is out of range
     */
    Target toTarget(int n, RateLimitStore store) {
      String prefix = prefix(n);
      Host h = host == null || host.isBlank() ? moonshot(prefix) : host(prefix, host, baseUrl);
      Target t = model == null ? Target.of(h) : Target.of(h, model.strip());
      if (apiKey != null && !apiKey.isBlank()) {
        t = t.apiKey(apiKey.strip());
      }
      if (weight != null) {
        t = t.weight(checkWeight(prefix + ".weight", weight));
      }
      io.github.kimisdk.RateLimit limit = rateLimit.toRateLimit(prefix + ".rate-limit", store);
      return limit == null ? t : t.rateLimit(limit);
    }

    /** Moonshot's host, at the base URL when one is set ({@link Host#moonshot(Endpoint)}). */
    private Host moonshot(String prefix) {
      if (baseUrl == null || baseUrl.isBlank()) {
        return Host.MOONSHOT;
      }
      try {
        return Host.moonshot(Endpoint.of(baseUrl.strip()));
      } catch (ConfigurationException wrong) {
        throw new KimiSettingsException(
            "Kimi's fallback target " + prefix + " cannot be made: " + wrong.getMessage(),
            "Set " + prefix + ".base-url as the description says.",
            wrong);
      }
    }

    /** The prefix of the {@code n}th fallback's properties. */
    static String prefix(int n) {
      return PREFIX + ".fallback[" + n + "]";
    }

    /**
     * Returns the host's name.
     *
     * @return the name, or null for Moonshot's
     */
    public String getHost() {
      return host;
    }

    /**
     * Sets the host ({@code host}), by a name {@link Host#of(String, String)} reads.
     *
     * @param host the host's name
     */
    public void setHost(String host) {
      this.host = host;
    }

    /**
     * Returns the host's base URL.
     *
     * @return the URL, or null for the named host's own
     */
    public String getBaseUrl() {
      return baseUrl;
    }

    /**
     * Sets the host's base URL ({@code base-url}).
     *
     * @param baseUrl the URL
     */
    public void setBaseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
    }

    /**
     * Returns the Kimi model this target asks for.
     *
     * @return the model, or null for the one each request names
     */
    public String getModel() {
      return model;
    }

    /**
     * Sets the Kimi model this target asks for ({@code model}), such as {@code kimi-k3}, whatever a
     * request names; Kimi's rules for it apply to what is sent there.
     *
     * @param model the model
     */
    public void setModel(String model) {
      this.model = model;
    }

    /**
     * Returns the key of this target's account.
     *
     * @return the key, or null when none is sent
     */
    public String getApiKey() {
      return apiKey;
    }

    /**
     * Sets the key of this target's account ({@code api-key}).
     *
     * @param apiKey the key
     */
    public void setApiKey(String apiKey) {
      this.apiKey = apiKey;
    }

    /**
     * Tells whether this target is a replica of the one before it.
     *
     * @return true for a replica, false for a fallback
     */
    public boolean isReplica() {
      return replica;
    }

    /**
     * Sets whether this target is a replica of the one before it ({@code replica}, {@link
     * io.github.kimisdk.KimiClient.Builder#replica}) rather than the next fallback.
     *
     * @param replica true for a replica
     */
    public void setReplica(boolean replica) {
      this.replica = replica;
    }

    /**
     * Returns this target's weight among the members of its group.
     *
     * @return the weight, or null for the SDK's default (1)
     */
    public Integer getWeight() {
      return weight;
    }

    /**
     * Sets this target's weight among the members of its group ({@code weight}, {@link
     * Target#weight(int)}).
     *
     * @param weight from 1 to {@link Target#MAX_WEIGHT}
     */
    public void setWeight(Integer weight) {
      this.weight = weight;
    }

    /**
     * Returns this target's rate limit properties ({@code rate-limit.*}).
     *
     * @return the properties, bound in place
     */
    public FallbackRateLimit getRateLimit() {
      return rateLimit;
    }

    @Override
    public String toString() {
      return "Fallback[host="
          + host
          + ", baseUrl="
          + baseUrl
          + ", model="
          + model
          + ", apiKey="
          + (apiKey == null ? null : "***")
          + (replica ? ", replica" : "")
          + (weight == null ? "" : ", weight=" + weight)
          + "]"; // never the key
    }
  }

  /**
   * A fallback target's rate limit ({@code spring.ai.kimi.fallback[n].rate-limit.*}), as {@code
   * spring.ai.kimi.rate-limit.*} sets the client's own: a Moonshot tier or the limits themselves,
   * and with {@code account}, the account whose limits every process shares through the
   * application's {@link RateLimitStore}. Nothing set, no limit.
   */
  public static class FallbackRateLimit extends RateLimitValues {

    /** Creates the properties with nothing set. */
    public FallbackRateLimit() {}
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

    /**
     * How long a target that said it is overloaded gets no calls before one call probes it (the
     * SDK's default: 5s, or as long as its Retry-After asks, up to max-cooldown); a probe refused
     * again doubles it.
     */
    private Duration cooldown;

    /** The longest cooldown of an overloaded target (the SDK's default: 60s). */
    private Duration maxCooldown;

    /**
     * How long a call may wait out rate-limit 429s without spending retries (the SDK's default: 0,
     * every such 429 spends one); a host's refusal for its concurrency is waited out within it.
     */
    private Duration rateLimitWait;

    /**
     * How long a call may wait in all for hosts that are busy rather than down: refusals for their
     * concurrency, vLLM's busy 503, SGLang's full queue, a full group (the SDK's default: 5s); past
     * it the call fails, saying how long it waited.
     */
    private Duration busyWait;

    /**
     * How long a stream may bring nothing before it goes to another replica or target and its slow
     * copy is cancelled (the SDK's default: none, no hedging). The copy cancelled may be billed its
     * prompt.
     */
    private Duration hedgeAfter;

    /**
     * The most hedges per stream sent, above 0 and at most 1 (default 0.1 with hedge-after: one
     * extra request in ten); needs hedge-after.
     */
    private Double hedgeBudget;

    /**
     * Whether a chat stream cut after its text began goes on from what arrived, on the same or the
     * next target, in the form that host continues an answer (the SDK's default: false).
     */
    private Boolean continueStreams;

    /** The hedge budget with {@code hedge-after} and no {@code hedge-budget}: {@value}. */
    private static final double DEFAULT_HEDGE_BUDGET = 0.1;

    /** Creates the properties with nothing set. */
    public Retry() {}

    /**
     * Returns the SDK's retry policy with the set values.
     *
     * @return the policy, or null when nothing is set (the client keeps its default)
     * @throws IllegalArgumentException if a value is out of range
     * @throws IllegalStateException if {@code hedge-after} is not positive, {@code hedge-budget} is
     *     not above 0 and at most 1, or is set without {@code hedge-after} (naming the property)
     */
    public RetryPolicy toPolicy() {
      if (maxRetries == null
          && initialBackoff == null
          && maxBackoff == null
          && maxServerWait == null
          && deadline == null
          && cooldown == null
          && maxCooldown == null
          && rateLimitWait == null
          && busyWait == null
          && hedgeAfter == null
          && hedgeBudget == null
          && continueStreams == null) {
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
      if (cooldown != null || maxCooldown != null) {
        Duration first = cooldown == null ? p.cooldown() : cooldown;
        Duration longest = maxCooldown != null ? maxCooldown : max(p.maxCooldown(), first);
        p = p.withCooldown(first, longest);
      }
      if (rateLimitWait != null) {
        p = p.withRateLimitWait(rateLimitWait);
      }
      if (busyWait != null) {
        p = p.withBusyWait(busyWait);
      }
      p = hedging(p);
      if (continueStreams != null) {
        p = p.withStreamContinuation(continueStreams);
      }
      return p;
    }

    /** Returns {@code p} with the hedging set, checked; {@code p} when none is. */
    private RetryPolicy hedging(RetryPolicy p) {
      String retry = PREFIX + ".retry.";
      if (hedgeAfter == null) {
        if (hedgeBudget != null) {
          throw new KimiSettingsException(
              "Kimi's " + retry + "hedge-budget=" + hedgeBudget + " is set without hedge-after.",
              "Set "
                  + retry
                  + "hedge-after to how long a stream may bring no text before it is hedged,"
                  + " or remove "
                  + retry
                  + "hedge-budget.");
        }
        return p;
      }
      if (hedgeAfter.isZero() || hedgeAfter.isNegative()) {
        throw new KimiSettingsException(
            "Kimi's " + retry + "hedge-after=" + hedgeAfter + " is not positive.",
            "Set "
                + retry
                + "hedge-after to a positive duration (such as 500ms), or remove it for no"
                + " hedging.");
      }
      double budget = hedgeBudget == null ? DEFAULT_HEDGE_BUDGET : hedgeBudget;
      if (!(budget > 0 && budget <= 1)) {
        throw new KimiSettingsException(
            "Kimi's " + retry + "hedge-budget=" + hedgeBudget + " is out of range.",
            "Set "
                + retry
                + "hedge-budget above 0 and at most 1 (0.1: one extra request in ten), or leave"
                + " it unset for "
                + DEFAULT_HEDGE_BUDGET
                + ".");
      }
      return p.withHedging(hedgeAfter, budget);
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

    /**
     * Returns the first cooldown of a target that said it is overloaded.
     *
     * @return the cooldown, or null for the SDK's default
     */
    public Duration getCooldown() {
      return cooldown;
    }

    /**
     * Sets how long a target that said it is overloaded gets no calls before one call probes it
     * ({@code cooldown}, {@link RetryPolicy#withCooldown}); unset {@code max-cooldown} is then at
     * least as long.
     *
     * @param cooldown the first cooldown; positive
     */
    public void setCooldown(Duration cooldown) {
      this.cooldown = cooldown;
    }

    /**
     * Returns the longest cooldown of an overloaded target.
     *
     * @return the cooldown, or null for the SDK's default
     */
    public Duration getMaxCooldown() {
      return maxCooldown;
    }

    /**
     * Sets the longest cooldown of an overloaded target ({@code max-cooldown}), which a probe
     * refused again doubles the cooldown up to.
     *
     * @param maxCooldown the longest cooldown; at least {@code cooldown}
     */
    public void setMaxCooldown(Duration maxCooldown) {
      this.maxCooldown = maxCooldown;
    }

    /**
     * Returns how long a call may wait out rate limits without spending retries.
     *
     * @return the budget, or null for the SDK's default (none)
     */
    public Duration getRateLimitWait() {
      return rateLimitWait;
    }

    /**
     * Sets how long a call may wait out rate-limit 429s without spending retries ({@code
     * rate-limit-wait}, {@link RetryPolicy#withRateLimitWait}).
     *
     * @param rateLimitWait the budget; not negative
     */
    public void setRateLimitWait(Duration rateLimitWait) {
      this.rateLimitWait = rateLimitWait;
    }

    /**
     * Returns how long a call may wait in all for busy hosts.
     *
     * @return the wait, or null for the SDK's default
     */
    public Duration getBusyWait() {
      return busyWait;
    }

    /**
     * Sets how long a call may wait in all for hosts that are busy rather than down ({@code
     * busy-wait}, {@link RetryPolicy#withBusyWait}).
     *
     * @param busyWait the wait; not negative
     */
    public void setBusyWait(Duration busyWait) {
      this.busyWait = busyWait;
    }

    /**
     * Returns how long a stream may bring no text before it is hedged.
     *
     * @return the delay, or null for no hedging
     */
    public Duration getHedgeAfter() {
      return hedgeAfter;
    }

    /**
     * Sets how long a stream may bring no text before a second copy goes to another replica or
     * target ({@code hedge-after}, {@link RetryPolicy#withHedging}).
     *
     * @param hedgeAfter the delay; positive
     */
    public void setHedgeAfter(Duration hedgeAfter) {
      this.hedgeAfter = hedgeAfter;
    }

    /**
     * Returns the most hedges per stream sent.
     *
     * @return the budget, or null for 0.1 with {@code hedge-after}
     */
    public Double getHedgeBudget() {
      return hedgeBudget;
    }

    /**
     * Sets the most hedges per stream sent ({@code hedge-budget}, {@link RetryPolicy#withHedging}).
     *
     * @param hedgeBudget above 0 and at most 1
     */
    public void setHedgeBudget(Double hedgeBudget) {
      this.hedgeBudget = hedgeBudget;
    }

    /**
     * Tells whether a cut chat stream goes on from what arrived.
     *
     * @return true or false, or null for the SDK's default (false)
     */
    public Boolean getContinueStreams() {
      return continueStreams;
    }

    /**
     * Sets whether a chat stream cut after its text began goes on from what arrived ({@code
     * continue-streams}, {@link RetryPolicy#withStreamContinuation}).
     *
     * @param continueStreams true to continue cut streams
     */
    public void setContinueStreams(Boolean continueStreams) {
      this.continueStreams = continueStreams;
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }
  }
}
