package io.github.kimisdk.springai;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolChoice;
import java.util.Map;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

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
public class KimiChatOptions extends AbstractKimiChatOptions
    implements ToolCallingChatOptions, StructuredOutputChatOptions {

  /** The model asked when the options name none: {@value}. */
  public static final String DEFAULT_MODEL = "kimi-k3";

  /** The name under which a schema set with {@code outputSchema} is sent: {@value}. */
  public static final String OUTPUT_SCHEMA_NAME = "response";

  /**
   * Copies the values of a built set of portable options and of the builder's Kimi options.
   *
   * @param portable the portable options and tools, as the builder holds them
   * @param b the builder, for Kimi's own options
   */
  protected KimiChatOptions(ToolCallingChatOptions portable, Builder b) {
    super(b.values(portable));
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
            .model(getModel())
            .frequencyPenalty(getFrequencyPenalty())
            .maxTokens(getMaxTokens())
            .presencePenalty(getPresencePenalty())
            .stopSequences(getStopSequences())
            .temperature(getTemperature())
            .topK(getTopK())
            .topP(getTopP());
    b.kimi.overlayKimi(values);
    if (!getToolCallbacks().isEmpty()) {
      b.toolCallbacks(getToolCallbacks());
    }
    if (!getToolContext().isEmpty()) {
      b.toolContext(getToolContext());
    }
    return b;
  }

  /**
   * Builds {@link KimiChatOptions}. {@link #combineWith(ChatOptions.Builder)} overlays another
   * builder's values, as {@code ChatClient} does with a request's options over the model's
   * defaults: set values replace, lists (stop sequences, tool callbacks), the tool context and the
   * extra body fields are merged.
   */
  public static class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
      implements StructuredOutputChatOptions.Builder<Builder> {

    /** Kimi's own options, the tenant and the headers; Spring AI's builder holds the rest. */
    private final Values kimi = new Values();

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
      kimi.thinking = thinking;
      return self();
    }

    /**
     * Sets how hard the model thinks, sent as {@code reasoning_effort}.
     *
     * @param reasoningEffort the level, such as {@code "high"}; null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      kimi.reasoningEffort = reasoningEffort;
      return self();
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey a stable session or task id; null for none
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      kimi.promptCacheKey = promptCacheKey;
      return self();
    }

    /**
     * Sets how long Kimi keeps the prompt's prefix in its cache.
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      kimi.promptCacheTtl = promptCacheTtl;
      return self();
    }

    /**
     * Sets the format of the reply, such as {@link ResponseFormat#jsonObject()}.
     *
     * @param responseFormat the format; null for free text
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      kimi.responseFormat = responseFormat;
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
      kimi.toolChoice = toolChoice;
      return self();
    }

    /**
     * Sets the stable, preferably hashed, id of the end user ({@code safety_identifier}).
     *
     * @param safetyIdentifier the id; null for none
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      kimi.safetyIdentifier = safetyIdentifier;
      return self();
    }

    /**
     * Sets whether the reply carries each token's log probability ({@code logprobs}).
     *
     * @param logprobs true to ask for them; null for the server's default
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      kimi.logprobs = logprobs;
      return self();
    }

    /**
     * Sets how many of the most likely tokens each position lists ({@code top_logprobs}).
     *
     * @param topLogprobs 0 to 20, with {@link #logprobs(Boolean)} set; null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      kimi.topLogprobs = topLogprobs;
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
      kimi.prediction = prediction;
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
      kimi.putExtraBody(extraBody);
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
      kimi.tenant = tenant;
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
      kimi.putHttpHeaders(httpHeaders);
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
      kimi.outputSchema(outputSchema);
      return self();
    }

    @Override
    public Builder combineWith(ChatOptions.Builder<?> other) {
      super.combineWith(other);
      if (other instanceof Builder that) {
        kimi.overlayKimi(that.kimi);
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

    /** The values of options built from Spring AI's portable ones and this builder's. */
    private Values values(ToolCallingChatOptions portable) {
      Values v = kimi.copy();
      v.model = portable.getModel();
      v.frequencyPenalty = portable.getFrequencyPenalty();
      v.maxTokens = portable.getMaxTokens();
      v.presencePenalty = portable.getPresencePenalty();
      v.stopSequences = portable.getStopSequences();
      v.temperature = portable.getTemperature();
      v.topK = portable.getTopK();
      v.topP = portable.getTopP();
      if (portable.getToolCallbacks() != null) {
        v.toolCallbacks.addAll(portable.getToolCallbacks());
      }
      if (portable.getToolContext() != null) {
        v.toolContext.putAll(portable.getToolContext());
      }
      return v.frozen();
    }
  }
}
