package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.Thinking;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of a Kimi chat request: LangChain4j's common ones and Kimi's own, as defaults of a
 * model ({@code defaultRequestParameters(..)}) or for one request ({@code
 * ChatRequest.builder().parameters(..)}). A value set on the request wins over the model's.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .messages(UserMessage.from("Plan a trip to Kyoto"))
 *     .parameters(KimiChatRequestParameters.builder()
 *         .reasoningEffort("high")
 *         .promptCacheKey("trip-planner")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Kimi's own parameters: {@link #thinking()} ({@code thinking}: on, off, or on with earlier
 * turns' reasoning kept), {@link #reasoningEffort()} ({@code reasoning_effort}), {@link
 * #promptCacheKey()} ({@code prompt_cache_key}), {@link #promptCacheTtl()} ({@code
 * prompt_cache_options}: how long Kimi keeps the prompt cache), {@link #safetyIdentifier()} ({@code
 * safety_identifier}), {@link #logprobs()} and {@link #topLogprobs()} ({@code logprobs}, {@code
 * top_logprobs}: the reply's token log probabilities, returned in {@link
 * KimiChatResponseMetadata#logprobs()}), {@link #prediction()} ({@code prediction}: text the reply
 * is expected to largely repeat), {@link #includeUsage()} ({@code stream_options.include_usage}: a
 * streamed reply ends with a usage-only chunk) and {@link #customParameters()}: further members of
 * the request body, sent as they are.
 */
public final class KimiChatRequestParameters extends DefaultChatRequestParameters {

  private final Thinking thinking;
  private final String reasoningEffort;
  private final String promptCacheKey;
  private final CacheTtl promptCacheTtl;
  private final String safetyIdentifier;
  private final Boolean logprobs;
  private final Integer topLogprobs;
  private final Prediction prediction;
  private final Boolean includeUsage;
  private final Map<String, Object> customParameters;

  private KimiChatRequestParameters(Builder builder) {
    super(builder);
    this.thinking = builder.thinking;
    this.reasoningEffort = builder.reasoningEffort;
    this.promptCacheKey = builder.promptCacheKey;
    this.promptCacheTtl = builder.promptCacheTtl;
    this.safetyIdentifier = builder.safetyIdentifier;
    this.logprobs = builder.logprobs;
    this.topLogprobs = builder.topLogprobs;
    this.prediction = builder.prediction;
    this.includeUsage = builder.includeUsage;
    this.customParameters =
        builder.customParameters == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(builder.customParameters));
  }

  /**
   * Returns the thinking setting ({@code thinking}), or null for the model's default.
   *
   * @return the setting, or null
   */
  public Thinking thinking() {
    return thinking;
  }

  /**
   * Returns the reasoning effort ({@code reasoning_effort}, such as {@code "high"}), or null for
   * the model's default.
   *
   * @return the effort, or null
   */
  public String reasoningEffort() {
    return reasoningEffort;
  }

  /**
   * Returns the prompt cache key ({@code prompt_cache_key}), or null.
   *
   * @return the key, or null
   */
  public String promptCacheKey() {
    return promptCacheKey;
  }

  /**
   * Returns how long Kimi keeps this request's prompt cache ({@code prompt_cache_options}), or null
   * for Kimi's default of five minutes.
   *
   * @return the time to live, or null
   */
  public CacheTtl promptCacheTtl() {
    return promptCacheTtl;
  }

  /**
   * Returns the safety identifier ({@code safety_identifier}), or null.
   *
   * @return the identifier, or null
   */
  public String safetyIdentifier() {
    return safetyIdentifier;
  }

  /**
   * Returns whether the reply carries each token's log probability ({@code logprobs}), or null for
   * Kimi's default (no).
   *
   * @return the setting, or null
   */
  public Boolean logprobs() {
    return logprobs;
  }

  /**
   * Returns how many of the most likely tokens each position lists ({@code top_logprobs}, 0 to 20;
   * needs {@link #logprobs()}), or null for none.
   *
   * @return the number, or null
   */
  public Integer topLogprobs() {
    return topLogprobs;
  }

  /**
   * Returns the text the reply is expected to largely repeat ({@code prediction}), or null.
   *
   * @return the prediction, or null
   */
  public Prediction prediction() {
    return prediction;
  }

  /**
   * Returns whether a streamed reply ends with a usage-only chunk ({@code
   * stream_options.include_usage}), or null to ask for nothing. Kimi reports usage in the finishing
   * chunk either way; a request that is not streamed ignores it.
   *
   * @return the setting, or null
   */
  public Boolean includeUsage() {
    return includeUsage;
  }

  /**
   * Returns further members of the request body, sent as they are; empty when there are none.
   *
   * @return the members, unmodifiable
   */
  public Map<String, Object> customParameters() {
    return customParameters;
  }

  @Override
  public KimiChatRequestParameters overrideWith(ChatRequestParameters that) {
    return builder().overrideWith(this).overrideWith(that).build();
  }

  @Override
  public KimiChatRequestParameters defaultedBy(ChatRequestParameters that) {
    return builder().overrideWith(that).overrideWith(this).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KimiChatRequestParameters that
        && super.equals(that)
        && Objects.equals(thinking, that.thinking)
        && Objects.equals(reasoningEffort, that.reasoningEffort)
        && Objects.equals(promptCacheKey, that.promptCacheKey)
        && promptCacheTtl == that.promptCacheTtl
        && Objects.equals(safetyIdentifier, that.safetyIdentifier)
        && Objects.equals(logprobs, that.logprobs)
        && Objects.equals(topLogprobs, that.topLogprobs)
        && Objects.equals(prediction, that.prediction)
        && Objects.equals(includeUsage, that.includeUsage)
        && customParameters.equals(that.customParameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        super.hashCode(),
        thinking,
        reasoningEffort,
        promptCacheKey,
        promptCacheTtl,
        safetyIdentifier,
        logprobs,
        topLogprobs,
        prediction,
        includeUsage,
        customParameters);
  }

  @Override
  public String toString() {
    return "KimiChatRequestParameters{"
        + super.toString()
        + ", thinking="
        + thinking
        + ", reasoningEffort="
        + reasoningEffort
        + ", promptCacheKey="
        + promptCacheKey
        + ", promptCacheTtl="
        + promptCacheTtl
        + ", safetyIdentifier="
        + safetyIdentifier
        + ", logprobs="
        + logprobs
        + ", topLogprobs="
        + topLogprobs
        + ", prediction="
        + (prediction == null ? null : "[set]")
        + ", includeUsage="
        + includeUsage
        + ", customParameters="
        + customParameters.keySet()
        + "}";
  }

  /**
   * Starts a set of parameters, all unset.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link KimiChatRequestParameters}; every value is optional. */
  public static final class Builder extends DefaultChatRequestParameters.Builder<Builder> {

    private Thinking thinking;
    private String reasoningEffort;
    private String promptCacheKey;
    private CacheTtl promptCacheTtl;
    private String safetyIdentifier;
    private Boolean logprobs;
    private Integer topLogprobs;
    private Prediction prediction;
    private Boolean includeUsage;
    private Map<String, Object> customParameters;

    private Builder() {}

    /**
     * Takes every value {@code parameters} sets, Kimi's own too when it holds them, over this
     * builder's.
     *
     * @param parameters the parameters
     * @return this builder
     */
    @Override
    public Builder overrideWith(ChatRequestParameters parameters) {
      super.overrideWith(parameters);
      if (parameters instanceof KimiChatRequestParameters that) {
        thinking = that.thinking != null ? that.thinking : thinking;
        reasoningEffort = that.reasoningEffort != null ? that.reasoningEffort : reasoningEffort;
        promptCacheKey = that.promptCacheKey != null ? that.promptCacheKey : promptCacheKey;
        promptCacheTtl = that.promptCacheTtl != null ? that.promptCacheTtl : promptCacheTtl;
        safetyIdentifier = that.safetyIdentifier != null ? that.safetyIdentifier : safetyIdentifier;
        logprobs = that.logprobs != null ? that.logprobs : logprobs;
        topLogprobs = that.topLogprobs != null ? that.topLogprobs : topLogprobs;
        prediction = that.prediction != null ? that.prediction : prediction;
        includeUsage = that.includeUsage != null ? that.includeUsage : includeUsage;
        if (!that.customParameters.isEmpty()) {
          Map<String, Object> merged =
              customParameters == null
                  ? new LinkedHashMap<>()
                  : new LinkedHashMap<>(customParameters);
          merged.putAll(that.customParameters);
          customParameters = merged;
        }
      }
      return this;
    }

    /**
     * Sets the maximum number of tokens to generate, reasoning included ({@code
     * max_completion_tokens}); the same as {@link #maxOutputTokens(Integer)}.
     *
     * @param maxCompletionTokens the limit, or null for the model's default
     * @return this builder
     */
    public Builder maxCompletionTokens(Integer maxCompletionTokens) {
      return maxOutputTokens(maxCompletionTokens);
    }

    /**
     * Sets thinking on or off ({@link Thinking#enabled()}, {@link Thinking#disabled()}), or on with
     * the reasoning of earlier turns kept ({@link Thinking#preserved()}).
     *
     * @param thinking the setting, or null for the model's default
     * @return this builder
     */
    public Builder thinking(Thinking thinking) {
      this.thinking = thinking;
      return this;
    }

    /**
     * Sets the reasoning effort, such as {@code "low"}, {@code "high"} or {@code "max"} on kimi-k3.
     *
     * @param reasoningEffort the effort, or null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      this.reasoningEffort = reasoningEffort;
      return this;
    }

    /**
     * Sets the prompt cache key: requests that share it share Kimi's prompt cache (send a stable
     * hash, not a raw session id).
     *
     * @param promptCacheKey the key, or null
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      this.promptCacheKey = promptCacheKey;
      return this;
    }

    /**
     * Sets how long Kimi keeps the prompt cache ({@code prompt_cache_options}); cache writes are
     * billed at this time to live's price.
     *
     * @param promptCacheTtl the time to live, or null for Kimi's default of five minutes
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      this.promptCacheTtl = promptCacheTtl;
      return this;
    }

    /**
     * Sets the safety identifier: a stable, hashed id of the end user.
     *
     * @param safetyIdentifier the identifier, or null
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Asks for the log probability of each token of the reply ({@code logprobs}); they come back in
     * {@link KimiChatResponseMetadata#logprobs()}.
     *
     * @param logprobs whether to ask, or null for Kimi's default (no)
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Sets how many of the most likely tokens each position lists ({@code top_logprobs}, 0 to 20);
     * needs {@link #logprobs(Boolean)}.
     *
     * @param topLogprobs the number, or null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets the text the reply is expected to largely repeat, such as a file being edited ({@code
     * prediction}): the server generates the unchanged parts faster.
     *
     * @param prediction the prediction, such as {@code Prediction.of(source)}, or null for none
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      this.prediction = prediction;
      return this;
    }

    /**
     * Asks a streamed reply to end with a usage-only chunk ({@code stream_options.include_usage}).
     * Kimi reports usage in the finishing chunk either way; a request that is not streamed ignores
     * it.
     *
     * @param includeUsage whether to ask, or null to ask for nothing
     * @return this builder
     */
    public Builder includeUsage(Boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }

    /**
     * Sets further members of the request body, sent as they are: strings, numbers, booleans, null,
     * lists and maps of them, or the SDK's {@code JsonValue}s. A member the request sends itself
     * (such as {@code temperature}) is refused when the request is made: set it with its own
     * method.
     *
     * <pre>{@code
     * .customParameters(Map.of("prompt_cache_options", Map.of("ttl", "1h")))
     * }</pre>
     *
     * @param customParameters the members, or null for none
     * @return this builder
     */
    public Builder customParameters(Map<String, Object> customParameters) {
      this.customParameters =
          customParameters == null ? null : new LinkedHashMap<>(customParameters);
      return this;
    }

    /**
     * Builds the parameters.
     *
     * @return the parameters
     */
    @Override
    public KimiChatRequestParameters build() {
      return new KimiChatRequestParameters(this);
    }
  }
}
