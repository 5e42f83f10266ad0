package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.completions.RequestFields;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Holds one chat completion request, checked against Kimi's documented rules when it is built.
 *
 * <p>The one-liner is {@link #of(String, String)}; anything more goes through the {@link Builder}:
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder("kimi-k2.6")
 *     .addSystem("You are terse.")
 *     .addUser("Name three rivers")
 *     .maxCompletionTokens(4096)
 *     .thinking(Thinking.disabled())
 *     .build();
 * ChatRequest next = request.toBuilder().addMessage(reply).addUser("And three lakes").build();
 * }</pre>
 *
 * <p>Model ids are open strings. Building checks only what holds for every Kimi model, and reads no
 * global state: the same values give the same request, or the same refusal, wherever they are
 * built. What depends on the model (fixed sampling, thinking and effort, tool choice while the
 * model thinks, vision and video) is checked by the client before each call, against the model
 * table it was built with ({@code ModelInfo.problems(request)} in {@code io.github.kimisdk.model}),
 * and adapted there when the client's policies say so ({@code samplingPolicy}, {@code
 * thinkingFallback}).
 *
 * <p><b>Fixed sampling.</b> kimi-k2.5, k2.6, k2.7-code and k3 fix temperature, {@code top_p} and
 * (some of them) {@code n} and the penalties, and answer any other value with 400; leave these
 * unset for such models.
 *
 * <p><b>Effort.</b> {@link Builder#reasoningEffort(String)} sends the top-level {@code
 * reasoning_effort} (kimi-k3 on the Open Platform); {@link Thinking#withEffort(String)} sends
 * {@code thinking.effort} (Kimi Code). Levels are open strings, checked against the model's levels
 * by the client.
 *
 * <p><b>Imported histories.</b> With thinking on, Kimi rejects a history whose assistant message
 * calls tools without {@code reasoning_content} (and kimi-k3, or any request with {@link
 * Thinking#preserved()}, wants it on every assistant message). Replies received through this SDK
 * carry it and are sent back exactly as received, even {@code ""}. For messages that never had one
 * (a history from another SDK or a database) the chat-completions encoder sends {@code " "}, a
 * single space: the one value no report says Kimi rejects ({@code ""} is reported both rejected and
 * accepted), so the whole request is not refused for a field the server cannot check anyway.
 *
 * <p>Optional fields are null (or empty, for lists and maps) when unset, and unset fields are not
 * sent, so the server applies its defaults.
 *
 * <p><b>Compatibility.</b> {@link #builder(String)}, {@link #of(String, String)}, {@link
 * #toBuilder()} and the accessors are the API, and stay source and binary compatible from release
 * to release. The canonical constructor is outside that promise: each request parameter Kimi adds
 * becomes a component, which changes the constructor's parameters (in order) and the number of
 * components a record pattern ({@code case ChatRequest(var model, var messages, ...)}, Java 21)
 * must name; build requests with the builder and read them with the accessors.
 *
 * @param model the model id, such as {@code kimi-k2.6}
 * @param messages the conversation so far; never empty
 * @param maxCompletionTokens the output cap, reasoning included (sent as {@code
 *     max_completion_tokens}); null for the server's default
 * @param temperature sampling temperature in [0, 2] (Kimi's models take [0, 1]: the client refuses
 *     more, or sends 1 when its sampling policy adapts); null for the model's default
 * @param topP nucleus sampling mass in [0, 1]; null for the model's default
 * @param n the number of alternative replies, 1 to 5; null for 1
 * @param presencePenalty penalty in [-2, 2] for tokens already present; null for 0
 * @param frequencyPenalty penalty in [-2, 2] proportional to token frequency; null for 0
 * @param stop up to 5 stop sequences of at most 32 UTF-8 bytes each; never null, empty for none
 * @param stream whether the reply is streamed as server-sent events
 * @param includeUsage whether a streamed reply ends with a usage-only chunk (sent only when {@code
 *     stream} is set)
 * @param responseFormat the reply's format; null for free text
 * @param tools the tools the model may call, at most 128 with unique names; never null
 * @param toolChoice whether and which tool to call; null for the server's default (auto)
 * @param thinking whether the model thinks, for models that let the caller choose, and its {@code
 *     keep} and {@code effort}; null for the model's default
 * @param reasoningEffort how hard the model thinks, sent as the top-level {@code reasoning_effort}
 *     (kimi-k3), such as {@code "high"}; null for the model's default
 * @param promptCacheKey a stable session or task id that improves prefix-cache hits (required by
 *     Kimi Code); null when absent
 * @param safetyIdentifier a stable, preferably hashed, id of the end user; null when absent
 * @param extraBody further top-level body fields the SDK does not model, sent as they are; never
 *     null, in insertion order
 * @param logprobs whether the reply carries the log probability of each token ({@link
 *     Choice#logprobs()}); null for the server's default (no)
 * @param topLogprobs how many of the most likely tokens each position lists, 0 to 20; needs {@code
 *     logprobs}; null for none
 * @param prediction the text the reply is expected to largely repeat; null for none
 * @param promptCacheTtl how long Kimi keeps the prompt's prefix in its cache, sent as {@code
 *     prompt_cache_options}; null to ask for nothing (Kimi's default, five minutes, or the client's
 *     {@code promptCacheTtl})
 */
public record ChatRequest(
    String model,
    List<Message> messages,
    Integer maxCompletionTokens,
    Double temperature,
    Double topP,
    Integer n,
    Double presencePenalty,
    Double frequencyPenalty,
    List<String> stop,
    boolean stream,
    boolean includeUsage,
    ResponseFormat responseFormat,
    List<Tool> tools,
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

  /** The most stop sequences Kimi accepts. */
  public static final int MAX_STOP_SEQUENCES = 5;

  /** The longest stop sequence Kimi accepts, in UTF-8 bytes. */
  public static final int MAX_STOP_BYTES = 32;

  /** The most tools Kimi accepts in one request. */
  public static final int MAX_TOOLS = 128;

  /** The most alternatives per token position ({@code top_logprobs}) Kimi lists. */
  public static final int MAX_TOP_LOGPROBS = 20;

  /** The most alternative replies ({@code n}) Kimi returns. */
  public static final int MAX_N = 5;

  /**
   * The lowest temperature at which Kimi returns more than one reply; near 0 it refuses {@code n >
   * 1}.
   */
  public static final double MIN_TEMPERATURE_FOR_N = 0.3;

  /**
   * Validates the request against Kimi's documented rules and copies the collections. Outside the
   * compatibility promise: a new component adds a parameter here in every release that adds one;
   * use {@link #builder(String)} instead.
   *
   * @param model the model id, such as {@code kimi-k2.6}
   * @param messages the conversation so far; never empty
   * @param maxCompletionTokens the output cap, reasoning included (sent as {@code
   *     max_completion_tokens}); null for the server's default
   * @param temperature sampling temperature in [0, 2]; null for the model's default
   * @param topP nucleus sampling mass in [0, 1]; null for the model's default
   * @param n the number of alternative replies, 1 to 5; null for 1
   * @param presencePenalty penalty in [-2, 2] for tokens already present; null for 0
   * @param frequencyPenalty penalty in [-2, 2] proportional to token frequency; null for 0
   * @param stop up to 5 stop sequences of at most 32 UTF-8 bytes each; never null, empty for none
   * @param stream whether the reply is streamed as server-sent events
   * @param includeUsage whether a streamed reply ends with a usage-only chunk (sent only when
   *     {@code stream} is set)
   * @param responseFormat the reply's format; null for free text
   * @param tools the tools the model may call, at most 128 with unique names; never null
   * @param toolChoice whether and which tool to call; null for the server's default (auto)
   * @param thinking whether the model thinks, for models that let the caller choose, and its {@code
   *     keep} and {@code effort}; null for the model's default
   * @param reasoningEffort how hard the model thinks, sent as {@code reasoning_effort}; null for
   *     the model's default
   * @param promptCacheKey a stable session or task id that improves prefix-cache hits (required by
   *     Kimi Code); null when absent
   * @param safetyIdentifier a stable, preferably hashed, id of the end user; null when absent
   * @param extraBody further top-level body fields the SDK does not model, sent as they are; never
   *     null, in insertion order
   * @param logprobs whether the reply carries each token's log probability; null for no
   * @param topLogprobs how many of the most likely tokens each position lists, 0 to 20; needs
   *     {@code logprobs}; null for none
   * @param prediction the text the reply is expected to largely repeat; null for none
   * @param promptCacheTtl how long Kimi keeps the prompt's prefix in its cache; null to ask for
   *     nothing
   * @throws NullPointerException if {@code model}, {@code messages} or an element of a collection
   *     is null
   * @throws IllegalArgumentException if a value is out of range or values do not fit together; the
   *     message names the parameter and the fix
   */
  public ChatRequest {
    Objects.requireNonNull(model, "model must not be null");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank, such as \"kimi-k2.6\"");
    }
    Objects.requireNonNull(messages, "messages must not be null");
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new NullPointerException(
            "messages["
                + i
                + "] is null; every message must be a Message, such as Message.user(..)");
      }
    }
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException(
          "messages must not be empty: add at least one, such as addUser(\"Hello\")");
    }
    for (int i = 0; i < messages.size() - 1; i++) {
      if (messages.get(i) instanceof AssistantMessage a && a.partial()) {
        throw new IllegalArgumentException(
            "a partial assistant message must be the last message, but it is message "
                + i
                + " of "
                + messages.size()
                + "; move it to the end or make it a normal assistant message");
      }
    }
    if (maxCompletionTokens != null && maxCompletionTokens < 1) {
      throw new IllegalArgumentException(
          "maxCompletionTokens must be at least 1: " + maxCompletionTokens);
    }
    checkRange(
        "temperature", temperature, 0, 2, " (Kimi's models take [0, 1]; the client checks that)");
    checkRange("topP", topP, 0, 1, "");
    if (n != null && (n < 1 || n > MAX_N)) {
      throw new IllegalArgumentException("n must be in 1.." + MAX_N + " for Kimi models: " + n);
    }
    if (n != null && n > 1 && temperature != null && temperature < MIN_TEMPERATURE_FOR_N) {
      throw new IllegalArgumentException(
          "n > 1 needs temperature of at least "
              + MIN_TEMPERATURE_FOR_N
              + " (Kimi returns a single reply near temperature 0): n="
              + n
              + ", temperature="
              + temperature
              + "; raise the temperature or set n to 1");
    }
    checkRange("presencePenalty", presencePenalty, -2, 2, "");
    checkRange("frequencyPenalty", frequencyPenalty, -2, 2, "");
    stop = stop == null ? List.of() : List.copyOf(stop);
    if (stop.size() > MAX_STOP_SEQUENCES) {
      throw new IllegalArgumentException(
          "stop must hold at most " + MAX_STOP_SEQUENCES + " sequences: " + stop.size());
    }
    for (String s : stop) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop sequences must not be empty");
      }
      int bytes = s.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_STOP_BYTES) {
        throw new IllegalArgumentException(
            "stop sequences must be at most "
                + MAX_STOP_BYTES
                + " UTF-8 bytes, but \""
                + s
                + "\" has "
                + bytes);
      }
    }
    if (responseFormat != null
        && responseFormat.type() == ResponseFormat.Type.JSON_OBJECT
        && messages.get(messages.size() - 1) instanceof AssistantMessage a
        && a.partial()) {
      throw new IllegalArgumentException(
          "a partial assistant message cannot be combined with the json_object response format;"
              + " drop one of them");
    }
    tools = tools == null ? List.of() : List.copyOf(tools);
    if (tools.size() > MAX_TOOLS) {
      throw new IllegalArgumentException(
          "tools must hold at most " + MAX_TOOLS + " tools for Kimi: " + tools.size());
    }
    Set<String> toolNames = new HashSet<>();
    for (Tool t : tools) {
      if (!toolNames.add(t.name())) {
        throw new IllegalArgumentException(
            "tool names must be unique, but \"" + t.name() + "\" is declared twice");
      }
    }
    Set<String> functions = new HashSet<>();
    for (Tool t : tools) {
      if (t instanceof FunctionTool) {
        functions.add(t.name());
      }
    }
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) instanceof SystemMessage sm) {
        for (FunctionTool t : sm.tools()) {
          if (!toolNames.add(t.name())) {
            throw new IllegalArgumentException(
                "tool names must be unique across the request's tools and the tools its messages"
                    + " declare, but \""
                    + t.name()
                    + "\" is declared again in message "
                    + i
                    + " (Kimi refuses the request)");
          }
          functions.add(t.name());
        }
      }
    }
    if (toolChoice == ToolChoice.Mode.REQUIRED && toolNames.isEmpty()) {
      throw new IllegalArgumentException(
          "toolChoice required needs at least one tool; add tools or drop the tool choice");
    }
    if (toolChoice instanceof ToolChoice.Function f && !functions.contains(f.name())) {
      throw new IllegalArgumentException(
          "toolChoice names function \"" + f.name() + "\", which is not among the request's tools");
    }
    if (reasoningEffort != null) {
      if (reasoningEffort.isBlank()) {
        throw new IllegalArgumentException("reasoningEffort must not be blank, such as \"high\"");
      }
    }
    if (topLogprobs != null) {
      if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
        throw new IllegalArgumentException(
            "topLogprobs must be in 0.." + MAX_TOP_LOGPROBS + " for Kimi: " + topLogprobs);
      }
      if (!Boolean.TRUE.equals(logprobs)) {
        throw new IllegalArgumentException(
            "topLogprobs " + topLogprobs + " needs logprobs(true); set it, or drop topLogprobs");
      }
    }
    if (extraBody == null) {
      extraBody = Map.of();
    } else {
      Map<String, JsonValue> copy = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : extraBody.entrySet()) {
        String key = Objects.requireNonNull(e.getKey(), "extraBody keys must not be null");
        Objects.requireNonNull(
            e.getValue(), "extraBody value of \"" + key + "\" must not be null; use JsonNull");
        checkExtraKey(key);
        copy.put(key, e.getValue());
      }
      extraBody = Collections.unmodifiableMap(copy);
    }
  }

  private static void checkRange(String name, Double v, double min, double max, String why) {
    if (v != null && !(v >= min && v <= max)) {
      throw new IllegalArgumentException(
          name + " must be in [" + fmt(min) + ", " + fmt(max) + "]" + why + ": " + v);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static void checkExtraKey(String key) {
    if (key.equals("max_tokens")) {
      throw new IllegalArgumentException(
          "extraBody must not hold \"max_tokens\" (deprecated by Kimi); use maxCompletionTokens(n)");
    }
    if (RequestFields.contains(key)) {
      throw new IllegalArgumentException(
          "extraBody must not hold \""
              + key
              + "\", which ChatRequest sends itself; set it with the builder method instead");
    }
  }

  /**
   * Creates a request with one user message and the server's defaults for everything else.
   *
   * @param model the model id, such as {@code kimi-k2.6}
   * @param userText the user's message
   * @return the request
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code model} is blank or {@code userText} is empty
   */
  public static ChatRequest of(String model, String userText) {
    return builder(model).addUser(userText).build();
  }

  /**
   * Starts a builder for a request to {@code model}.
   *
   * @param model the model id, such as {@code kimi-k2.6}
   * @return the builder
   * @throws NullPointerException if {@code model} is null
   */
  public static Builder builder(String model) {
    return new Builder(Objects.requireNonNull(model, "model must not be null"));
  }

  /**
   * Returns every tool the model may call: the request's {@link #tools()}, then the functions its
   * system messages declare (kimi-k3's dynamic tools, see {@link SystemMessage}), in order.
   *
   * @return the tools; names are unique
   */
  public List<Tool> declaredTools() {
    List<Tool> all = null;
    for (Message m : messages) {
      if (m instanceof SystemMessage sm && sm.declaresTools()) {
        if (all == null) {
          all = new ArrayList<>(tools);
        }
        all.addAll(sm.tools());
      }
    }
    return all == null ? tools : List.copyOf(all);
  }

  /**
   * Returns a builder holding this request's values, to derive a new request.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(model);
    b.messages.addAll(messages);
    b.maxCompletionTokens = maxCompletionTokens;
    b.temperature = temperature;
    b.topP = topP;
    b.n = n;
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.stop.addAll(stop);
    b.stream = stream;
    b.includeUsage = includeUsage;
    b.responseFormat = responseFormat;
    b.tools.addAll(tools);
    b.toolChoice = toolChoice;
    b.thinking = thinking;
    b.reasoningEffort = reasoningEffort;
    b.promptCacheKey = promptCacheKey;
    b.safetyIdentifier = safetyIdentifier;
    b.logprobs = logprobs;
    b.topLogprobs = topLogprobs;
    b.prediction = prediction;
    b.promptCacheTtl = promptCacheTtl;
    b.extraBody.putAll(extraBody);
    return b;
  }

  /**
   * Builds a {@link ChatRequest}. Setters taking an object accept null to unset the field. The
   * builder is not thread-safe; {@link #build()} checks every rule.
   */
  public static final class Builder {
    private String model;
    private final List<Message> messages = new ArrayList<>();
    private Integer maxCompletionTokens;
    private Double temperature;
    private Double topP;
    private Integer n;
    private Double presencePenalty;
    private Double frequencyPenalty;
    private final List<String> stop = new ArrayList<>();
    private boolean stream;
    private boolean includeUsage;
    private ResponseFormat responseFormat;
    private final List<Tool> tools = new ArrayList<>();
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

    private Builder(String model) {
      this.model = model;
    }

    /**
     * Sets the model id.
     *
     * @param model the model id, such as {@code kimi-k2.6}
     * @return this builder
     */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Replaces the messages.
     *
     * @param messages the conversation
     * @return this builder
     * @throws NullPointerException if {@code messages} is null
     */
    public Builder messages(List<? extends Message> messages) {
      Objects.requireNonNull(messages, "messages must not be null");
      this.messages.clear();
      this.messages.addAll(messages);
      return this;
    }

    /**
     * Appends a message.
     *
     * @param message the message
     * @return this builder
     * @throws NullPointerException if {@code message} is null
     */
    public Builder addMessage(Message message) {
      messages.add(Objects.requireNonNull(message, "message must not be null"));
      return this;
    }

    /**
     * Appends messages.
     *
     * @param messages the messages
     * @return this builder
     * @throws NullPointerException if {@code messages} is null
     */
    public Builder addMessages(Collection<? extends Message> messages) {
      this.messages.addAll(Objects.requireNonNull(messages, "messages must not be null"));
      return this;
    }

    /**
     * Appends a system message.
     *
     * @param content the instructions
     * @return this builder
     * @throws NullPointerException if {@code content} is null
     * @throws IllegalArgumentException if {@code content} is empty
     */
    public Builder addSystem(String content) {
      return addMessage(Message.system(content));
    }

    /**
     * Appends a user message holding text.
     *
     * @param text the text
     * @return this builder
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if {@code text} is empty
     */
    public Builder addUser(String text) {
      return addMessage(Message.user(text));
    }

    /**
     * Sets the output cap, reasoning included, for code ported from the OpenAI SDKs: the same as
     * {@link #maxCompletionTokens(Integer)}, sent as {@code max_completion_tokens} (Kimi deprecated
     * {@code max_tokens}, and {@code max_completion_tokens} wins where both are sent).
     *
     * @param maxTokens the cap, at least 1; null for the server's default
     * @return this builder
     */
    public Builder maxTokens(Integer maxTokens) {
      return maxCompletionTokens(maxTokens);
    }

    /**
     * Sets the output cap, reasoning included.
     *
     * @param maxCompletionTokens the cap, at least 1; null for the server's default
     * @return this builder
     */
    public Builder maxCompletionTokens(Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param temperature the temperature in [0, 2] (Kimi's models take [0, 1], which the client
     *     checks); null for the model's default
     * @return this builder
     */
    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the nucleus sampling mass.
     *
     * @param topP the mass in [0, 1]; null for the model's default
     * @return this builder
     */
    public Builder topP(Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * Sets the number of alternative replies.
     *
     * @param n 1 to 5; null for 1
     * @return this builder
     */
    public Builder n(Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the presence penalty.
     *
     * @param presencePenalty the penalty in [-2, 2]; null for 0
     * @return this builder
     */
    public Builder presencePenalty(Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /**
     * Sets the frequency penalty.
     *
     * @param frequencyPenalty the penalty in [-2, 2]; null for 0
     * @return this builder
     */
    public Builder frequencyPenalty(Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /**
     * Replaces the stop sequences.
     *
     * @param stop up to 5 sequences of at most 32 UTF-8 bytes
     * @return this builder
     * @throws NullPointerException if {@code stop} is null
     */
    public Builder stop(List<String> stop) {
      Objects.requireNonNull(stop, "stop must not be null");
      this.stop.clear();
      this.stop.addAll(stop);
      return this;
    }

    /**
     * Replaces the stop sequences.
     *
     * @param stop up to 5 sequences of at most 32 UTF-8 bytes
     * @return this builder
     * @throws NullPointerException if {@code stop} is null
     */
    public Builder stop(String... stop) {
      return stop(Arrays.asList(stop));
    }

    /**
     * Sets whether the reply is streamed. {@code KimiClient.stream} sets it itself.
     *
     * @param stream true to stream
     * @return this builder
     */
    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    /**
     * Sets whether a streamed reply ends with a usage-only chunk ({@code
     * stream_options.include_usage}). Ignored when the request is not streamed.
     *
     * @param includeUsage true to ask for the usage chunk
     * @return this builder
     */
    public Builder includeUsage(boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }

    /**
     * Sets the reply's format.
     *
     * @param responseFormat the format; null for free text
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Replaces the tools.
     *
     * @param tools the tools, at most 128 with unique names
     * @return this builder
     * @throws NullPointerException if {@code tools} is null
     */
    public Builder tools(List<? extends Tool> tools) {
      Objects.requireNonNull(tools, "tools must not be null");
      this.tools.clear();
      this.tools.addAll(tools);
      return this;
    }

    /**
     * Appends a tool.
     *
     * @param tool the tool
     * @return this builder
     * @throws NullPointerException if {@code tool} is null
     */
    public Builder addTool(Tool tool) {
      tools.add(Objects.requireNonNull(tool, "tool must not be null"));
      return this;
    }

    /**
     * Sets whether and which tool to call.
     *
     * @param toolChoice the choice; null for the server's default (auto)
     * @return this builder
     */
    public Builder toolChoice(ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Sets whether the model thinks.
     *
     * @param thinking the setting; null for the model's default
     * @return this builder
     */
    public Builder thinking(Thinking thinking) {
      this.thinking = thinking;
      return this;
    }

    /**
     * Sets the top-level {@code reasoning_effort}: how hard the model thinks, for kimi-k3 on the
     * Open Platform ({@code low}, {@code high} or {@code max}; omitted means the model's default).
     * On Kimi Code, where Moonshot's own client sends the effort inside {@code thinking}, use
     * {@code thinking(Thinking.enabled().withEffort(level))} instead. Both may be set: kimi-k3 then
     * applies {@code thinking.effort} and ignores this one (Moonshot's K3 contract), so the request
     * is sent as it is. The level is an open string, checked against the model's levels by the
     * client.
     *
     * @param reasoningEffort the level; null for the model's default
     * @return this builder
     */
    public Builder reasoningEffort(String reasoningEffort) {
      this.reasoningEffort = reasoningEffort;
      return this;
    }

    /**
     * Sets the prompt cache key.
     *
     * @param promptCacheKey a stable session or task id; null for none
     * @return this builder
     */
    public Builder promptCacheKey(String promptCacheKey) {
      this.promptCacheKey = promptCacheKey;
      return this;
    }

    /**
     * Sets how long Kimi keeps this prompt's prefix in its cache, sent as {@code
     * "prompt_cache_options":{"mode":"implicit","ttl":"1h"}}. Writes to the cache are billed by it
     * ({@code Price.cacheWrite}); left unset, nothing is sent and Kimi keeps five minutes (or the
     * client's {@code promptCacheTtl} applies). Not sent over Anthropic Messages or Responses,
     * where the way to set it is not documented: there the client refuses {@link
     * CacheTtl#ONE_HOUR}.
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      this.promptCacheTtl = promptCacheTtl;
      return this;
    }

    /**
     * Sets the safety identifier.
     *
     * @param safetyIdentifier a stable, preferably hashed, end-user id; null for none
     * @return this builder
     */
    public Builder safetyIdentifier(String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Sets whether the reply carries the log probability of each of its tokens ({@link
     * Choice#logprobs()}, and each chunk's in a stream).
     *
     * @param logprobs true to ask for them; null for the server's default (no)
     * @return this builder
     */
    public Builder logprobs(Boolean logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Sets how many of the most likely tokens each position of the reply lists, beside the chosen
     * one; needs {@link #logprobs(Boolean) logprobs(true)}.
     *
     * @param topLogprobs 0 to 20; null for none
     * @return this builder
     */
    public Builder topLogprobs(Integer topLogprobs) {
      this.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets the predicted output: text the reply is expected to largely repeat.
     *
     * @param prediction the prediction; null for none
     * @return this builder
     */
    public Builder prediction(Prediction prediction) {
      this.prediction = prediction;
      return this;
    }

    /**
     * Sets one extra top-level body field, for a parameter the SDK does not model yet (such as
     * {@code seed}, or one a relay in front of Kimi reads). Moonshot's API takes a field it does
     * not document and ignores it, so a client whose host is Moonshot's refuses such a field before
     * sending unless it is marked deliberate ({@code KimiClient.Builder.deliberateFields}); other
     * hosts judge their own fields.
     *
     * @param name the field name; must not be one the request sends itself
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
     * Replaces the extra top-level body fields.
     *
     * @param extraBody the fields, in the order they are sent
     * @return this builder
     * @throws NullPointerException if {@code extraBody} is null
     */
    public Builder extraBody(Map<String, ? extends JsonValue> extraBody) {
      Objects.requireNonNull(extraBody, "extraBody must not be null");
      this.extraBody.clear();
      this.extraBody.putAll(extraBody);
      return this;
    }

    /**
     * Builds the request, checking every rule.
     *
     * @return the request
     * @throws NullPointerException if a required value is missing
     * @throws IllegalArgumentException if a value breaks one of Kimi's rules; the message names the
     *     parameter and the fix
     */
    public ChatRequest build() {
      return new ChatRequest(
          model,
          messages,
          maxCompletionTokens,
          temperature,
          topP,
          n,
          presencePenalty,
          frequencyPenalty,
          stop,
          stream,
          includeUsage,
          responseFormat,
          tools,
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

  /**
   * Returns the members that are set, as {@code ChatRequest[model=kimi-k2.6,
   * messages=[UserMessage[...]]]}; {@code stream} and {@code includeUsage} only when on.
   */
  @Override
  public String toString() {
    return RecordText.of("ChatRequest")
        .add("model", model)
        .add("messages", messages)
        .add("maxCompletionTokens", maxCompletionTokens)
        .add("temperature", temperature)
        .add("topP", topP)
        .add("n", n)
        .add("presencePenalty", presencePenalty)
        .add("frequencyPenalty", frequencyPenalty)
        .add("stop", stop)
        .flag("stream", stream)
        .flag("includeUsage", includeUsage)
        .add("responseFormat", responseFormat)
        .add("tools", tools)
        .add("toolChoice", toolChoice)
        .add("thinking", thinking)
        .add("reasoningEffort", reasoningEffort)
        .add("promptCacheKey", promptCacheKey)
        .add("safetyIdentifier", safetyIdentifier)
        .add("extraBody", extraBody)
        .add("logprobs", logprobs)
        .add("topLogprobs", topLogprobs)
        .add("prediction", prediction)
        .add("promptCacheTtl", promptCacheTtl)
        .toString();
  }
}
