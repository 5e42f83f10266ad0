package io.github.kimisdk.springai;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Holds the options of a Kimi chat request, as Spring AI 1.1 wants them: Spring AI's portable ones
 * (model, temperature, top-p, max tokens, stop sequences, penalties, tool callbacks, tool names,
 * tool context, whether the model runs the tools), Kimi's own (thinking, reasoning effort, prompt
 * cache key and time to live, tool choice, safety identifier, log probabilities, predicted output),
 * the response format and extra body fields, HTTP headers sent with the request ({@link
 * #getHttpHeaders()}); and, not sent, the tenant the request is made for ({@link #getTenant()}).
 *
 * <pre>{@code
 * KimiChatOptions options = KimiChatOptions.builder()
 *     .model("kimi-k3")
 *     .reasoningEffort("high")
 *     .promptCacheKey("support-bot")
 *     .build();
 * }</pre>
 *
 * <p>Mutable, as Spring AI 1's {@code ChatClient} expects: it copies the model's default options
 * ({@link #copy()}) and sets the request's tools and the schema of {@code entity(..)} on the copy.
 * The same builder methods as kimi-sdk-spring-ai's (Spring AI 2) build them; {@link #mutate()}
 * returns a builder holding a copy.
 *
 * <p>Every option is null (or empty) when unset, and an unset option is not sent: Kimi applies the
 * model's default. kimi-k3 and the other K2.5+ models fix their sampling (temperature, top-p,
 * penalties); leave those unset for them, or the client refuses the request before sending it (see
 * the SDK's {@code SamplingPolicy}). Kimi has no top-k: a request with {@link #getTopK()} set is
 * refused before it is sent.
 *
 * <p>As Spring AI 1 wants, {@link KimiChatModel} runs the tools these options declare (unless
 * {@link #getInternalToolExecutionEnabled()} is false) and sends their results back to Kimi.
 */
public class KimiChatOptions extends AbstractKimiChatOptions
    implements ToolCallingChatOptions, StructuredOutputChatOptions {

  /** The model asked when the options name none: {@value}. */
  public static final String DEFAULT_MODEL = "kimi-k3";

  /** The name under which a schema set with {@code outputSchema} is sent: {@value}. */
  public static final String OUTPUT_SCHEMA_NAME = "response";

  /** Creates options with nothing set; {@link #builder()} builds them. */
  public KimiChatOptions() {
    super(new Values());
  }

  private KimiChatOptions(Values values) {
    super(values);
  }

  /**
   * Returns a new builder with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding a copy of these options.
   *
   * @return the builder
   */
  public Builder mutate() {
    return new Builder(duplicate());
  }

  /**
   * Returns a copy of these options: its lists and maps are its own, the tool callbacks in them
   * shared.
   *
   * @param <T> {@code KimiChatOptions}, as Spring AI's signature spells it
   * @return the copy
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T extends ChatOptions> T copy() {
    return (T) duplicate();
  }

  private KimiChatOptions duplicate() {
    return new KimiChatOptions(values.copy());
  }

  /**
   * Returns these options with {@code other}'s laid over them, as a new set: a value {@code other}
   * sets replaces this one's; tool callbacks and names are the request's when it has any; the tool
   * context, extra body fields and headers are merged, {@code other}'s winning.
   *
   * @param other the options laid over, any {@link ChatOptions}; null returns a copy
   * @return the merged options
   */
  public KimiChatOptions overlaidWith(ChatOptions other) {
    KimiChatOptions merged = duplicate();
    if (other == null) {
      return merged;
    }
    Values m = merged.values;
    m.model = Values.or(other.getModel(), m.model);
    m.frequencyPenalty = Values.or(other.getFrequencyPenalty(), m.frequencyPenalty);
    m.maxTokens = Values.or(other.getMaxTokens(), m.maxTokens);
    m.presencePenalty = Values.or(other.getPresencePenalty(), m.presencePenalty);
    if (other.getStopSequences() != null) {
      m.stopSequences = new ArrayList<>(other.getStopSequences());
    }
    m.temperature = Values.or(other.getTemperature(), m.temperature);
    m.topK = Values.or(other.getTopK(), m.topK);
    m.topP = Values.or(other.getTopP(), m.topP);
    if (other instanceof ToolCallingChatOptions t) {
      if (t.getToolCallbacks() != null && !t.getToolCallbacks().isEmpty()) {
        m.toolCallbacks = new ArrayList<>(t.getToolCallbacks());
      }
      if (t.getToolNames() != null && !t.getToolNames().isEmpty()) {
        m.toolNames = new LinkedHashSet<>(t.getToolNames());
      }
      m.internalToolExecutionEnabled =
          Values.or(t.getInternalToolExecutionEnabled(), m.internalToolExecutionEnabled);
      if (t.getToolContext() != null) {
        m.toolContext.putAll(t.getToolContext());
      }
    }
    if (other instanceof KimiChatOptions k) {
      m.overlayKimi(k.values);
    } else if (other instanceof StructuredOutputChatOptions s && s.getOutputSchema() != null) {
      m.outputSchema(s.getOutputSchema());
    }
    return merged;
  }

  /**
   * Sets the model.
   *
   * @param model the model id; null for {@link #DEFAULT_MODEL}
   */
  public void setModel(String model) {
    values.model = model;
  }

  /**
   * Sets the frequency penalty.
   *
   * @param frequencyPenalty the penalty; null for the model's default
   */
  public void setFrequencyPenalty(Double frequencyPenalty) {
    values.frequencyPenalty = frequencyPenalty;
  }

  /**
   * Sets the output cap, reasoning included.
   *
   * @param maxTokens the cap; null for the server's default
   */
  public void setMaxTokens(Integer maxTokens) {
    values.maxTokens = maxTokens;
  }

  /**
   * Sets the presence penalty.
   *
   * @param presencePenalty the penalty; null for the model's default
   */
  public void setPresencePenalty(Double presencePenalty) {
    values.presencePenalty = presencePenalty;
  }

  /**
   * Sets the temperature (leave it unset for kimi-k3, which fixes it).
   *
   * @param temperature the temperature; null for the model's default
   */
  public void setTemperature(Double temperature) {
    values.temperature = temperature;
  }

  /**
   * Sets top-k, which Kimi refuses before sending.
   *
   * @param topK the value; null (the only value Kimi takes) for none
   */
  public void setTopK(Integer topK) {
    values.topK = topK;
  }

  /**
   * Sets top-p.
   *
   * @param topP the value; null for the model's default
   */
  public void setTopP(Double topP) {
    values.topP = topP;
  }

  /**
   * Sets whether the model thinks.
   *
   * @param thinking the setting; null for the model's default
   */
  public void setThinking(Thinking thinking) {
    values.thinking = thinking;
  }

  /**
   * Sets how hard the model thinks.
   *
   * @param reasoningEffort the level; null for the model's default
   */
  public void setReasoningEffort(String reasoningEffort) {
    values.reasoningEffort = reasoningEffort;
  }

  /**
   * Sets the prompt cache key.
   *
   * @param promptCacheKey the key; null for none
   */
  public void setPromptCacheKey(String promptCacheKey) {
    values.promptCacheKey = promptCacheKey;
  }

  /**
   * Sets how long Kimi keeps the prompt's prefix in its cache.
   *
   * @param promptCacheTtl the time to live; null to ask for nothing
   */
  public void setPromptCacheTtl(CacheTtl promptCacheTtl) {
    values.promptCacheTtl = promptCacheTtl;
  }

  /**
   * Sets the format of the reply.
   *
   * @param responseFormat the format; null for free text
   */
  public void setResponseFormat(ResponseFormat responseFormat) {
    values.responseFormat = responseFormat;
  }

  /**
   * Sets whether and which tool the model must call.
   *
   * @param toolChoice the choice; null for the server's default
   */
  public void setToolChoice(ToolChoice toolChoice) {
    values.toolChoice = toolChoice;
  }

  /**
   * Sets the end user's id.
   *
   * @param safetyIdentifier the id; null for none
   */
  public void setSafetyIdentifier(String safetyIdentifier) {
    values.safetyIdentifier = safetyIdentifier;
  }

  /**
   * Sets whether the reply carries each token's log probability.
   *
   * @param logprobs the setting; null for the server's default
   */
  public void setLogprobs(Boolean logprobs) {
    values.logprobs = logprobs;
  }

  /**
   * Sets how many of the most likely tokens each position lists.
   *
   * @param topLogprobs 0 to 20, with logprobs; null for none
   */
  public void setTopLogprobs(Integer topLogprobs) {
    values.topLogprobs = topLogprobs;
  }

  /**
   * Sets the text the reply is expected to largely repeat.
   *
   * @param prediction the prediction; null for none
   */
  public void setPrediction(Prediction prediction) {
    values.prediction = prediction;
  }

  /**
   * Sets the tenant the request is made for.
   *
   * @param tenant the tenant's account name; null for the model's own client
   */
  public void setTenant(String tenant) {
    values.tenant = tenant;
  }

  /**
   * Sets the stop sequences.
   *
   * @param stopSequences the sequences; null for none
   */
  public void setStopSequences(List<String> stopSequences) {
    values.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
  }

  @Override
  public void setToolCallbacks(List<ToolCallback> toolCallbacks) {
    values.toolCallbacks =
        toolCallbacks == null ? new ArrayList<>() : new ArrayList<>(toolCallbacks);
  }

  @Override
  public Set<String> getToolNames() {
    return values.toolNames;
  }

  @Override
  public void setToolNames(Set<String> toolNames) {
    values.toolNames = toolNames == null ? new LinkedHashSet<>() : new LinkedHashSet<>(toolNames);
  }

  @Override
  public Boolean getInternalToolExecutionEnabled() {
    return values.internalToolExecutionEnabled;
  }

  @Override
  public void setInternalToolExecutionEnabled(Boolean internalToolExecutionEnabled) {
    values.internalToolExecutionEnabled = internalToolExecutionEnabled;
  }

  @Override
  public void setToolContext(Map<String, Object> toolContext) {
    values.toolContext =
        toolContext == null ? new LinkedHashMap<>() : new LinkedHashMap<>(toolContext);
  }

  /**
   * Sets the JSON Schema the reply must follow (what {@code ChatClient}'s {@code entity(..)} sets
   * with native structured output): sent as a {@code json_schema} response format named {@value
   * #OUTPUT_SCHEMA_NAME}, rewritten into the JSON Schema Kimi accepts ({@link
   * JsonSchema#normalize}).
   *
   * @param outputSchema the schema as JSON text; null for free text
   * @throws io.github.kimisdk.json.JsonException if the text is not JSON
   * @throws IllegalArgumentException if the schema cannot be made one Kimi accepts
   */
  @Override
  public void setOutputSchema(String outputSchema) {
    values.outputSchema(outputSchema);
  }

  /**
   * Builds {@link KimiChatOptions}, with the same methods as kimi-sdk-spring-ai's builder (Spring
   * AI 2), so code and properties read the same on both lines.
   */
  public static class Builder implements ToolCallingChatOptions.Builder {

    private final KimiChatOptions o;

    /** Creates a builder with nothing set; see {@link KimiChatOptions#builder()}. */
    protected Builder() {
      this(new KimiChatOptions());
    }

    private Builder(KimiChatOptions o) {
      this.o = o;
    }

    @Override
    public Builder model(String model) {
      o.setModel(model);
      return this;
    }

    @Override
    public Builder frequencyPenalty(Double frequencyPenalty) {
      o.setFrequencyPenalty(frequencyPenalty);
      return this;
    }

    @Override
    public Builder maxTokens(Integer maxTokens) {
      o.setMaxTokens(maxTokens);
      return this;
    }

    @Override
    public Builder presencePenalty(Double presencePenalty) {
      o.setPresencePenalty(presencePenalty);
      return this;
    }

    @Override
    public Builder stopSequences(List<String> stopSequences) {
      o.setStopSequences(stopSequences);
      return this;
    }

    @Override
    public Builder temperature(Double temperature) {
      o.setTemperature(temperature);
      return this;
    }

    @Override
    public Builder topK(Integer topK) {
      o.setTopK(topK);
      return this;
    }

    @Override
    public Builder topP(Double topP) {
      o.setTopP(topP);
      return this;
    }

    @Override
    public Builder toolCallbacks(List<ToolCallback> toolCallbacks) {
      o.setToolCallbacks(toolCallbacks);
      return this;
    }

    @Override
    public Builder toolCallbacks(ToolCallback... toolCallbacks) {
      return toolCallbacks(List.of(toolCallbacks));
    }

    @Override
    public Builder toolNames(Set<String> toolNames) {
      o.setToolNames(toolNames);
      return this;
    }

    @Override
    public Builder toolNames(String... toolNames) {
      return toolNames(new LinkedHashSet<>(List.of(toolNames)));
    }

    @Override
    public Builder internalToolExecutionEnabled(Boolean internalToolExecutionEnabled) {
      o.setInternalToolExecutionEnabled(internalToolExecutionEnabled);
      return this;
    }

    @Override
    public Builder toolContext(Map<String, Object> toolContext) {
      if (toolContext != null) {
        o.values.toolContext.putAll(toolContext);
      }
      return this;
    }

    @Override
    public Builder toolContext(String key, Object value) {
      o.values.toolContext.put(key, value);
      return this;
    }

    /**
     * Sets whether the model thinks ({@link Thinking#enabled()}, {@link Thinking#disabled()},
     * {@link Thinking#preserved()}).
     *
     * @param thinking the setting; null for the model's default
     * @return this builder
     */
    public Builder thinking(Thinking thinking) {
      o.setThinking(thinking);
      return this;
    }

    /**
     * Sets how hard the model thinks, sent as {@code reasoning_effort}.
     *
     * @param reasoningEffort the level, such as {@code "high"}; null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      o.setReasoningEffort(reasoningEffort);
      return this;
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey a stable session or task id; null for none
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      o.setPromptCacheKey(promptCacheKey);
      return this;
    }

    /**
     * Sets how long Kimi keeps the prompt's prefix in its cache.
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      o.setPromptCacheTtl(promptCacheTtl);
      return this;
    }

    /**
     * Sets the format of the reply, such as {@link ResponseFormat#jsonObject()}.
     *
     * @param responseFormat the format; null for free text
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      o.setResponseFormat(responseFormat);
      return this;
    }

    /**
     * Sets whether and which tool the model must call.
     *
     * @param toolChoice the choice; null for the server's default
     * @return this builder
     */
    public Builder toolChoice(ToolChoice toolChoice) {
      o.setToolChoice(toolChoice);
      return this;
    }

    /**
     * Sets the stable, preferably hashed, id of the end user ({@code safety_identifier}).
     *
     * @param safetyIdentifier the id; null for none
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      o.setSafetyIdentifier(safetyIdentifier);
      return this;
    }

    /**
     * Sets whether the reply carries each token's log probability ({@code logprobs}).
     *
     * @param logprobs true to ask for them; null for the server's default
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      o.setLogprobs(logprobs);
      return this;
    }

    /**
     * Sets how many of the most likely tokens each position lists ({@code top_logprobs}).
     *
     * @param topLogprobs 0 to 20, with logprobs set; null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      o.setTopLogprobs(topLogprobs);
      return this;
    }

    /**
     * Sets the text the reply is expected to largely repeat ({@code prediction}).
     *
     * @param prediction the prediction; null for none
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      o.setPrediction(prediction);
      return this;
    }

    /**
     * Adds further top-level body fields, sent as they are. A {@link JsonValue} is sent as it is;
     * any other value as {@link Json#toJson(Object)} writes it. A field added again replaces the
     * earlier value; a null value removes the field.
     *
     * @param extraBody the fields; null adds nothing
     * @return this builder
     * @throws IllegalArgumentException if a value cannot be written as JSON
     */
    public Builder extraBody(Map<String, ?> extraBody) {
      o.values.putExtraBody(extraBody);
      return this;
    }

    /**
     * Sets the tenant the request is made for (see {@link KimiChatOptions#getTenant()}).
     *
     * @param tenant the tenant's account name; null for the model's own client
     * @return this builder
     */
    public Builder tenant(String tenant) {
      o.setTenant(tenant);
      return this;
    }

    /**
     * Adds HTTP headers to the request. A header added again replaces the earlier value (names
     * compare without case); a null value removes it. The key's headers and those the client
     * manages are refused when the request is sent.
     *
     * @param httpHeaders the headers; null adds nothing
     * @return this builder
     */
    public Builder httpHeaders(Map<String, String> httpHeaders) {
      o.values.putHttpHeaders(httpHeaders);
      return this;
    }

    /**
     * Sets the JSON Schema the reply must follow (see {@link KimiChatOptions#setOutputSchema}).
     *
     * @param outputSchema the schema as JSON text; null for free text
     * @return this builder
     */
    public Builder outputSchema(String outputSchema) {
      o.setOutputSchema(outputSchema);
      return this;
    }

    /**
     * Builds the options: a copy of what this builder holds, so the builder can go on.
     *
     * @return the options
     */
    @Override
    public KimiChatOptions build() {
      return o.duplicate();
    }
  }
}
