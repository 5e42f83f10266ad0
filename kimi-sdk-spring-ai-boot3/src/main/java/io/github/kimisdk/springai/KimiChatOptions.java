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
import java.util.Objects;
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
public class KimiChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {

  /** The model asked when the options name none: {@value}. */
  public static final String DEFAULT_MODEL = "kimi-k3";

  /** The name under which a schema set with {@code outputSchema} is sent: {@value}. */
  public static final String OUTPUT_SCHEMA_NAME = "response";

  private String model;
  private Double frequencyPenalty;
  private Integer maxTokens;
  private Double presencePenalty;
  private List<String> stopSequences;
  private Double temperature;
  private Integer topK;
  private Double topP;
  private List<ToolCallback> toolCallbacks = new ArrayList<>();
  private Set<String> toolNames = new LinkedHashSet<>();
  private Boolean internalToolExecutionEnabled;
  private Map<String, Object> toolContext = new LinkedHashMap<>();
  private Thinking thinking;
  private String reasoningEffort;
  private String promptCacheKey;
  private CacheTtl promptCacheTtl;
  private ResponseFormat responseFormat;
  private ToolChoice toolChoice;
  private String safetyIdentifier;
  private Boolean logprobs;
  private Integer topLogprobs;
  private Prediction prediction;
  private Map<String, JsonValue> extraBody = new LinkedHashMap<>();
  private String tenant;
  private Map<String, String> httpHeaders = new LinkedHashMap<>();

  /** Creates options with nothing set; {@link #builder()} builds them. */
  public KimiChatOptions() {}

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
    KimiChatOptions c = new KimiChatOptions();
    c.model = model;
    c.frequencyPenalty = frequencyPenalty;
    c.maxTokens = maxTokens;
    c.presencePenalty = presencePenalty;
    c.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
    c.temperature = temperature;
    c.topK = topK;
    c.topP = topP;
    c.toolCallbacks = new ArrayList<>(toolCallbacks);
    c.toolNames = new LinkedHashSet<>(toolNames);
    c.internalToolExecutionEnabled = internalToolExecutionEnabled;
    c.toolContext = new LinkedHashMap<>(toolContext);
    c.thinking = thinking;
    c.reasoningEffort = reasoningEffort;
    c.promptCacheKey = promptCacheKey;
    c.promptCacheTtl = promptCacheTtl;
    c.responseFormat = responseFormat;
    c.toolChoice = toolChoice;
    c.safetyIdentifier = safetyIdentifier;
    c.logprobs = logprobs;
    c.topLogprobs = topLogprobs;
    c.prediction = prediction;
    c.extraBody = new LinkedHashMap<>(extraBody);
    c.tenant = tenant;
    c.httpHeaders = new LinkedHashMap<>(httpHeaders);
    return c;
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
    KimiChatOptions m = duplicate();
    if (other == null) {
      return m;
    }
    m.model = or(other.getModel(), model);
    m.frequencyPenalty = or(other.getFrequencyPenalty(), frequencyPenalty);
    m.maxTokens = or(other.getMaxTokens(), maxTokens);
    m.presencePenalty = or(other.getPresencePenalty(), presencePenalty);
    if (other.getStopSequences() != null) {
      m.stopSequences = new ArrayList<>(other.getStopSequences());
    }
    m.temperature = or(other.getTemperature(), temperature);
    m.topK = or(other.getTopK(), topK);
    m.topP = or(other.getTopP(), topP);
    if (other instanceof ToolCallingChatOptions t) {
      if (t.getToolCallbacks() != null && !t.getToolCallbacks().isEmpty()) {
        m.toolCallbacks = new ArrayList<>(t.getToolCallbacks());
      }
      if (t.getToolNames() != null && !t.getToolNames().isEmpty()) {
        m.toolNames = new LinkedHashSet<>(t.getToolNames());
      }
      m.internalToolExecutionEnabled =
          or(t.getInternalToolExecutionEnabled(), internalToolExecutionEnabled);
      if (t.getToolContext() != null) {
        m.toolContext.putAll(t.getToolContext());
      }
    }
    if (other instanceof KimiChatOptions k) {
      m.thinking = or(k.thinking, thinking);
      m.reasoningEffort = or(k.reasoningEffort, reasoningEffort);
      m.promptCacheKey = or(k.promptCacheKey, promptCacheKey);
      m.promptCacheTtl = or(k.promptCacheTtl, promptCacheTtl);
      m.responseFormat = or(k.responseFormat, responseFormat);
      m.toolChoice = or(k.toolChoice, toolChoice);
      m.safetyIdentifier = or(k.safetyIdentifier, safetyIdentifier);
      m.logprobs = or(k.logprobs, logprobs);
      m.topLogprobs = or(k.topLogprobs, topLogprobs);
      m.prediction = or(k.prediction, prediction);
      m.extraBody.putAll(k.extraBody);
      m.setHttpHeadersOver(k.httpHeaders);
      m.tenant = or(k.tenant, tenant);
    } else if (other instanceof StructuredOutputChatOptions s && s.getOutputSchema() != null) {
      m.setOutputSchema(s.getOutputSchema());
    }
    return m;
  }

  private static <T> T or(T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  @Override
  public String getModel() {
    return model;
  }

  /**
   * Sets the model.
   *
   * @param model the model id; null for {@link #DEFAULT_MODEL}
   */
  public void setModel(String model) {
    this.model = model;
  }

  @Override
  public Double getFrequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * Sets the frequency penalty.
   *
   * @param frequencyPenalty the penalty; null for the model's default
   */
  public void setFrequencyPenalty(Double frequencyPenalty) {
    this.frequencyPenalty = frequencyPenalty;
  }

  /**
   * Returns the output cap, reasoning included, sent as {@code max_completion_tokens}.
   *
   * @return the cap, or null for the server's default
   */
  @Override
  public Integer getMaxTokens() {
    return maxTokens;
  }

  /**
   * Sets the output cap, reasoning included.
   *
   * @param maxTokens the cap; null for the server's default
   */
  public void setMaxTokens(Integer maxTokens) {
    this.maxTokens = maxTokens;
  }

  @Override
  public Double getPresencePenalty() {
    return presencePenalty;
  }

  /**
   * Sets the presence penalty.
   *
   * @param presencePenalty the penalty; null for the model's default
   */
  public void setPresencePenalty(Double presencePenalty) {
    this.presencePenalty = presencePenalty;
  }

  @Override
  public List<String> getStopSequences() {
    return stopSequences;
  }

  /**
   * Sets the stop sequences.
   *
   * @param stopSequences the sequences; null for none
   */
  public void setStopSequences(List<String> stopSequences) {
    this.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
  }

  @Override
  public Double getTemperature() {
    return temperature;
  }

  /**
   * Sets the temperature (leave it unset for kimi-k3, which fixes it).
   *
   * @param temperature the temperature; null for the model's default
   */
  public void setTemperature(Double temperature) {
    this.temperature = temperature;
  }

  /**
   * Returns top-k, which Kimi does not take: a request with it set is refused before it is sent.
   *
   * @return the value set, or null
   */
  @Override
  public Integer getTopK() {
    return topK;
  }

  /**
   * Sets top-k, which Kimi refuses before sending.
   *
   * @param topK the value; null (the only value Kimi takes) for none
   */
  public void setTopK(Integer topK) {
    this.topK = topK;
  }

  @Override
  public Double getTopP() {
    return topP;
  }

  /**
   * Sets top-p.
   *
   * @param topP the value; null for the model's default
   */
  public void setTopP(Double topP) {
    this.topP = topP;
  }

  @Override
  public List<ToolCallback> getToolCallbacks() {
    return toolCallbacks;
  }

  @Override
  public void setToolCallbacks(List<ToolCallback> toolCallbacks) {
    this.toolCallbacks = toolCallbacks == null ? new ArrayList<>() : new ArrayList<>(toolCallbacks);
  }

  @Override
  public Set<String> getToolNames() {
    return toolNames;
  }

  @Override
  public void setToolNames(Set<String> toolNames) {
    this.toolNames = toolNames == null ? new LinkedHashSet<>() : new LinkedHashSet<>(toolNames);
  }

  @Override
  public Boolean getInternalToolExecutionEnabled() {
    return internalToolExecutionEnabled;
  }

  @Override
  public void setInternalToolExecutionEnabled(Boolean internalToolExecutionEnabled) {
    this.internalToolExecutionEnabled = internalToolExecutionEnabled;
  }

  @Override
  public Map<String, Object> getToolContext() {
    return toolContext;
  }

  @Override
  public void setToolContext(Map<String, Object> toolContext) {
    this.toolContext =
        toolContext == null ? new LinkedHashMap<>() : new LinkedHashMap<>(toolContext);
  }

  /**
   * Returns whether the model thinks, for models that let the caller choose (kimi-k2.5, k2.6), and
   * whether it keeps earlier reasoning ({@link Thinking#preserved()}).
   *
   * @return the setting, or null for the model's default
   */
  public Thinking getThinking() {
    return thinking;
  }

  /**
   * Sets whether the model thinks.
   *
   * @param thinking the setting; null for the model's default
   */
  public void setThinking(Thinking thinking) {
    this.thinking = thinking;
  }

  /**
   * Returns how hard the model thinks, sent as {@code reasoning_effort} (kimi-k3: {@code low},
   * {@code high}, {@code max}).
   *
   * @return the level, or null for the model's default
   */
  public String getReasoningEffort() {
    return reasoningEffort;
  }

  /**
   * Sets how hard the model thinks.
   *
   * @param reasoningEffort the level; null for the model's default
   */
  public void setReasoningEffort(String reasoningEffort) {
    this.reasoningEffort = reasoningEffort;
  }

  /**
   * Returns the prompt cache key: a stable session or task id that improves Kimi's prefix-cache
   * hits.
   *
   * @return the key, or null
   */
  public String getPromptCacheKey() {
    return promptCacheKey;
  }

  /**
   * Sets the prompt cache key.
   *
   * @param promptCacheKey the key; null for none
   */
  public void setPromptCacheKey(String promptCacheKey) {
    this.promptCacheKey = promptCacheKey;
  }

  /**
   * Returns how long Kimi keeps the prompt's prefix in its cache, sent as {@code
   * prompt_cache_options}.
   *
   * @return the time to live, or null to ask for nothing (five minutes)
   */
  public CacheTtl getPromptCacheTtl() {
    return promptCacheTtl;
  }

  /**
   * Sets how long Kimi keeps the prompt's prefix in its cache.
   *
   * @param promptCacheTtl the time to live; null to ask for nothing
   */
  public void setPromptCacheTtl(CacheTtl promptCacheTtl) {
    this.promptCacheTtl = promptCacheTtl;
  }

  /**
   * Returns the format of the reply.
   *
   * @return the format, or null for free text
   */
  public ResponseFormat getResponseFormat() {
    return responseFormat;
  }

  /**
   * Sets the format of the reply.
   *
   * @param responseFormat the format; null for free text
   */
  public void setResponseFormat(ResponseFormat responseFormat) {
    this.responseFormat = responseFormat;
  }

  /**
   * Returns whether and which tool the model must call, sent as {@code tool_choice}; it holds on
   * every step of the tool loop.
   *
   * @return the choice, or null for the server's default ({@code auto})
   */
  public ToolChoice getToolChoice() {
    return toolChoice;
  }

  /**
   * Sets whether and which tool the model must call.
   *
   * @param toolChoice the choice; null for the server's default
   */
  public void setToolChoice(ToolChoice toolChoice) {
    this.toolChoice = toolChoice;
  }

  /**
   * Returns the stable, preferably hashed, id of the end user, sent as {@code safety_identifier}.
   *
   * @return the id, or null
   */
  public String getSafetyIdentifier() {
    return safetyIdentifier;
  }

  /**
   * Sets the end user's id.
   *
   * @param safetyIdentifier the id; null for none
   */
  public void setSafetyIdentifier(String safetyIdentifier) {
    this.safetyIdentifier = safetyIdentifier;
  }

  /**
   * Returns whether the reply carries the log probability of each token ({@code logprobs}).
   *
   * @return the setting, or null for the server's default (no)
   */
  public Boolean getLogprobs() {
    return logprobs;
  }

  /**
   * Sets whether the reply carries each token's log probability.
   *
   * @param logprobs the setting; null for the server's default
   */
  public void setLogprobs(Boolean logprobs) {
    this.logprobs = logprobs;
  }

  /**
   * Returns how many of the most likely tokens each position lists ({@code top_logprobs}).
   *
   * @return the count, or null for none
   */
  public Integer getTopLogprobs() {
    return topLogprobs;
  }

  /**
   * Sets how many of the most likely tokens each position lists.
   *
   * @param topLogprobs 0 to 20, with logprobs; null for none
   */
  public void setTopLogprobs(Integer topLogprobs) {
    this.topLogprobs = topLogprobs;
  }

  /**
   * Returns the text the reply is expected to largely repeat ({@code prediction}).
   *
   * @return the prediction, or null for none
   */
  public Prediction getPrediction() {
    return prediction;
  }

  /**
   * Sets the text the reply is expected to largely repeat.
   *
   * @param prediction the prediction; null for none
   */
  public void setPrediction(Prediction prediction) {
    this.prediction = prediction;
  }

  /**
   * Returns further top-level body fields, sent as they are.
   *
   * @return the fields, in the order they are sent; empty when there are none
   */
  public Map<String, JsonValue> getExtraBody() {
    return extraBody;
  }

  /**
   * Returns the tenant the request is made for: the model sends it with that tenant's client, which
   * its {@link KimiTenants} gives. Not part of the request Kimi receives.
   *
   * @return the tenant's account name, or null for the model's own client
   */
  public String getTenant() {
    return tenant;
  }

  /**
   * Sets the tenant the request is made for.
   *
   * @param tenant the tenant's account name; null for the model's own client
   */
  public void setTenant(String tenant) {
    this.tenant = tenant;
  }

  /**
   * Returns the HTTP headers sent with the request, after the client's own.
   *
   * @return the headers by name, in the order set; empty when none, never null
   */
  public Map<String, String> getHttpHeaders() {
    return httpHeaders;
  }

  private void setHttpHeadersOver(Map<String, String> headers) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      httpHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(e.getKey()));
      if (e.getValue() != null) {
        httpHeaders.put(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Returns the JSON Schema the reply must follow, as sent (normalised to what Kimi accepts).
   *
   * @return the schema as JSON text, or null when the response format is not a JSON schema
   */
  @Override
  public String getOutputSchema() {
    return responseFormat != null
            && responseFormat.type() == ResponseFormat.Type.JSON_SCHEMA
            && responseFormat.schema() != null
        ? Json.write(responseFormat.schema())
        : null;
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
    this.responseFormat =
        outputSchema == null
            ? null
            : ResponseFormat.jsonSchema(
                OUTPUT_SCHEMA_NAME, JsonSchema.normalize(Json.parse(outputSchema)).schema());
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (o == null || getClass() != o.getClass()) {
      return false;
    }
    KimiChatOptions that = (KimiChatOptions) o;
    return Objects.equals(model, that.model)
        && Objects.equals(frequencyPenalty, that.frequencyPenalty)
        && Objects.equals(maxTokens, that.maxTokens)
        && Objects.equals(presencePenalty, that.presencePenalty)
        && Objects.equals(stopSequences, that.stopSequences)
        && Objects.equals(temperature, that.temperature)
        && Objects.equals(topK, that.topK)
        && Objects.equals(topP, that.topP)
        && toolCallbacks.equals(that.toolCallbacks)
        && toolNames.equals(that.toolNames)
        && Objects.equals(internalToolExecutionEnabled, that.internalToolExecutionEnabled)
        && toolContext.equals(that.toolContext)
        && Objects.equals(thinking, that.thinking)
        && Objects.equals(reasoningEffort, that.reasoningEffort)
        && Objects.equals(promptCacheKey, that.promptCacheKey)
        && promptCacheTtl == that.promptCacheTtl
        && Objects.equals(responseFormat, that.responseFormat)
        && Objects.equals(toolChoice, that.toolChoice)
        && Objects.equals(safetyIdentifier, that.safetyIdentifier)
        && Objects.equals(logprobs, that.logprobs)
        && Objects.equals(topLogprobs, that.topLogprobs)
        && Objects.equals(prediction, that.prediction)
        && extraBody.equals(that.extraBody)
        && httpHeaders.equals(that.httpHeaders)
        && Objects.equals(tenant, that.tenant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        model,
        frequencyPenalty,
        maxTokens,
        presencePenalty,
        stopSequences,
        temperature,
        topK,
        topP,
        toolCallbacks,
        toolNames,
        internalToolExecutionEnabled,
        toolContext,
        thinking,
        reasoningEffort,
        promptCacheKey,
        promptCacheTtl,
        responseFormat,
        toolChoice,
        safetyIdentifier,
        logprobs,
        topLogprobs,
        prediction,
        extraBody,
        httpHeaders,
        tenant);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("KimiChatOptions[model=").append(model);
    append(sb, "temperature", temperature);
    append(sb, "topP", topP);
    append(sb, "topK", topK);
    append(sb, "maxTokens", maxTokens);
    append(sb, "stopSequences", stopSequences);
    append(sb, "frequencyPenalty", frequencyPenalty);
    append(sb, "presencePenalty", presencePenalty);
    append(sb, "thinking", thinking);
    append(sb, "reasoningEffort", reasoningEffort);
    append(sb, "promptCacheKey", promptCacheKey);
    append(sb, "promptCacheTtl", promptCacheTtl);
    append(sb, "responseFormat", responseFormat == null ? null : responseFormat.type());
    append(sb, "toolChoice", toolChoice);
    // the end user's id and the predicted text are the application's data: named, not shown
    append(sb, "safetyIdentifier", safetyIdentifier == null ? null : "(set)");
    append(sb, "logprobs", logprobs);
    append(sb, "topLogprobs", topLogprobs);
    append(sb, "prediction", prediction == null ? null : "(set)");
    append(sb, "extraBody", extraBody.isEmpty() ? null : extraBody.keySet());
    append(sb, "tenant", tenant);
    // header values may hold credentials: named, not shown
    append(sb, "httpHeaders", httpHeaders.isEmpty() ? null : httpHeaders.keySet());
    append(sb, "internalToolExecutionEnabled", internalToolExecutionEnabled);
    append(sb, "toolNames", toolNames.isEmpty() ? null : toolNames);
    if (!toolCallbacks.isEmpty()) {
      List<String> names = new ArrayList<>(toolCallbacks.size());
      for (ToolCallback c : toolCallbacks) {
        names.add(c.getToolDefinition().name());
      }
      append(sb, "tools", names);
    }
    return sb.append(']').toString();
  }

  private static void append(StringBuilder sb, String name, Object value) {
    if (value != null) {
      sb.append(", ").append(name).append('=').append(value);
    }
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
      o.model = model;
      return this;
    }

    @Override
    public Builder frequencyPenalty(Double frequencyPenalty) {
      o.frequencyPenalty = frequencyPenalty;
      return this;
    }

    @Override
    public Builder maxTokens(Integer maxTokens) {
      o.maxTokens = maxTokens;
      return this;
    }

    @Override
    public Builder presencePenalty(Double presencePenalty) {
      o.presencePenalty = presencePenalty;
      return this;
    }

    @Override
    public Builder stopSequences(List<String> stopSequences) {
      o.setStopSequences(stopSequences);
      return this;
    }

    @Override
    public Builder temperature(Double temperature) {
      o.temperature = temperature;
      return this;
    }

    @Override
    public Builder topK(Integer topK) {
      o.topK = topK;
      return this;
    }

    @Override
    public Builder topP(Double topP) {
      o.topP = topP;
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
      o.internalToolExecutionEnabled = internalToolExecutionEnabled;
      return this;
    }

    @Override
    public Builder toolContext(Map<String, Object> toolContext) {
      if (toolContext != null) {
        o.toolContext.putAll(toolContext);
      }
      return this;
    }

    @Override
    public Builder toolContext(String key, Object value) {
      o.toolContext.put(key, value);
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
      o.thinking = thinking;
      return this;
    }

    /**
     * Sets how hard the model thinks, sent as {@code reasoning_effort}.
     *
     * @param reasoningEffort the level, such as {@code "high"}; null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      o.reasoningEffort = reasoningEffort;
      return this;
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey a stable session or task id; null for none
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      o.promptCacheKey = promptCacheKey;
      return this;
    }

    /**
     * Sets how long Kimi keeps the prompt's prefix in its cache.
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      o.promptCacheTtl = promptCacheTtl;
      return this;
    }

    /**
     * Sets the format of the reply, such as {@link ResponseFormat#jsonObject()}.
     *
     * @param responseFormat the format; null for free text
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      o.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets whether and which tool the model must call.
     *
     * @param toolChoice the choice; null for the server's default
     * @return this builder
     */
    public Builder toolChoice(ToolChoice toolChoice) {
      o.toolChoice = toolChoice;
      return this;
    }

    /**
     * Sets the stable, preferably hashed, id of the end user ({@code safety_identifier}).
     *
     * @param safetyIdentifier the id; null for none
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      o.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Sets whether the reply carries each token's log probability ({@code logprobs}).
     *
     * @param logprobs true to ask for them; null for the server's default
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      o.logprobs = logprobs;
      return this;
    }

    /**
     * Sets how many of the most likely tokens each position lists ({@code top_logprobs}).
     *
     * @param topLogprobs 0 to 20, with logprobs set; null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      o.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets the text the reply is expected to largely repeat ({@code prediction}).
     *
     * @param prediction the prediction; null for none
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      o.prediction = prediction;
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
      if (extraBody != null) {
        for (Map.Entry<String, ?> e : extraBody.entrySet()) {
          String name =
              Objects.requireNonNull(e.getKey(), "extraBody field names must not be null");
          Object value = e.getValue();
          if (value == null) {
            o.extraBody.remove(name);
          } else {
            o.extraBody.put(name, value instanceof JsonValue j ? j : Json.toJson(value));
          }
        }
      }
      return this;
    }

    /**
     * Sets the tenant the request is made for (see {@link KimiChatOptions#getTenant()}).
     *
     * @param tenant the tenant's account name; null for the model's own client
     * @return this builder
     */
    public Builder tenant(String tenant) {
      o.tenant = tenant;
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
      if (httpHeaders != null) {
        for (String name : httpHeaders.keySet()) {
          Objects.requireNonNull(name, "header names must not be null");
        }
        o.setHttpHeadersOver(httpHeaders);
      }
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
