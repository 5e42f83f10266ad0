package io.github.kimisdk.springai;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatSettings;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * What {@link KimiChatOptions} reads the same on both Spring lines: its values ({@link Values}),
 * every getter, equality and text, and the one mapping of the options onto the SDK's request
 * ({@link #settings()}). Each line's {@code KimiChatOptions} adds how its options are made and
 * changed (immutable and built on Spring AI 2, mutable beans on Spring AI 1.1) and Spring AI's
 * {@code StructuredOutputChatOptions}, whose {@code mutate()} each line's Spring AI spells its own
 * way ({@link #getOutputSchema()} is here).
 */
abstract class AbstractKimiChatOptions implements ToolCallingChatOptions {

  /**
   * The values, held through a final field: the Spring AI 2 line never changes them after it made
   * them (its lists and maps unmodifiable), so its options are safely shared between threads; the
   * Spring AI 1.1 line's setters change them in place.
   */
  final Values values;

  AbstractKimiChatOptions(Values values) {
    this.values = values;
  }

  @Override
  public String getModel() {
    return values.model;
  }

  @Override
  public Double getFrequencyPenalty() {
    return values.frequencyPenalty;
  }

  /**
   * Returns the output cap, reasoning included, sent as {@code max_completion_tokens}.
   *
   * @return the cap, or null for the server's default
   */
  @Override
  public Integer getMaxTokens() {
    return values.maxTokens;
  }

  @Override
  public Double getPresencePenalty() {
    return values.presencePenalty;
  }

  @Override
  public List<String> getStopSequences() {
    return values.stopSequences;
  }

  @Override
  public Double getTemperature() {
    return values.temperature;
  }

  /**
   * Returns top-k, which Kimi does not take: a request with it set is refused before it is sent.
   *
   * @return the value set, or null
   */
  @Override
  public Integer getTopK() {
    return values.topK;
  }

  @Override
  public Double getTopP() {
    return values.topP;
  }

  /**
   * Returns the tools declared to the model.
   *
   * @return the callbacks (unmodifiable where the options are immutable); empty when there are none
   */
  @Override
  public List<ToolCallback> getToolCallbacks() {
    return values.toolCallbacks;
  }

  /**
   * Returns the context passed to the tools when they run; never sent to Kimi.
   *
   * @return the context (unmodifiable where the options are immutable); empty when there is none
   */
  @Override
  public Map<String, Object> getToolContext() {
    return values.toolContext;
  }

  /**
   * Returns whether the model thinks, for models that let the caller choose (kimi-k2.5, k2.6), and
   * whether it keeps earlier reasoning ({@link Thinking#preserved()}).
   *
   * @return the setting, or null for the model's default
   */
  public Thinking getThinking() {
    return values.thinking;
  }

  /**
   * Returns how hard the model thinks, sent as {@code reasoning_effort} (kimi-k3: {@code low},
   * {@code high}, {@code max}).
   *
   * @return the level, or null for the model's default
   */
  public String getReasoningEffort() {
    return values.reasoningEffort;
  }

  /**
   * Returns the prompt cache key: a stable session or task id that improves Kimi's prefix-cache
   * hits.
   *
   * @return the key, or null
   */
  public String getPromptCacheKey() {
    return values.promptCacheKey;
  }

  /**
   * Returns how long Kimi keeps the prompt's prefix in its cache, sent as {@code
   * prompt_cache_options}.
   *
   * @return the time to live, or null to ask for nothing (five minutes)
   */
  public CacheTtl getPromptCacheTtl() {
    return values.promptCacheTtl;
  }

  /**
   * Returns the format of the reply.
   *
   * @return the format, or null for free text
   */
  public ResponseFormat getResponseFormat() {
    return values.responseFormat;
  }

  /**
   * Returns whether and which tool the model must call, sent as {@code tool_choice}. It holds for
   * every step of the tool loop: {@link ToolChoice#required()} there forces a call on each step, so
   * set it for one request that ends the loop by itself.
   *
   * @return the choice, or null for the server's default ({@code auto})
   */
  public ToolChoice getToolChoice() {
    return values.toolChoice;
  }

  /**
   * Returns the stable, preferably hashed, id of the end user, sent as {@code safety_identifier}.
   *
   * @return the id, or null
   */
  public String getSafetyIdentifier() {
    return values.safetyIdentifier;
  }

  /**
   * Returns whether the reply carries the log probability of each token ({@code logprobs}); they
   * come back in each generation's metadata under {@value KimiChatModel#LOGPROBS}.
   *
   * @return the setting, or null for the server's default (no)
   */
  public Boolean getLogprobs() {
    return values.logprobs;
  }

  /**
   * Returns how many of the most likely tokens each position lists ({@code top_logprobs}, 0 to 20;
   * needs {@link #getLogprobs()}).
   *
   * @return the count, or null for none
   */
  public Integer getTopLogprobs() {
    return values.topLogprobs;
  }

  /**
   * Returns the text the reply is expected to largely repeat ({@code prediction}), such as a file
   * being edited.
   *
   * @return the prediction, or null for none
   */
  public Prediction getPrediction() {
    return values.prediction;
  }

  /**
   * Returns further top-level body fields, sent as they are, for parameters these options do not
   * model.
   *
   * @return the fields, in the order they are sent; empty when there are none
   */
  public Map<String, JsonValue> getExtraBody() {
    return values.extraBody;
  }

  /**
   * Returns the tenant the request is made for: the model sends it with that tenant's client (its
   * key, its spend, its rate limit), which its {@link KimiTenants} gives. Not part of the request
   * Kimi receives.
   *
   * @return the tenant's account name, or null for the model's own client
   */
  public String getTenant() {
    return values.tenant;
  }

  /**
   * Returns the HTTP headers sent with the request, after the client's own (a header of the same
   * name replaces the client's): a gateway's authorization, a tenant id, a trace id, computed per
   * request. The request's options' headers are added to the model's default options' headers,
   * replacing those of the same name, as Spring AI merges options.
   *
   * @return the headers by name, in the order set; empty when none, never null
   */
  public Map<String, String> getHttpHeaders() {
    return values.httpHeaders;
  }

  /**
   * Returns the JSON Schema the reply must follow, as sent (normalised to what Kimi accepts).
   *
   * @return the schema as JSON text, or null when the response format is not a JSON schema
   */
  public String getOutputSchema() {
    ResponseFormat f = values.responseFormat;
    return f != null && f.type() == ResponseFormat.Type.JSON_SCHEMA && f.schema() != null
        ? Json.write(f.schema())
        : null;
  }

  /** The options' settings of the SDK's request: the one mapping of their names onto it. */
  ChatSettings settings() {
    return values.settings();
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || o != null
            && getClass() == o.getClass()
            && values.equals(((AbstractKimiChatOptions) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.text();
  }

  /**
   * The values of a set of options: Spring AI's portable ones, Kimi's own, the tenant and the
   * headers, and the two of Spring AI 1.1's {@code ToolCallingChatOptions} (tool names, whether the
   * model runs the tools), which the Spring AI 2 line never sets. Unset is null (or empty, for the
   * lists and maps). Not thread-safe: a line's options make and change them.
   */
  static final class Values {
    String model;
    Double frequencyPenalty;
    Integer maxTokens;
    Double presencePenalty;
    List<String> stopSequences;
    Double temperature;
    Integer topK;
    Double topP;
    List<ToolCallback> toolCallbacks = new ArrayList<>();
    Map<String, Object> toolContext = new LinkedHashMap<>();
    Set<String> toolNames = new LinkedHashSet<>();
    Boolean internalToolExecutionEnabled;
    Thinking thinking;
    String reasoningEffort;
    String promptCacheKey;
    CacheTtl promptCacheTtl;
    ResponseFormat responseFormat;
    ToolChoice toolChoice;
    String safetyIdentifier;
    Boolean logprobs;
    Integer topLogprobs;
    Prediction prediction;
    Map<String, JsonValue> extraBody = new LinkedHashMap<>();
    String tenant;
    Map<String, String> httpHeaders = new LinkedHashMap<>();

    /** A copy whose lists and maps are its own and modifiable; the tool callbacks are shared. */
    Values copy() {
      Values c = new Values();
      c.model = model;
      c.frequencyPenalty = frequencyPenalty;
      c.maxTokens = maxTokens;
      c.presencePenalty = presencePenalty;
      c.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
      c.temperature = temperature;
      c.topK = topK;
      c.topP = topP;
      c.toolCallbacks = new ArrayList<>(toolCallbacks);
      c.toolContext = new LinkedHashMap<>(toolContext);
      c.toolNames = new LinkedHashSet<>(toolNames);
      c.internalToolExecutionEnabled = internalToolExecutionEnabled;
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

    /** A copy whose lists and maps cannot be changed, for options that never change. */
    Values frozen() {
      Values c = copy();
      c.stopSequences = stopSequences == null ? null : List.copyOf(stopSequences);
      c.toolCallbacks = Collections.unmodifiableList(c.toolCallbacks);
      c.toolContext = Collections.unmodifiableMap(c.toolContext);
      c.toolNames = Collections.unmodifiableSet(c.toolNames);
      c.extraBody = Collections.unmodifiableMap(c.extraBody);
      c.httpHeaders = Collections.unmodifiableMap(c.httpHeaders);
      return c;
    }

    /**
     * Lays Kimi's own values of {@code over} (and its tenant and headers) over these: a value it
     * sets replaces this one's, its extra body fields and headers are added (replacing those of the
     * same name). The portable values are each line's to merge, as its Spring AI merges them.
     */
    void overlayKimi(Values over) {
      thinking = or(over.thinking, thinking);
      reasoningEffort = or(over.reasoningEffort, reasoningEffort);
      promptCacheKey = or(over.promptCacheKey, promptCacheKey);
      promptCacheTtl = or(over.promptCacheTtl, promptCacheTtl);
      responseFormat = or(over.responseFormat, responseFormat);
      toolChoice = or(over.toolChoice, toolChoice);
      safetyIdentifier = or(over.safetyIdentifier, safetyIdentifier);
      logprobs = or(over.logprobs, logprobs);
      topLogprobs = or(over.topLogprobs, topLogprobs);
      prediction = or(over.prediction, prediction);
      extraBody.putAll(over.extraBody);
      putHttpHeaders(over.httpHeaders);
      tenant = or(over.tenant, tenant);
    }

    static <T> T or(T value, T otherwise) {
      return value != null ? value : otherwise;
    }

    /**
     * Adds extra body fields: a {@link JsonValue} as it is, any other value as {@link
     * Json#toJson(Object)} writes it; a null value removes the field.
     *
     * @throws IllegalArgumentException if a value cannot be written as JSON
     */
    void putExtraBody(Map<String, ?> fields) {
      if (fields == null) {
        return;
      }
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        String name = Objects.requireNonNull(e.getKey(), "extraBody field names must not be null");
        Object value = e.getValue();
        if (value == null) {
          extraBody.remove(name);
        } else {
          extraBody.put(name, value instanceof JsonValue j ? j : Json.toJson(value));
        }
      }
    }

    /** Adds headers, replacing those of the same name (without case); a null value removes one. */
    void putHttpHeaders(Map<String, String> headers) {
      if (headers == null) {
        return;
      }
      for (Map.Entry<String, String> e : headers.entrySet()) {
        String name = Objects.requireNonNull(e.getKey(), "header names must not be null");
        httpHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        if (e.getValue() != null) {
          httpHeaders.put(name, e.getValue());
        }
      }
    }

    /**
     * Sets the JSON Schema the reply must follow, as a {@code json_schema} response format named
     * {@value KimiChatOptions#OUTPUT_SCHEMA_NAME}, rewritten into the JSON Schema Kimi accepts.
     *
     * @throws io.github.kimisdk.json.JsonException if the text is not JSON
     * @throws IllegalArgumentException if the schema cannot be made one Kimi accepts
     */
    void outputSchema(String schema) {
      responseFormat =
          schema == null
              ? null
              : ResponseFormat.jsonSchema(
                  KimiChatOptions.OUTPUT_SCHEMA_NAME,
                  JsonSchema.normalize(Json.parse(schema)).schema());
    }

    /**
     * Spring AI's names for the request's settings, as the SDK's ({@code maxTokens} is the cap).
     */
    ChatSettings settings() {
      ChatSettings.Builder b =
          ChatSettings.builder()
              .maxCompletionTokens(maxTokens)
              .temperature(temperature)
              .topP(topP)
              .presencePenalty(presencePenalty)
              .frequencyPenalty(frequencyPenalty)
              .stop(stopSequences == null || stopSequences.isEmpty() ? null : stopSequences)
              .responseFormat(responseFormat)
              .toolChoice(toolChoice)
              .thinking(thinking)
              .reasoningEffort(reasoningEffort)
              .promptCacheKey(promptCacheKey)
              .safetyIdentifier(safetyIdentifier)
              .logprobs(logprobs)
              .topLogprobs(topLogprobs)
              .prediction(prediction)
              .promptCacheTtl(promptCacheTtl);
      extraBody.forEach(b::extraBody);
      return b.build();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Values that)) {
        return false;
      }
      return Objects.equals(model, that.model)
          && Objects.equals(frequencyPenalty, that.frequencyPenalty)
          && Objects.equals(maxTokens, that.maxTokens)
          && Objects.equals(presencePenalty, that.presencePenalty)
          && Objects.equals(stopSequences, that.stopSequences)
          && Objects.equals(temperature, that.temperature)
          && Objects.equals(topK, that.topK)
          && Objects.equals(topP, that.topP)
          && toolCallbacks.equals(that.toolCallbacks)
          && toolContext.equals(that.toolContext)
          && toolNames.equals(that.toolNames)
          && Objects.equals(internalToolExecutionEnabled, that.internalToolExecutionEnabled)
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
          toolContext,
          toolNames,
          internalToolExecutionEnabled,
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

    /**
     * The options' text: the values set, the end user's id, the predicted text and the headers'
     * values named but not shown (they are the application's data, or credentials).
     */
    String text() {
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
      append(sb, "safetyIdentifier", safetyIdentifier == null ? null : "(set)");
      append(sb, "logprobs", logprobs);
      append(sb, "topLogprobs", topLogprobs);
      append(sb, "prediction", prediction == null ? null : "(set)");
      append(sb, "extraBody", extraBody.isEmpty() ? null : extraBody.keySet());
      append(sb, "tenant", tenant);
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
  }
}
