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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Holds the options of a Kimi chat request: Spring AI's portable ones (model, temperature, top-p,
 * max tokens, stop sequences, penalties, tool callbacks and tool context), Kimi's own (thinking,
 * reasoning effort, prompt cache key and time to live, tool choice, safety identifier, log
 * probabilities, predicted output), the response format and extra body fields, HTTP headers sent
 * with the request ({@link #getHttpHeaders()}); and, not sent, the tenant the request is made for
 * ({@link #getTenant()}). Immutable; {@link #mutate()} returns a builder holding a copy.
 *
 * <pre>{@code
 * KimiChatOptions options = KimiChatOptions.builder()
 *     .model("kimi-k3")
 *     .reasoningEffort("high")
 *     .promptCacheKey("support-bot")
 *     .build();
 * }</pre>
 *
 * <p>Every option is null (or empty) when unset, and an unset option is not sent: Kimi applies the
 * model's default. kimi-k3 and the other K2.5+ models fix their sampling (temperature, top-p,
 * penalties); leave those unset for them, or the client refuses the request (see the SDK's {@code
 * SamplingPolicy}). Kimi has no top-k: a request with {@link #getTopK()} set is refused before it
 * is sent.
 *
 * <p>As Spring AI 2 wants, the options carry tool callbacks only to declare the tools to the model:
 * {@link KimiChatModel} never runs them, it returns the model's tool calls, and {@code
 * ChatClient}'s tool-calling advisor runs the loop.
 */
public class KimiChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {

  /** The model asked when the options name none: {@value}. */
  public static final String DEFAULT_MODEL = "kimi-k3";

  /** The name under which a schema set with {@code outputSchema} is sent: {@value}. */
  public static final String OUTPUT_SCHEMA_NAME = "response";

  private final String model;
  private final Double frequencyPenalty;
  private final Integer maxTokens;
  private final Double presencePenalty;
  private final List<String> stopSequences;
  private final Double temperature;
  private final Integer topK;
  private final Double topP;
  private final List<ToolCallback> toolCallbacks;
  private final Map<String, Object> toolContext;
  private final Thinking thinking;
  private final String reasoningEffort;
  private final String promptCacheKey;
  private final CacheTtl promptCacheTtl;
  private final ResponseFormat responseFormat;
  private final ToolChoice toolChoice;
  private final String safetyIdentifier;
  private final Boolean logprobs;
  private final Integer topLogprobs;
  private final Prediction prediction;
  private final Map<String, JsonValue> extraBody;
  private final String tenant;
  private final Map<String, String> httpHeaders;

  /**
   * Copies the values of a built set of portable options and of the builder's Kimi options.
   *
   * @param portable the portable options and tools, as the builder holds them
   * @param b the builder, for Kimi's own options
   */
  protected KimiChatOptions(ToolCallingChatOptions portable, Builder b) {
    this.model = portable.getModel();
    this.frequencyPenalty = portable.getFrequencyPenalty();
    this.maxTokens = portable.getMaxTokens();
    this.presencePenalty = portable.getPresencePenalty();
    List<String> stop = portable.getStopSequences();
    this.stopSequences = stop == null ? null : List.copyOf(stop);
    this.temperature = portable.getTemperature();
    this.topK = portable.getTopK();
    this.topP = portable.getTopP();
    List<ToolCallback> callbacks = portable.getToolCallbacks();
    this.toolCallbacks =
        callbacks == null || callbacks.isEmpty()
            ? List.of()
            : Collections.unmodifiableList(copy(callbacks));
    Map<String, Object> context = portable.getToolContext();
    this.toolContext =
        context == null || context.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(context));
    this.thinking = b.thinking;
    this.reasoningEffort = b.reasoningEffort;
    this.promptCacheKey = b.promptCacheKey;
    this.promptCacheTtl = b.promptCacheTtl;
    this.responseFormat = b.responseFormat;
    this.toolChoice = b.toolChoice;
    this.safetyIdentifier = b.safetyIdentifier;
    this.logprobs = b.logprobs;
    this.topLogprobs = b.topLogprobs;
    this.prediction = b.prediction;
    this.extraBody =
        b.extraBody.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
    this.tenant = b.tenant;
    this.httpHeaders =
        b.httpHeaders.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.httpHeaders));
  }

  private static List<ToolCallback> copy(List<ToolCallback> callbacks) {
    return new ArrayList<>(callbacks);
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
  @Override
  public Builder mutate() {
    Builder b =
        builder()
            .model(model)
            .frequencyPenalty(frequencyPenalty)
            .maxTokens(maxTokens)
            .presencePenalty(presencePenalty)
            .stopSequences(stopSequences)
            .temperature(temperature)
            .topK(topK)
            .topP(topP)
            .thinking(thinking)
            .reasoningEffort(reasoningEffort)
            .promptCacheKey(promptCacheKey)
            .promptCacheTtl(promptCacheTtl)
            .responseFormat(responseFormat)
            .toolChoice(toolChoice)
            .safetyIdentifier(safetyIdentifier)
            .logprobs(logprobs)
            .topLogprobs(topLogprobs)
            .prediction(prediction)
            .extraBody(extraBody)
            .httpHeaders(httpHeaders)
            .tenant(tenant);
    if (!toolCallbacks.isEmpty()) {
      b.toolCallbacks(toolCallbacks);
    }
    if (!toolContext.isEmpty()) {
      b.toolContext(toolContext);
    }
    return b;
  }

  @Override
  public String getModel() {
    return model;
  }

  @Override
  public Double getFrequencyPenalty() {
    return frequencyPenalty;
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

  @Override
  public Double getPresencePenalty() {
    return presencePenalty;
  }

  @Override
  public List<String> getStopSequences() {
    return stopSequences;
  }

  @Override
  public Double getTemperature() {
    return temperature;
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

  @Override
  public Double getTopP() {
    return topP;
  }

  /**
   * Returns the tools declared to the model.
   *
   * @return the callbacks, unmodifiable; empty when there are none
   */
  @Override
  public List<ToolCallback> getToolCallbacks() {
    return toolCallbacks;
  }

  /**
   * Returns the context passed to the tools when they run; never sent to Kimi.
   *
   * @return the context, unmodifiable; empty when there is none
   */
  @Override
  public Map<String, Object> getToolContext() {
    return toolContext;
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
   * Returns how hard the model thinks, sent as {@code reasoning_effort} (kimi-k3: {@code low},
   * {@code high}, {@code max}).
   *
   * @return the level, or null for the model's default
   */
  public String getReasoningEffort() {
    return reasoningEffort;
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
   * Returns how long Kimi keeps the prompt's prefix in its cache, sent as {@code
   * prompt_cache_options}.
   *
   * @return the time to live, or null to ask for nothing (five minutes)
   */
  public CacheTtl getPromptCacheTtl() {
    return promptCacheTtl;
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
   * Returns whether and which tool the model must call, sent as {@code tool_choice}. It holds for
   * every step of {@code ChatClient}'s tool loop: {@link ToolChoice#required()} there forces a call
   * on each step, so set it for one request that ends the loop by itself.
   *
   * @return the choice, or null for the server's default ({@code auto})
   */
  public ToolChoice getToolChoice() {
    return toolChoice;
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
   * Returns whether the reply carries the log probability of each token ({@code logprobs}); they
   * come back in each generation's metadata under {@value KimiChatModel#LOGPROBS}.
   *
   * @return the setting, or null for the server's default (no)
   */
  public Boolean getLogprobs() {
    return logprobs;
  }

  /**
   * Returns how many of the most likely tokens each position lists ({@code top_logprobs}, 0 to 20;
   * needs {@link #getLogprobs()}).
   *
   * @return the count, or null for none
   */
  public Integer getTopLogprobs() {
    return topLogprobs;
  }

  /**
   * Returns the text the reply is expected to largely repeat ({@code prediction}), such as a file
   * being edited.
   *
   * @return the prediction, or null for none
   */
  public Prediction getPrediction() {
    return prediction;
  }

  /**
   * Returns further top-level body fields, sent as they are, for parameters these options do not
   * model.
   *
   * @return the fields, unmodifiable, in the order they are sent; empty when there are none
   */
  public Map<String, JsonValue> getExtraBody() {
    return extraBody;
  }

  /**
   * Returns the tenant the request is made for: the model sends it with that tenant's client (its
   * key, its spend, its rate limit), which its {@link KimiTenants} gives. Not part of the request
   * Kimi receives.
   *
   * @return the tenant's account name, or null for the model's own client
   */
  public String getTenant() {
    return tenant;
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
    return httpHeaders;
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
   * Builds {@link KimiChatOptions}. {@link #combineWith(ChatOptions.Builder)} overlays another
   * builder's values, as {@code ChatClient} does with a request's options over the model's
   * defaults: set values replace, lists (stop sequences, tool callbacks), the tool context and the
   * extra body fields are merged.
   */
  public static class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
      implements StructuredOutputChatOptions.Builder<Builder> {

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
    private final Map<String, JsonValue> extraBody = new LinkedHashMap<>();
    private String tenant;
    private final Map<String, String> httpHeaders = new LinkedHashMap<>();

    /** Creates a builder with nothing set; see {@link KimiChatOptions#builder()}. */
    protected Builder() {}

    /**
     * Sets whether the model thinks ({@link Thinking#enabled()}, {@link Thinking#disabled()},
     * {@link Thinking#preserved()}).
     *
     * @param thinking the setting; null for the model's default
     * @return this builder
     */
    public Builder thinking(Thinking thinking) {
      this.thinking = thinking;
      return self();
    }

    /**
     * Sets how hard the model thinks, sent as {@code reasoning_effort}.
     *
     * @param reasoningEffort the level, such as {@code "high"}; null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      this.reasoningEffort = reasoningEffort;
      return self();
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey a stable session or task id; null for none
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      this.promptCacheKey = promptCacheKey;
      return self();
    }

    /**
     * Sets how long Kimi keeps the prompt's prefix in its cache.
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      this.promptCacheTtl = promptCacheTtl;
      return self();
    }

    /**
     * Sets the format of the reply, such as {@link ResponseFormat#jsonObject()}.
     *
     * @param responseFormat the format; null for free text
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return self();
    }

    /**
     * Sets whether and which tool the model must call ({@link ToolChoice#auto()}, {@link
     * ToolChoice#none()}, {@link ToolChoice#required()}, {@link ToolChoice#function(String)}). The
     * client checks it against the model before sending: while a model thinks, Kimi refuses a named
     * function, and {@code required} on every model but kimi-k3.
     *
     * @param toolChoice the choice; null for the server's default
     * @return this builder
     */
    public Builder toolChoice(ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return self();
    }

    /**
     * Sets the stable, preferably hashed, id of the end user ({@code safety_identifier}).
     *
     * @param safetyIdentifier the id; null for none
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return self();
    }

    /**
     * Sets whether the reply carries each token's log probability ({@code logprobs}).
     *
     * @param logprobs true to ask for them; null for the server's default
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      this.logprobs = logprobs;
      return self();
    }

    /**
     * Sets how many of the most likely tokens each position lists ({@code top_logprobs}).
     *
     * @param topLogprobs 0 to 20, with {@link #logprobs(Boolean)} set; null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      return self();
    }

    /**
     * Sets the text the reply is expected to largely repeat ({@code prediction}), such as {@code
     * Prediction.of(fileBeingEdited)}.
     *
     * @param prediction the prediction; null for none
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      this.prediction = prediction;
      return self();
    }

    /**
     * Adds further top-level body fields, sent as they are, for parameters these options do not
     * model. A {@link JsonValue} is sent as it is; any other value (a string, number, boolean,
     * list, map or record) as {@link Json#toJson(Object)} writes it. A field added again replaces
     * the earlier value; a null value removes the field.
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
            this.extraBody.remove(name);
          } else {
            this.extraBody.put(name, value instanceof JsonValue j ? j : Json.toJson(value));
          }
        }
      }
      return self();
    }

    /**
     * Sets the tenant the request is made for (see {@link KimiChatOptions#getTenant()}), as a
     * request's options in {@code ChatClient}: {@code
     * .options(KimiChatOptions.builder().tenant("acme"))}.
     *
     * @param tenant the tenant's account name; null for the model's own client
     * @return this builder
     */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return self();
    }

    /**
     * Adds HTTP headers to the request (see {@link KimiChatOptions#getHttpHeaders()}), as a
     * request's options in {@code ChatClient}: {@code
     * .options(KimiChatOptions.builder().httpHeaders(Map.of("X-Tenant", tenantId)))}. A header
     * added again replaces the earlier value (names compare without case); a null value removes it.
     * The key's headers ({@code Authorization}, {@code x-api-key}) and those the client manages are
     * refused when the request is sent, as the SDK's {@code RequestOptions} refuses them.
     *
     * @param httpHeaders the headers; null adds nothing
     * @return this builder
     */
    public Builder httpHeaders(Map<String, String> httpHeaders) {
      if (httpHeaders != null) {
        for (Map.Entry<String, String> e : httpHeaders.entrySet()) {
          String name = Objects.requireNonNull(e.getKey(), "header names must not be null");
          this.httpHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
          if (e.getValue() != null) {
            this.httpHeaders.put(name, e.getValue());
          }
        }
      }
      return self();
    }

    /**
     * Sets the JSON Schema the reply must follow (what {@code ChatClient}'s {@code entity(...)}
     * with {@code useProviderStructuredOutput()} sets): sent as a {@code json_schema} response
     * format named {@value KimiChatOptions#OUTPUT_SCHEMA_NAME}, rewritten into the JSON Schema Kimi
     * accepts ({@link JsonSchema#normalize}).
     *
     * @param outputSchema the schema as JSON text; null for free text
     * @return this builder
     * @throws io.github.kimisdk.json.JsonException if the text is not JSON
     * @throws IllegalArgumentException if the schema cannot be made one Kimi accepts
     */
    @Override
    public Builder outputSchema(String outputSchema) {
      this.responseFormat =
          outputSchema == null
              ? null
              : ResponseFormat.jsonSchema(
                  OUTPUT_SCHEMA_NAME, JsonSchema.normalize(Json.parse(outputSchema)).schema());
      return self();
    }

    @Override
    public Builder combineWith(ChatOptions.Builder<?> other) {
      super.combineWith(other);
      if (other instanceof Builder that) {
        if (that.thinking != null) {
          this.thinking = that.thinking;
        }
        if (that.reasoningEffort != null) {
          this.reasoningEffort = that.reasoningEffort;
        }
        if (that.promptCacheKey != null) {
          this.promptCacheKey = that.promptCacheKey;
        }
        if (that.promptCacheTtl != null) {
          this.promptCacheTtl = that.promptCacheTtl;
        }
        if (that.responseFormat != null) {
          this.responseFormat = that.responseFormat;
        }
        if (that.toolChoice != null) {
          this.toolChoice = that.toolChoice;
        }
        if (that.safetyIdentifier != null) {
          this.safetyIdentifier = that.safetyIdentifier;
        }
        if (that.logprobs != null) {
          this.logprobs = that.logprobs;
        }
        if (that.topLogprobs != null) {
          this.topLogprobs = that.topLogprobs;
        }
        if (that.prediction != null) {
          this.prediction = that.prediction;
        }
        this.extraBody.putAll(that.extraBody);
        httpHeaders(that.httpHeaders);
        if (that.tenant != null) {
          this.tenant = that.tenant;
        }
      }
      return self();
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    @Override
    public KimiChatOptions build() {
      return new KimiChatOptions(super.build(), this);
    }
  }
}
