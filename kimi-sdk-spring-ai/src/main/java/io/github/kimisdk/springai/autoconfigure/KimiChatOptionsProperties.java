package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.springai.KimiChatOptions;
import java.util.List;

/**
 * The chat options that can be set as properties, each unset (null) until bound. {@link
 * KimiChatProperties} holds them twice: under {@code spring.ai.kimi.chat.*}, as Spring AI 2 spells
 * its providers' options, and under {@code spring.ai.kimi.chat.options.*}, as Spring AI 1 did; a
 * value set in both wins in the first.
 */
public class KimiChatOptionsProperties {

  /** Whether the model thinks, as a property value. */
  public enum ThinkingMode {
    /** The model thinks ({@link Thinking#enabled()}). */
    ENABLED,
    /** The model answers at once ({@link Thinking#disabled()}). */
    DISABLED,
    /** The model thinks and keeps earlier reasoning ({@link Thinking#preserved()}). */
    PRESERVED
  }

  /** The model, such as kimi-k3 (the default). */
  private String model;

  /** Sampling temperature; leave unset for models that fix it (kimi-k3). */
  private Double temperature;

  /** Nucleus sampling mass; leave unset for models that fix it (kimi-k3). */
  private Double topP;

  /** Output cap, reasoning included, sent as max_completion_tokens. */
  private Integer maxTokens;

  /** Up to five stop sequences. */
  private List<String> stop;

  /** Frequency penalty; leave unset for models that fix it. */
  private Double frequencyPenalty;

  /** Presence penalty; leave unset for models that fix it. */
  private Double presencePenalty;

  /** Whether the model thinks: enabled, disabled or preserved (keeps earlier reasoning). */
  private ThinkingMode thinking;

  /** How hard the model thinks, sent as reasoning_effort (kimi-k3: low, high, max). */
  private String reasoningEffort;

  /** A stable session or task id that improves prompt-cache hits. */
  private String promptCacheKey;

  /** How long Kimi keeps the prompt prefix in its cache: five-minutes or one-hour. */
  private CacheTtl promptCacheTtl;

  /** Creates the properties with nothing set. */
  public KimiChatOptionsProperties() {}

  /**
   * Sets the set values on a builder, leaving the others as they are.
   *
   * @param b the builder
   */
  public void applyTo(KimiChatOptions.Builder b) {
    if (model != null) {
      b.model(model);
    }
    if (temperature != null) {
      b.temperature(temperature);
    }
    if (topP != null) {
      b.topP(topP);
    }
    if (maxTokens != null) {
      b.maxTokens(maxTokens);
    }
    if (stop != null) {
      b.stopSequences(stop);
    }
    if (frequencyPenalty != null) {
      b.frequencyPenalty(frequencyPenalty);
    }
    if (presencePenalty != null) {
      b.presencePenalty(presencePenalty);
    }
    if (thinking != null) {
      b.thinking(
          switch (thinking) {
            case ENABLED -> Thinking.enabled();
            case DISABLED -> Thinking.disabled();
            case PRESERVED -> Thinking.preserved();
          });
    }
    if (reasoningEffort != null) {
      b.reasoningEffort(reasoningEffort);
    }
    if (promptCacheKey != null) {
      b.promptCacheKey(promptCacheKey);
    }
    if (promptCacheTtl != null) {
      b.promptCacheTtl(promptCacheTtl);
    }
  }

  /**
   * Returns the model.
   *
   * @return the model id, or null for {@link KimiChatOptions#DEFAULT_MODEL}
   */
  public String getModel() {
    return model;
  }

  /**
   * Sets the model ({@code model}), such as {@code kimi-k3}.
   *
   * @param model the model id
   */
  public void setModel(String model) {
    this.model = model;
  }

  /**
   * Returns the sampling temperature.
   *
   * @return the temperature, or null for the model's
   */
  public Double getTemperature() {
    return temperature;
  }

  /**
   * Sets the sampling temperature ({@code temperature}); leave it unset for models that fix it.
   *
   * @param temperature the temperature
   */
  public void setTemperature(Double temperature) {
    this.temperature = temperature;
  }

  /**
   * Returns the nucleus sampling mass.
   *
   * @return top-p, or null for the model's
   */
  public Double getTopP() {
    return topP;
  }

  /**
   * Sets the nucleus sampling mass ({@code top-p}); leave it unset for models that fix it.
   *
   * @param topP top-p
   */
  public void setTopP(Double topP) {
    this.topP = topP;
  }

  /**
   * Returns the output cap.
   *
   * @return the cap, or null for the server's
   */
  public Integer getMaxTokens() {
    return maxTokens;
  }

  /**
   * Sets the output cap, reasoning included ({@code max-tokens}, sent as {@code
   * max_completion_tokens}).
   *
   * @param maxTokens the cap
   */
  public void setMaxTokens(Integer maxTokens) {
    this.maxTokens = maxTokens;
  }

  /**
   * Returns the stop sequences.
   *
   * @return the sequences, or null for none
   */
  public List<String> getStop() {
    return stop;
  }

  /**
   * Sets the stop sequences ({@code stop}), at most five.
   *
   * @param stop the sequences
   */
  public void setStop(List<String> stop) {
    this.stop = stop;
  }

  /**
   * Returns the frequency penalty.
   *
   * @return the penalty, or null for none
   */
  public Double getFrequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * Sets the frequency penalty ({@code frequency-penalty}).
   *
   * @param frequencyPenalty the penalty
   */
  public void setFrequencyPenalty(Double frequencyPenalty) {
    this.frequencyPenalty = frequencyPenalty;
  }

  /**
   * Returns the presence penalty.
   *
   * @return the penalty, or null for none
   */
  public Double getPresencePenalty() {
    return presencePenalty;
  }

  /**
   * Sets the presence penalty ({@code presence-penalty}).
   *
   * @param presencePenalty the penalty
   */
  public void setPresencePenalty(Double presencePenalty) {
    this.presencePenalty = presencePenalty;
  }

  /**
   * Returns whether the model thinks.
   *
   * @return the mode, or null for the model's default
   */
  public ThinkingMode getThinking() {
    return thinking;
  }

  /**
   * Sets whether the model thinks ({@code thinking}: {@code enabled}, {@code disabled} or {@code
   * preserved}).
   *
   * @param thinking the mode
   */
  public void setThinking(ThinkingMode thinking) {
    this.thinking = thinking;
  }

  /**
   * Returns how hard the model thinks.
   *
   * @return the level, or null for the model's default
   */
  public String getReasoningEffort() {
    return reasoningEffort;
  }

  /**
   * Sets how hard the model thinks ({@code reasoning-effort}, such as {@code high}).
   *
   * @param reasoningEffort the level
   */
  public void setReasoningEffort(String reasoningEffort) {
    this.reasoningEffort = reasoningEffort;
  }

  /**
   * Returns the prompt cache key.
   *
   * @return the key, or null
   */
  public String getPromptCacheKey() {
    return promptCacheKey;
  }

  /**
   * Sets the prompt cache key ({@code prompt-cache-key}).
   *
   * @param promptCacheKey the key
   */
  public void setPromptCacheKey(String promptCacheKey) {
    this.promptCacheKey = promptCacheKey;
  }

  /**
   * Returns how long Kimi keeps the prompt's prefix in its cache.
   *
   * @return the time to live, or null to ask for nothing
   */
  public CacheTtl getPromptCacheTtl() {
    return promptCacheTtl;
  }

  /**
   * Sets how long Kimi keeps the prompt's prefix in its cache ({@code prompt-cache-ttl}: {@code
   * five-minutes} or {@code one-hour}).
   *
   * @param promptCacheTtl the time to live
   */
  public void setPromptCacheTtl(CacheTtl promptCacheTtl) {
    this.promptCacheTtl = promptCacheTtl;
  }
}
