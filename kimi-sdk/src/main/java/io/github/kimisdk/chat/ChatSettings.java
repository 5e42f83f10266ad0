package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolChoice;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds the settings of a chat request a framework's options carry: every component of {@link
 * ChatRequest} but the model, the messages, {@code stream}, {@code includeUsage} and the tools,
 * which each call sets itself (the tools from the framework's own tool declarations). It is the one
 * mapping of the framework modules (Spring AI, LangChain4j, Flink): each reads its own options into
 * a {@code ChatSettings} under the framework's names, and {@link #applyTo(ChatRequest.Builder)}
 * writes them onto the request, so that what a setting becomes on the wire is decided here once.
 *
 * <pre>{@code
 * ChatSettings settings =
 *     ChatSettings.builder().reasoningEffort("high").maxCompletionTokens(4096).build();
 * ChatRequest request =
 *     settings.applyTo(ChatRequest.builder("kimi-k3").addUser("Plan a trip")).build();
 * }</pre>
 *
 * <p>Every setting is null when unset (the extra body fields empty), and an unset setting leaves
 * the request as it was. The values are checked where they end up, when the request is built: the
 * ranges and pairs {@link ChatRequest} checks, and the model's rules the client checks.
 *
 * <p><b>Compatibility.</b> As {@link ChatRequest}'s: {@link #builder()} and the accessors are the
 * API; the canonical constructor gains a parameter with each setting Kimi adds.
 *
 * @param maxCompletionTokens the output cap, reasoning included; null for the server's default
 * @param temperature the sampling temperature; null for the model's default
 * @param topP the nucleus sampling mass; null for the model's default
 * @param n the number of alternative replies; null for 1
 * @param presencePenalty the presence penalty; null for 0
 * @param frequencyPenalty the frequency penalty; null for 0
 * @param stop the stop sequences; null for none
 * @param responseFormat the reply's format; null for free text
 * @param toolChoice whether and which tool to call; null for the server's default
 * @param thinking whether the model thinks; null for the model's default
 * @param reasoningEffort the top-level {@code reasoning_effort}; null for the model's default
 * @param promptCacheKey the prompt cache key; null for none
 * @param safetyIdentifier the end user's stable id; null for none
 * @param extraBody further top-level body fields, sent as they are; never null, in insertion order
 * @param logprobs whether the reply carries each token's log probability; null for no
 * @param topLogprobs how many of the most likely tokens each position lists; null for none
 * @param prediction the text the reply is expected to largely repeat; null for none
 * @param promptCacheTtl how long Kimi keeps the prompt's prefix in its cache; null for Kimi's
 *     default
 */
public record ChatSettings(
    Integer maxCompletionTokens,
    Double temperature,
    Double topP,
    Integer n,
    Double presencePenalty,
    Double frequencyPenalty,
    List<String> stop,
    ResponseFormat responseFormat,
    ToolChoice toolChoice,
    Thinking thinking,
    String reasoningEffort,
    String promptCacheKey,
    String safetyIdentifier,
    Map<String, JsonValue> extraBody,
    Boolean logprobs,
    Integer topLogprobs,
    Prediction prediction,
    CacheTtl promptCacheTtl) {

  /**
   * Copies the collections. Outside the compatibility promise (see the class); use {@link
   * #builder()}.
   *
   * @param maxCompletionTokens the output cap
   * @param temperature the sampling temperature
   * @param topP the nucleus sampling mass
   * @param n the number of alternative replies
   * @param presencePenalty the presence penalty
   * @param frequencyPenalty the frequency penalty
   * @param stop the stop sequences, or null
   * @param responseFormat the reply's format
   * @param toolChoice the tool choice
   * @param thinking the thinking setting
   * @param reasoningEffort the reasoning effort
   * @param promptCacheKey the prompt cache key
   * @param safetyIdentifier the end user's id
   * @param extraBody the extra body fields, or null for none
   * @param logprobs whether to return log probabilities
   * @param topLogprobs how many alternatives each position lists
   * @param prediction the predicted output
   * @param promptCacheTtl the prompt cache's time to live
   * @throws NullPointerException if a stop sequence, an extra field's name or value is null
   */
  public ChatSettings {
    stop = stop == null ? null : List.copyOf(stop);
    if (extraBody == null || extraBody.isEmpty()) {
      extraBody = Map.of();
    } else {
      Map<String, JsonValue> copy = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : extraBody.entrySet()) {
        String name = Objects.requireNonNull(e.getKey(), "extraBody names must not be null");
        copy.put(
            name,
            Objects.requireNonNull(
                e.getValue(), "extraBody value of \"" + name + "\" must not be null"));
      }
      extraBody = Collections.unmodifiableMap(copy);
    }
  }

  /**
   * Starts a builder with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes the settings that are set onto {@code request}, under {@link ChatRequest.Builder}'s
   * methods of the same names (the extra body fields added to the builder's); an unset one leaves
   * the builder's value as it is.
   *
   * @param request the request's builder
   * @return {@code request}
   */
  public ChatRequest.Builder applyTo(ChatRequest.Builder request) {
    if (maxCompletionTokens != null) {
      request.maxCompletionTokens(maxCompletionTokens);
    }
    if (temperature != null) {
      request.temperature(temperature);
    }
    if (topP != null) {
      request.topP(topP);
    }
    if (n != null) {
      request.n(n);
    }
    if (presencePenalty != null) {
      request.presencePenalty(presencePenalty);
    }
    if (frequencyPenalty != null) {
      request.frequencyPenalty(frequencyPenalty);
    }
    if (stop != null) {
      request.stop(stop);
    }
    if (responseFormat != null) {
      request.responseFormat(responseFormat);
    }
    if (toolChoice != null) {
      request.toolChoice(toolChoice);
    }
    if (thinking != null) {
      request.thinking(thinking);
    }
    if (reasoningEffort != null) {
      request.reasoningEffort(reasoningEffort);
    }
    if (promptCacheKey != null) {
      request.promptCacheKey(promptCacheKey);
    }
    if (safetyIdentifier != null) {
      request.safetyIdentifier(safetyIdentifier);
    }
    extraBody.forEach(request::extraBody);
    if (logprobs != null) {
      request.logprobs(logprobs);
    }
    if (topLogprobs != null) {
      request.topLogprobs(topLogprobs);
    }
    if (prediction != null) {
      request.prediction(prediction);
    }
    if (promptCacheTtl != null) {
      request.promptCacheTtl(promptCacheTtl);
    }
    return request;
  }

  /**
   * Returns the settings that are set, as {@code ChatSettings[reasoningEffort=high]}; the end
   * user's id and the predicted text are named, not shown.
   */
  @Override
  public String toString() {
    return RecordText.of("ChatSettings")
        .add("maxCompletionTokens", maxCompletionTokens)
        .add("temperature", temperature)
        .add("topP", topP)
        .add("n", n)
        .add("presencePenalty", presencePenalty)
        .add("frequencyPenalty", frequencyPenalty)
        .add("stop", stop)
        .add("responseFormat", responseFormat == null ? null : responseFormat.type())
        .add("toolChoice", toolChoice)
        .add("thinking", thinking)
        .add("reasoningEffort", reasoningEffort)
        .add("promptCacheKey", promptCacheKey)
        .add("safetyIdentifier", safetyIdentifier == null ? null : "(set)")
        .add("extraBody", extraBody.keySet())
        .add("logprobs", logprobs)
        .add("topLogprobs", topLogprobs)
        .add("prediction", prediction == null ? null : "(set)")
        .add("promptCacheTtl", promptCacheTtl)
        .toString();
  }

  /**
   * Builds {@link ChatSettings}; each method is {@link ChatRequest.Builder}'s of the same name, and
   * null unsets.
   */
  public static final class Builder {
    private Integer maxCompletionTokens;
    private Double temperature;
    private Double topP;
    private Integer n;
    private Double presencePenalty;
    private Double frequencyPenalty;
    private List<String> stop;
    private ResponseFormat responseFormat;
    private ToolChoice toolChoice;
    private Thinking thinking;
    private String reasoningEffort;
    private String promptCacheKey;
    private String safetyIdentifier;
    private final Map<String, JsonValue> extraBody = new LinkedHashMap<>();
    private Boolean logprobs;
    private Integer topLogprobs;
    private Prediction prediction;
    private CacheTtl promptCacheTtl;

    private Builder() {}

    /**
     * Sets the output cap, reasoning included.
     *
     * @param maxCompletionTokens the cap
     * @return this builder
     */
    public Builder maxCompletionTokens(Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param temperature the temperature
     * @return this builder
     */
    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the nucleus sampling mass.
     *
     * @param topP the mass
     * @return this builder
     */
    public Builder topP(Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * Sets the number of alternative replies.
     *
     * @param n the number
     * @return this builder
     */
    public Builder n(Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the presence penalty.
     *
     * @param presencePenalty the penalty
     * @return this builder
     */
    public Builder presencePenalty(Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /**
     * Sets the frequency penalty.
     *
     * @param frequencyPenalty the penalty
     * @return this builder
     */
    public Builder frequencyPenalty(Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /**
     * Sets the stop sequences.
     *
     * @param stop the sequences
     * @return this builder
     */
    public Builder stop(List<String> stop) {
      this.stop = stop;
      return this;
    }

    /**
     * Sets the reply's format.
     *
     * @param responseFormat the format
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets whether and which tool to call.
     *
     * @param toolChoice the choice
     * @return this builder
     */
    public Builder toolChoice(ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Sets whether the model thinks.
     *
     * @param thinking the setting
     * @return this builder
     */
    public Builder thinking(Thinking thinking) {
      this.thinking = thinking;
      return this;
    }

    /**
     * Sets the top-level {@code reasoning_effort}.
     *
     * @param reasoningEffort the level, such as {@code "high"}
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      this.reasoningEffort = reasoningEffort;
      return this;
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey the key
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      this.promptCacheKey = promptCacheKey;
      return this;
    }

    /**
     * Sets the safety identifier.
     *
     * @param safetyIdentifier the end user's stable, preferably hashed, id
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Sets one extra top-level body field.
     *
     * @param name the field name
     * @param value the value; null removes the field
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder extraBody(String name, JsonValue value) {
      Objects.requireNonNull(name, "extraBody name must not be null");
      if (value == null) {
        extraBody.remove(name);
      } else {
        extraBody.put(name, value);
      }
      return this;
    }

    /**
     * Sets whether the reply carries each token's log probability.
     *
     * @param logprobs the setting
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Sets how many of the most likely tokens each position lists.
     *
     * @param topLogprobs the number
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets the predicted output.
     *
     * @param prediction the prediction
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      this.prediction = prediction;
      return this;
    }

    /**
     * Sets how long Kimi keeps the prompt's prefix in its cache.
     *
     * @param promptCacheTtl the time to live
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      this.promptCacheTtl = promptCacheTtl;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public ChatSettings build() {
      return new ChatSettings(
          maxCompletionTokens,
          temperature,
          topP,
          n,
          presencePenalty,
          frequencyPenalty,
          stop,
          responseFormat,
          toolChoice,
          thinking,
          reasoningEffort,
          promptCacheKey,
          safetyIdentifier,
          extraBody,
          logprobs,
          topLogprobs,
          prediction,
          promptCacheTtl);
    }
  }
}
