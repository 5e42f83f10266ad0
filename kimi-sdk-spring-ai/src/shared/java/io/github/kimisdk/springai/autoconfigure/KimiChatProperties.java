package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.springai.KimiChatOptions;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spring.ai.kimi.chat.*} properties: the chat model's default options, such as {@code
 * spring.ai.kimi.chat.model=kimi-k3} and {@code spring.ai.kimi.chat.reasoning-effort=high}, each
 * unset (null) until bound, spelled flat as Spring AI 2 spells its providers' options, on both
 * Spring lines. Spring AI 1's {@code spring.ai.kimi.chat.options.*} is not read: the start fails
 * naming the flat spelling.
 */
@ConfigurationProperties(KimiChatProperties.PREFIX)
public class KimiChatProperties {

  /** The prefix of these properties: {@value}. */
  public static final String PREFIX = "spring.ai.kimi.chat";

  /** Whether the model thinks, as a property value. */
  public enum ThinkingMode {
    /** The model thinks ({@link Thinking#enabled()}). */
    ENABLED,
    /** The model answers at once ({@link Thinking#disabled()}). */
    DISABLED,
    /** The model thinks and keeps earlier reasoning ({@link Thinking#preserved()}). */
    PRESERVED
  }

  /** Whether the model may or must call a tool, as a property value. */
  public enum ToolChoiceMode {
    /** The model decides ({@link ToolChoice#auto()}). */
    AUTO,
    /** The model calls no tool ({@link ToolChoice#none()}). */
    NONE,
    /** The model calls some tool ({@link ToolChoice#required()}). */
    REQUIRED
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

  /** Whether the model may or must call a tool, on every step of the tool loop. */
  private ToolChoiceMode toolChoice;

  /** A stable, preferably hashed, id of the end user, sent as safety_identifier. */
  private String safetyIdentifier;

  /** Whether replies carry each token's log probability. */
  private Boolean logprobs;

  /** How many of the most likely tokens each position lists, 0 to 20 (needs logprobs). */
  private Integer topLogprobs;

  /** Further top-level body fields, each value sent as JSON when it is JSON, else as a string. */
  private Map<String, Object> extraBody;

  /**
   * Whether ChatClient's entity(..) asks Kimi for the schema natively (response_format json_schema)
   * instead of appending format instructions to the prompt.
   */
  private boolean providerStructuredOutput = true;

  /** Creates the properties with nothing set. */
  public KimiChatProperties() {}

  /**
   * Returns the chat model's default options: the set values, the others left unset.
   *
   * @return the options
   * @throws IllegalArgumentException if an extra body value cannot be sent as JSON
   */
  public KimiChatOptions toOptions() {
    KimiChatOptions.Builder b = KimiChatOptions.builder();
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
    if (toolChoice != null) {
      b.toolChoice(
          switch (toolChoice) {
            case AUTO -> ToolChoice.auto();
            case NONE -> ToolChoice.none();
            case REQUIRED -> ToolChoice.required();
          });
    }
    return b.reasoningEffort(reasoningEffort)
        .promptCacheKey(promptCacheKey)
        .promptCacheTtl(promptCacheTtl)
        .safetyIdentifier(safetyIdentifier)
        .logprobs(logprobs)
        .topLogprobs(topLogprobs)
        .extraBody(extraBody == null ? null : json(extraBody).asObject().members())
        .build();
  }

  /**
   * A bound property value as JSON: maps and lists as objects and arrays, a text that is JSON as
   * that JSON ({@code 3}, {@code true}, {@code "quoted"}, {@code {"a":1}}), any other text as a
   * string.
   */
  static JsonValue json(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, JsonValue> members = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        members.put(String.valueOf(e.getKey()), json(e.getValue()));
      }
      return JsonObject.of(members);
    }
    if (value instanceof List<?> list) {
      List<JsonValue> values = new ArrayList<>(list.size());
      for (Object v : list) {
        values.add(json(v));
      }
      return JsonArray.of(values);
    }
    if (value instanceof String text) {
      try {
        return Json.parse(text);
      } catch (JsonException notJson) {
        return JsonString.of(text);
      }
    }
    return Json.toJson(value);
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

  /**
   * Returns whether the model may or must call a tool.
   *
   * @return the choice, or null for the server's default
   */
  public ToolChoiceMode getToolChoice() {
    return toolChoice;
  }

  /**
   * Sets whether the model may or must call a tool ({@code tool-choice}: {@code auto}, {@code none}
   * or {@code required}). It holds for every step of ChatClient's tool loop.
   *
   * @param toolChoice the choice
   */
  public void setToolChoice(ToolChoiceMode toolChoice) {
    this.toolChoice = toolChoice;
  }

  /**
   * Returns the id of the end user.
   *
   * @return the id, or null
   */
  public String getSafetyIdentifier() {
    return safetyIdentifier;
  }

  /**
   * Sets the stable, preferably hashed, id of the end user ({@code safety-identifier}).
   *
   * @param safetyIdentifier the id
   */
  public void setSafetyIdentifier(String safetyIdentifier) {
    this.safetyIdentifier = safetyIdentifier;
  }

  /**
   * Returns whether replies carry each token's log probability.
   *
   * @return the setting, or null for the server's default
   */
  public Boolean getLogprobs() {
    return logprobs;
  }

  /**
   * Sets whether replies carry each token's log probability ({@code logprobs}).
   *
   * @param logprobs the setting
   */
  public void setLogprobs(Boolean logprobs) {
    this.logprobs = logprobs;
  }

  /**
   * Returns how many of the most likely tokens each position lists.
   *
   * @return the count, or null for none
   */
  public Integer getTopLogprobs() {
    return topLogprobs;
  }

  /**
   * Sets how many of the most likely tokens each position lists ({@code top-logprobs}, 0 to 20).
   *
   * @param topLogprobs the count
   */
  public void setTopLogprobs(Integer topLogprobs) {
    this.topLogprobs = topLogprobs;
  }

  /**
   * Returns the further top-level body fields.
   *
   * @return the fields as bound, or null for none
   */
  public Map<String, Object> getExtraBody() {
    return extraBody;
  }

  /**
   * Sets further top-level body fields ({@code extra-body.<name>}); a value that is JSON text is
   * sent as that JSON ({@code 3}, {@code true}, {@code "text"}), any other as a string.
   *
   * @param extraBody the fields
   */
  public void setExtraBody(Map<String, Object> extraBody) {
    this.extraBody = extraBody;
  }

  /**
   * Returns whether ChatClient's {@code entity(..)} asks Kimi for the schema natively.
   *
   * @return true by default
   */
  public boolean isProviderStructuredOutput() {
    return providerStructuredOutput;
  }

  /**
   * Sets whether ChatClient's {@code entity(..)} asks Kimi for the schema natively ({@code
   * provider-structured-output}): a {@code json_schema} response format, Kimi's own structured
   * output, instead of format instructions appended to the prompt.
   *
   * @param providerStructuredOutput false for Spring AI's prompt instructions
   */
  public void setProviderStructuredOutput(boolean providerStructuredOutput) {
    this.providerStructuredOutput = providerStructuredOutput;
  }
}
