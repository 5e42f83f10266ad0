package io.github.kimisdk.model;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.ToolChoice;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Describes what one Kimi model accepts: its context window and output limits, whether it thinks
 * and at which effort levels, the media it reads, the sampling values it fixes and the tool choices
 * it takes while thinking. {@link ModelCatalog} holds these for the models Moonshot documents. A
 * request is checked against one with {@link #problems(ChatRequest)}, which finds the settings the
 * model would reject before anything is sent, and adapted to one with {@link #adapt}, which applies
 * a client's {@link SamplingPolicy} and {@link ThinkingFallback}. A client runs both on every call,
 * against the catalog it was built with; a {@link ChatRequest} itself checks only what holds for
 * every model.
 *
 * <pre>{@code
 * ModelInfo k3 = ModelCatalog.defaults().lookup("kimi-k3");
 * k3.contextWindow();            // 1048576
 * k3.efforts();                  // [low, high, max]
 * k3.acceptsToolChoice(ToolChoice.function("ping"), null);    // false: not while thinking
 * k3.problems(request);          // e.g. ["kimi-k3 accepts only top_p 0.95: 0.8; leave top_p unset"]
 *
 * ModelInfo mine = ModelInfo.builder("my-proxy-model")
 *     .contextWindow(200_000)
 *     .thinking(ModelInfo.ThinkingSupport.SWITCHABLE)
 *     .efforts(List.of("low", "high"), "high")
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable. Effort levels and model ids are the server's open strings; the
 * catalog compares them exactly.
 */
public final class ModelInfo {

  /**
   * The context window an {@link #unknown(String) unknown} model's description holds: 131,072
   * tokens. It is a placeholder, not a limit: no check refuses or clamps a request on it (a
   * client's preflight asks {@code GET /models} for the real window).
   */
  public static final int UNKNOWN_CONTEXT_WINDOW = 131_072;

  /**
   * The {@code reasoning_content} {@link #adapt} gives an earlier assistant turn that has none
   * while the model thinks: a single space, the one value no report says Kimi rejects (an empty
   * string is reported both rejected and accepted; kimi-api.md section 2.6).
   */
  public static final String SYNTHETIC_REASONING = " ";

  /** The output cap assumed for a model the catalog does not know: 1,024 tokens (Kimi's docs). */
  public static final int UNKNOWN_DEFAULT_MAX_OUTPUT = 1_024;

  /**
   * Below this temperature Kimi treats sampling as greedy and rejects {@code n > 1}: 0.3, the
   * threshold litellm uses for Kimi's "near 0".
   */
  public static final double NEAR_ZERO_TEMPERATURE = ChatRequest.MIN_TEMPERATURE_FOR_N;

  /** Says whether a model thinks before it answers. */
  public enum ThinkingSupport {
    /**
     * The model always thinks; a request must not switch thinking off (kimi-k2.7-code,
     * kimi-k3.1-pro, kimi-for-coding; {@code supports_thinking_type: "only"}).
     */
    ALWAYS,
    /**
     * Thinking is on by default and a request may switch it off (kimi-k2.5, k2.6; {@code
     * supports_thinking_type: "both"}).
     */
    SWITCHABLE,
    /**
     * The model never thinks and does not accept the {@code thinking} setting ({@code
     * supports_thinking_type: "no"}).
     */
    NONE
  }

  /**
   * The sampling values a model fixes; a request that sets another value is rejected. A null
   * component leaves that value free.
   *
   * @param temperatureThinking the only temperature accepted with thinking on; null when free
   * @param temperatureNoThinking the only temperature accepted with thinking off; null when free
   * @param topP the only {@code top_p} accepted; null when free
   * @param n the only {@code n} accepted; null when free
   * @param penalty the only presence and frequency penalty accepted; null when free
   */
  public record FixedSampling(
      Double temperatureThinking,
      Double temperatureNoThinking,
      Double topP,
      Integer n,
      Double penalty) {

    /** Fixes nothing. */
    public static final FixedSampling NONE = new FixedSampling(null, null, null, null, null);

    /**
     * Kimi-k2.5 and k2.6: temperature 1.0 with thinking and 0.6 without, {@code top_p} 0.95, {@code
     * n} 1, penalties 0.
     */
    public static final FixedSampling K2_5 = new FixedSampling(1.0, 0.6, 0.95, 1, 0.0);

    /** Kimi-k2.7-code and the Kimi Code models built on it: temperature 1, {@code top_p} 0.95. */
    public static final FixedSampling K2_7_CODE = new FixedSampling(1.0, 1.0, 0.95, null, null);

    /**
     * Kimi-k3: temperature 1.0 with thinking and 0.6 without (Moonshot's vendor verifier), {@code
     * top_p} 0.95, {@code n} 1, penalties 0.
     */
    public static final FixedSampling K3 = new FixedSampling(1.0, 0.6, 0.95, 1, 0.0);

    /**
     * Tells whether this fixes no value at all.
     *
     * @return true when every value is free
     */
    public boolean isFree() {
      return equals(NONE);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("FixedSampling")
          .add("temperatureThinking", temperatureThinking)
          .add("temperatureNoThinking", temperatureNoThinking)
          .add("topP", topP)
          .add("n", n)
          .add("penalty", penalty)
          .toString();
    }
  }

  /**
   * That Moonshot no longer serves a model, since when, and the model to use instead. Kimi answers
   * a retired id with 404 {@code resource_not_found_error} ("Not found the model ... or Permission
   * denied"); a client still sends it as asked (a proxy or a self-hosted server may serve it), logs
   * a warning naming the retirement and the successor before the first call with it, once per
   * client and id, and names both in the {@code NotFoundException} of that 404. Prices of retired
   * models stay in {@link PriceTable#defaults()}, {@link Price#retired() marked}, for past calls.
   *
   * @param date the day Moonshot retired the model; for a model only known to be deprecated
   *     (kimi-latest), the day of the deprecation
   * @param successor the id to use instead: a served model that takes what the retired one took
   */
  public record Retirement(LocalDate date, String successor) {

    /**
     * Checks the values.
     *
     * @param date the day of the retirement
     * @param successor the id to use instead
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code successor} is blank
     */
    public Retirement {
      Objects.requireNonNull(date, "date must not be null");
      Objects.requireNonNull(successor, "successor must not be null");
      if (successor.isBlank()) {
        throw new IllegalArgumentException("successor must not be blank");
      }
    }
  }

  private final String id;
  private final int contextWindow;
  private final int defaultMaxOutput;
  private final int maxOutput;
  private final ThinkingSupport thinking;
  private final boolean thinkingField;
  private final List<String> efforts;
  private final String defaultEffort;
  private final boolean keepAll;
  private final boolean preservedThinking;
  private final boolean vision;
  private final boolean video;
  private final boolean toolUse;
  private final FixedSampling sampling;
  private final boolean requiredToolChoiceWhileThinking;
  private final boolean dynamicTools;
  private final boolean responsesWire;
  private final Retirement retirement; // null while Moonshot serves the model
  private final boolean known;
  private final boolean windowKnown;

  private ModelInfo(Builder b) {
    this.id = b.id;
    this.contextWindow = b.contextWindow;
    this.maxOutput = b.maxOutput != null ? b.maxOutput : b.contextWindow;
    this.defaultMaxOutput =
        b.defaultMaxOutput != null ? b.defaultMaxOutput : Math.min(1_024, this.maxOutput);
    this.thinking = b.thinking;
    this.thinkingField = b.thinkingField;
    this.efforts = b.efforts;
    this.defaultEffort = b.defaultEffort;
    this.keepAll = b.keepAll;
    this.preservedThinking = b.preservedThinking;
    this.vision = b.vision;
    this.video = b.video;
    this.toolUse = b.toolUse;
    this.sampling = b.sampling;
    this.requiredToolChoiceWhileThinking = b.requiredToolChoiceWhileThinking;
    this.dynamicTools = b.dynamicTools;
    this.responsesWire = b.responsesWire;
    this.retirement = b.retirement;
    this.known = b.known;
    this.windowKnown = b.known || b.windowSet;
    if (contextWindow < 1) {
      throw new IllegalArgumentException("contextWindow must be positive: " + contextWindow);
    }
    if (maxOutput < 1 || maxOutput > contextWindow) {
      throw new IllegalArgumentException(
          "maxOutput must be in [1, contextWindow " + contextWindow + "]: " + maxOutput);
    }
    if (defaultMaxOutput < 1 || defaultMaxOutput > maxOutput) {
      throw new IllegalArgumentException(
          "defaultMaxOutput must be in [1, maxOutput " + maxOutput + "]: " + defaultMaxOutput);
    }
    if (defaultEffort != null && !efforts.isEmpty() && !efforts.contains(defaultEffort)) {
      throw new IllegalArgumentException(
          "defaultEffort \"" + defaultEffort + "\" is not among the efforts " + efforts);
    }
  }

  /**
   * Starts a description of a model. Unset values are a model's conservative defaults: a 131,072
   * token window, a 1,024 token default output, the whole window as the largest output, no
   * thinking, no effort levels, no media, tools accepted, no fixed sampling; the description counts
   * as {@link #known() known}.
   *
   * @param id the model id, as sent in {@code model}
   * @return the builder
   * @throws NullPointerException if {@code id} is null
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * Returns a builder holding this description's values, to derive another.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.contextWindow = contextWindow;
    b.defaultMaxOutput = defaultMaxOutput;
    b.maxOutput = maxOutput;
    b.thinking = thinking;
    b.thinkingField = thinkingField;
    b.efforts = efforts;
    b.defaultEffort = defaultEffort;
    b.keepAll = keepAll;
    b.preservedThinking = preservedThinking;
    b.vision = vision;
    b.video = video;
    b.toolUse = toolUse;
    b.sampling = sampling;
    b.requiredToolChoiceWhileThinking = requiredToolChoiceWhileThinking;
    b.dynamicTools = dynamicTools;
    b.responsesWire = responsesWire;
    b.retirement = retirement;
    b.known = known;
    b.windowSet = windowKnown;
    return b;
  }

  /**
   * Returns the conservative description used for a model the catalog does not know: a 131,072
   * token window (a placeholder no check acts on: {@link #windowKnown()} is false), a 1,024 token
   * default output, no thinking, no media and no fixed sampling, so only the rules every Kimi model
   * shares are checked.
   *
   * @param id the model id
   * @return the description, with {@link #known()} false
   * @throws NullPointerException if {@code id} is null
   */
  public static ModelInfo unknown(String id) {
    return builder(id).known(false).build();
  }

  /**
   * Returns the model id, as sent in {@code model}.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the context window in tokens: prompt plus output must fit in it.
   *
   * @return the window
   */
  public int contextWindow() {
    return contextWindow;
  }

  /**
   * Returns the output cap the server applies when a request sets no {@code max_completion_tokens}.
   *
   * @return the default cap in tokens
   */
  public int defaultMaxOutput() {
    return defaultMaxOutput;
  }

  /**
   * Returns the largest {@code max_completion_tokens} the model accepts (Kimi limits output only by
   * the window, so this is the window unless a model says otherwise).
   *
   * @return the largest cap in tokens
   */
  public int maxOutput() {
    return maxOutput;
  }

  /**
   * Returns whether the model thinks always, on request, or never.
   *
   * @return the thinking support
   */
  public ThinkingSupport thinking() {
    return thinking;
  }

  /**
   * Tells whether the model takes the {@code thinking} object ({@code type}, {@code keep}, {@code
   * effort}) at all. kimi-k3.1-pro does not: it always reasons, as deep as the top-level {@code
   * reasoning_effort} says, and Moonshot takes a {@code thinking} object sent to it and ignores it
   * (kimi-api.md, "Changes of 2026-11-28, fourth look"). A request that sets {@link
   * ChatRequest#thinking()} for such a model is refused by {@link #problems}, unless the field is
   * marked deliberate; no part of the object is judged then, and the model thinks as {@link
   * #thinking()} says.
   *
   * @return false for a model that takes no {@code thinking} field
   */
  public boolean thinkingField() {
    return thinkingField;
  }

  /**
   * Returns the effort levels the model takes ({@code reasoning_effort} or {@code
   * thinking.effort}), such as {@code [low, high, max]} for kimi-k3; empty when the model has none
   * or none is known.
   *
   * @return the levels, in the server's order
   */
  public List<String> efforts() {
    return efforts;
  }

  /**
   * Returns the effort the server uses when a request sets none.
   *
   * @return the default level; null when unknown or when the model has no levels
   */
  public String defaultEffort() {
    return defaultEffort;
  }

  /**
   * Tells whether the model accepts {@code thinking.keep: "all"} (preserved thinking): kimi-k2.6,
   * k2.7-code and k3 do, kimi-k2.5 answers 400.
   *
   * @return true when {@link Thinking#preserved()} may be sent
   */
  public boolean keepAll() {
    return keepAll;
  }

  /**
   * Tells whether the model always preserves thinking (kimi-k3): it then wants {@code
   * reasoning_content} on every assistant message of the history, not only on tool-call ones.
   *
   * @return true for a preserved-thinking model
   */
  public boolean preservedThinking() {
    return preservedThinking;
  }

  /**
   * Tells whether the model accepts image parts.
   *
   * @return true for a vision model
   */
  public boolean vision() {
    return vision;
  }

  /**
   * Tells whether the model accepts video parts.
   *
   * @return true for a video model
   */
  public boolean video() {
    return video;
  }

  /**
   * Tells whether the model accepts {@code tools} ({@code supports_tool_use}; true unless the
   * server says otherwise).
   *
   * @return true when tools may be declared
   */
  public boolean toolUse() {
    return toolUse;
  }

  /**
   * Returns the sampling values the model fixes.
   *
   * @return the fixed values; {@link FixedSampling#NONE} when free
   */
  public FixedSampling sampling() {
    return sampling;
  }

  /**
   * Tells whether the model takes {@code tool_choice: "required"} while it thinks (kimi-k3 does;
   * kimi-k2.5, k2.6 and k2.7-code answer 400). A named function is refused by every model while it
   * thinks.
   *
   * @return true when {@code required} combines with thinking
   */
  public boolean requiredToolChoiceWhileThinking() {
    return requiredToolChoiceWhileThinking;
  }

  /**
   * Tells whether the model takes tools declared in system messages mid-conversation (kimi-k3's
   * "dynamic tools", see {@link io.github.kimisdk.chat.SystemMessage}); other models answer
   * "tokenization failed".
   *
   * @return true when it does
   */
  public boolean dynamicTools() {
    return dynamicTools;
  }

  /**
   * Tells whether Kimi serves the model over its Responses wire ({@code GET /models} says {@code
   * "protocol": "response"}; none of the built-in models): a client speaking chat completions sends
   * such a model's chat calls to {@code POST /responses}, as Moonshot's own client does.
   *
   * @return true when the model is served over Responses
   */
  public boolean responsesWire() {
    return responsesWire;
  }

  /**
   * Returns when Moonshot retired the model and what to use instead, for a model it no longer
   * serves: moonshot-v1-* and kimi-k2.5 (2026-08-31), the K2 previews and kimi-k2-thinking(-turbo)
   * (2026-05-25), kimi-latest (deprecated 2026-01-28). A client still sends such a model, with a
   * warning (see {@link Retirement}).
   *
   * @return the retirement, or empty for a model that is served (and for one the table does not
   *     know)
   */
  public Optional<Retirement> retirement() {
    return Optional.ofNullable(retirement);
  }

  /**
   * Tells whether the values come from Moonshot's documentation, {@code GET /models} or your own
   * entry, rather than the conservative defaults for an unknown model.
   *
   * @return false for {@link #unknown(String)}
   */
  public boolean known() {
    return known;
  }

  /**
   * Tells whether the context window is stated rather than assumed: for a {@link #known() known}
   * model, and for an unknown one whose window was set ({@link #withContextWindow(int)}, {@link
   * Builder#contextWindow(int)}), such as {@code ModelInfo.unknown("my-proxy").withContextWindow(
   * 32_000)}. A preflight budget checks only a stated window; the placeholder of {@link
   * #unknown(String)} refuses nothing.
   *
   * @return false for {@link #unknown(String)} as it comes
   */
  public boolean windowKnown() {
    return windowKnown;
  }

  /**
   * Returns a copy with another context window; the output limits shrink to fit it.
   *
   * @param contextWindow the window in tokens
   * @return the copy
   * @throws IllegalArgumentException if {@code contextWindow} is not positive
   */
  public ModelInfo withContextWindow(int contextWindow) {
    int max = maxOutput == this.contextWindow ? contextWindow : Math.min(maxOutput, contextWindow);
    return toBuilder()
        .contextWindow(contextWindow)
        .maxOutput(max)
        .defaultMaxOutput(Math.min(defaultMaxOutput, max))
        .build();
  }

  /**
   * Tells whether a request to this model runs with thinking on: always for {@link
   * ThinkingSupport#ALWAYS}, unless switched off for {@link ThinkingSupport#SWITCHABLE}, never for
   * {@link ThinkingSupport#NONE}.
   *
   * @param thinkingSetting the request's {@code thinking} setting; null when unset
   * @return whether the model thinks
   */
  public boolean thinksWith(Thinking thinkingSetting) {
    return switch (thinking) {
      case ALWAYS -> true;
      case SWITCHABLE -> thinkingSetting == null || thinkingSetting.isEnabled();
      case NONE -> false;
    };
  }

  /**
   * Tells whether a request asks this model to think: as {@link #thinksWith(Thinking)}, and also
   * when thinking is explicitly enabled for a model that does not think (Kimi then refuses the
   * request, and the thinking rules of tool choice apply to it).
   */
  private boolean asksToThink(Thinking setting) {
    return thinking == ThinkingSupport.ALWAYS
        || (setting != null ? setting.isEnabled() : thinking == ThinkingSupport.SWITCHABLE);
  }

  /**
   * Tells whether Kimi takes {@code choice} with this thinking setting: {@code auto} and {@code
   * none} always; {@code required} unless the model thinks and does not take it while thinking
   * ({@link #requiredToolChoiceWhileThinking()}); a named function only while the model does not
   * think. The model thinks when it always does, when it thinks by default and the setting does not
   * switch it off, or when the setting enables thinking. {@link io.github.kimisdk.chat.ChatRequest}
   * checks this when it is built.
   *
   * @param choice the tool choice; null for the server's default
   * @param thinkingSetting the request's {@code thinking}; null when unset
   * @return true when Kimi accepts the combination
   */
  public boolean acceptsToolChoice(ToolChoice choice, Thinking thinkingSetting) {
    if (choice != ToolChoice.required() && !(choice instanceof ToolChoice.Function)) {
      return true;
    }
    if (!asksToThink(thinkingSetting)) {
      return true;
    }
    return choice == ToolChoice.required() && requiredToolChoiceWhileThinking;
  }

  /**
   * Lists the settings of {@code request} this model rejects or would not act on, each as a
   * sentence that names the parameter, the accepted value and the fix, such as {@code "kimi-k3
   * accepts only top_p 0.95: 0.8; leave top_p unset"}. Checked for every model: temperature in [0,
   * 1]; {@code n > 1} with a temperature below 0.3; the {@link #sampling() fixed sampling values};
   * switching thinking off on a model that always thinks; {@code tool_choice} {@code required} or a
   * named function while the model thinks ({@link #acceptsToolChoice}). Checked for {@link #known()
   * known} models only: thinking enabled on a model that does not think; {@code thinking.keep} on a
   * model without {@link #keepAll()}; an effort ({@code reasoning_effort} or {@code
   * thinking.effort}) on a model that does not think, that lists no levels, or that is not among
   * {@link #efforts()}; tools on a model without {@link #toolUse()}; image and video parts on a
   * model that does not take them; a {@code max_completion_tokens} over {@link #maxOutput()}. The
   * request's model id is not compared with {@link #id()}. A client runs this check before every
   * call, against its own catalog, and refuses a request with any problem.
   *
   * <p>Two of these rules refuse what Kimi would take and ignore without a word, so that a request
   * that costs money does not quietly do less than it says: {@code thinking} on a model without a
   * {@link #thinkingField() thinking field} (kimi-k3.1-pro; rule {@code ignored-field}), and a
   * {@code reasoning_effort} level the model does not list (Moonshot reasons at its default level
   * then; rule {@code unlisted-effort}). Only these two are lifted by {@link #problems(ChatRequest,
   * Set)}'s deliberate fields; whatever Kimi answers with a 400 is refused whatever is marked.
   *
   * <pre>{@code
   * List<String> problems = ModelCatalog.defaults().lookup(request.model()).problems(request);
   * }</pre>
   *
   * @param request the request to check
   * @return the problems, empty when none is found
   * @throws NullPointerException if {@code request} is null
   */
  public List<String> problems(ChatRequest request) {
    return problems(request, Set.of());
  }

  /**
   * Lists the settings of {@code request} this model rejects or would not act on, as {@link
   * #problems(ChatRequest)} does, but for the rules of what Kimi takes and ignores ({@code
   * ignored-field}, {@code unlisted-effort}) of a field named in {@code deliberateFields}: such a
   * field is sent as it is, as a team decided (a relay that reads it, a Kimi newer than this
   * table). A client passes the fields marked with {@code KimiClient.Builder.deliberateFields}.
   *
   * <pre>{@code
   * ModelInfo k31 = ModelCatalog.defaults().lookup("kimi-k3.1-pro");
   * ChatRequest asked =
   *     ChatRequest.builder("kimi-k3.1-pro").addUser("Hi").thinking(Thinking.disabled()).build();
   * k31.problems(asked);                       // [kimi-k3.1-pro takes no thinking field ...]
   * k31.problems(asked, Set.of("thinking"));   // []: sent as it is
   * }</pre>
   *
   * @param request the request to check
   * @param deliberateFields top-level fields sent deliberately, as chat completions names them
   *     ({@code thinking}, {@code reasoning_effort})
   * @return the problems, empty when none is found
   * @throws NullPointerException if an argument is null
   */
  public List<String> problems(ChatRequest request, Set<String> deliberateFields) {
    return ModelRules.problems(
        Objects.requireNonNull(request, "request must not be null"),
        this,
        Set.copyOf(Objects.requireNonNull(deliberateFields, "deliberateFields must not be null")));
  }

  /**
   * Returns {@code request} adapted to this model by a client's policies. With {@link
   * SamplingPolicy#ADAPT}, a fixed temperature, {@code top_p}, {@code n} or penalty that differs
   * from the model's only value is left unset, so the server applies that value, and a temperature
   * above Kimi's range (OpenAI allows up to 2) on a model that does not fix it becomes 1. With a
   * {@link ThinkingFallback} other than {@link ThinkingFallback#REJECT}, a tool choice the model
   * rejects while it thinks is resolved: tool choice {@code auto}, or thinking disabled for the
   * turn where the model can switch it off. Whatever the policies, when the model thinks (after
   * those changes) an earlier assistant turn without reasoning gets {@link #SYNTHETIC_REASONING}:
   * one with tool calls, or every one under preserved thinking (this model's {@link
   * #preservedThinking()}, or {@code thinking.keep "all"}). Every other setting stays; when nothing
   * changes the result holds this very request. A client sends exactly what this returns: the codec
   * writes the request as given.
   *
   * @param request the request to adapt
   * @param sampling what to do with fixed sampling values
   * @param fallback what to do with a tool choice the model rejects while thinking
   * @return the adapted request and what changed
   * @throws NullPointerException if an argument is null
   */
  public Adapted adapt(ChatRequest request, SamplingPolicy sampling, ThinkingFallback fallback) {
    return ModelRules.adapt(
        Objects.requireNonNull(request, "request must not be null"),
        this,
        Objects.requireNonNull(sampling, "sampling must not be null"),
        Objects.requireNonNull(fallback, "fallback must not be null"));
  }

  /**
   * A request adapted to a model by a client's policies, from {@link #adapt}.
   *
   * @param request the request to send
   * @param changes what was changed, one sentence each (such as {@code "kimi-k3 fixes top_p at
   *     0.95: dropped 0.5"}); empty when nothing was
   */
  public record Adapted(ChatRequest request, List<String> changes) {

    /**
     * Copies the list of changes.
     *
     * @param request the request to send
     * @param changes what was changed
     * @throws NullPointerException if an argument is null
     */
    public Adapted {
      Objects.requireNonNull(request, "request must not be null");
      changes = List.copyOf(changes);
    }

    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Adapted").add("request", request).add("changes", changes).toString();
    }
  }

  /**
   * Tells whether {@code o} describes the same model with the same values.
   *
   * @param o the other object
   * @return true when every value is equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ModelInfo m
        && id.equals(m.id)
        && contextWindow == m.contextWindow
        && defaultMaxOutput == m.defaultMaxOutput
        && maxOutput == m.maxOutput
        && thinking == m.thinking
        && thinkingField == m.thinkingField
        && efforts.equals(m.efforts)
        && Objects.equals(defaultEffort, m.defaultEffort)
        && keepAll == m.keepAll
        && preservedThinking == m.preservedThinking
        && vision == m.vision
        && video == m.video
        && toolUse == m.toolUse
        && sampling.equals(m.sampling)
        && requiredToolChoiceWhileThinking == m.requiredToolChoiceWhileThinking
        && dynamicTools == m.dynamicTools
        && responsesWire == m.responsesWire
        && Objects.equals(retirement, m.retirement)
        && known == m.known
        && windowKnown == m.windowKnown;
  }

  /**
   * Returns a hash of the values.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(
        id,
        contextWindow,
        defaultMaxOutput,
        maxOutput,
        thinking,
        thinkingField,
        efforts,
        defaultEffort,
        keepAll,
        preservedThinking,
        vision,
        video,
        toolUse,
        sampling,
        requiredToolChoiceWhileThinking,
        dynamicTools,
        responsesWire,
        retirement,
        known,
        windowKnown);
  }

  /**
   * Returns the values, such as {@code ModelInfo[kimi-k3, window 1048576, ...]}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return "ModelInfo["
        + id
        + ", window "
        + contextWindow
        + ", output "
        + defaultMaxOutput
        + "/"
        + maxOutput
        + ", thinking "
        + thinking
        + (thinkingField ? "" : ", no thinking field")
        + (efforts.isEmpty() ? "" : ", efforts " + efforts + " default " + defaultEffort)
        + (keepAll ? ", keep all" : "")
        + (preservedThinking ? ", preserved thinking" : "")
        + (vision ? ", images" : "")
        + (video ? ", video" : "")
        + (toolUse ? "" : ", no tools")
        + (sampling.isFree() ? "" : ", fixed " + sampling)
        + (requiredToolChoiceWhileThinking ? ", required while thinking" : "")
        + (dynamicTools ? ", dynamic tools" : "")
        + (responsesWire ? ", over Responses" : "")
        + (retirement == null
            ? ""
            : ", retired " + retirement.date() + " (use " + retirement.successor() + ")")
        + (known ? "" : windowKnown ? ", unknown" : ", unknown, window assumed")
        + "]";
  }

  /**
   * Configures a {@link ModelInfo}; reached through {@link ModelInfo#builder(String)} or {@link
   * ModelInfo#toBuilder()}. Not thread-safe.
   */
  public static final class Builder {
    private final String id;
    private int contextWindow = UNKNOWN_CONTEXT_WINDOW;
    private Integer defaultMaxOutput;
    private Integer maxOutput;
    private ThinkingSupport thinking = ThinkingSupport.NONE;
    private boolean thinkingField = true;
    private List<String> efforts = List.of();
    private String defaultEffort;
    private boolean keepAll;
    private boolean preservedThinking;
    private boolean vision;
    private boolean video;
    private boolean toolUse = true;
    private FixedSampling sampling = FixedSampling.NONE;
    private boolean requiredToolChoiceWhileThinking;
    private boolean dynamicTools;
    private boolean responsesWire;
    private Retirement retirement;
    private boolean known = true;
    private boolean windowSet;

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id must not be null");
    }

    /**
     * Sets the context window (default 131,072).
     *
     * @param contextWindow the window in tokens
     * @return this builder
     */
    public Builder contextWindow(int contextWindow) {
      this.contextWindow = contextWindow;
      this.windowSet = true;
      return this;
    }

    /**
     * Sets the output cap the server applies when a request sets none (default 1,024, or the
     * largest output when that is smaller).
     *
     * @param defaultMaxOutput the cap in tokens
     * @return this builder
     */
    public Builder defaultMaxOutput(int defaultMaxOutput) {
      this.defaultMaxOutput = defaultMaxOutput;
      return this;
    }

    /**
     * Sets the largest {@code max_completion_tokens} accepted (default the whole window).
     *
     * @param maxOutput the cap in tokens
     * @return this builder
     */
    public Builder maxOutput(int maxOutput) {
      this.maxOutput = maxOutput;
      return this;
    }

    /**
     * Sets whether the model thinks always, on request, or never (default never).
     *
     * @param thinking the support
     * @return this builder
     * @throws NullPointerException if {@code thinking} is null
     */
    public Builder thinking(ThinkingSupport thinking) {
      this.thinking = Objects.requireNonNull(thinking, "thinking must not be null");
      return this;
    }

    /**
     * Sets whether the model takes the {@code thinking} object at all (default true); false for a
     * model that always reasons and ignores the object, such as kimi-k3.1-pro.
     *
     * @param thinkingField false for a model that takes no {@code thinking} field
     * @return this builder
     */
    public Builder thinkingField(boolean thinkingField) {
      this.thinkingField = thinkingField;
      return this;
    }

    /**
     * Sets the effort levels the model takes and the one it uses by default (default none).
     *
     * @param efforts the levels, such as {@code [low, high, max]}; empty for none
     * @param defaultEffort the default level, one of {@code efforts}; null when unknown
     * @return this builder
     * @throws NullPointerException if {@code efforts} or an element is null
     * @throws IllegalArgumentException if a level is blank
     */
    public Builder efforts(List<String> efforts, String defaultEffort) {
      List<String> copy = List.copyOf(efforts);
      for (String e : copy) {
        if (e.isBlank()) {
          throw new IllegalArgumentException("effort levels must not be blank: " + copy);
        }
      }
      this.efforts = copy;
      this.defaultEffort = defaultEffort;
      return this;
    }

    /**
     * Sets whether the model accepts {@code thinking.keep: "all"} (default false).
     *
     * @param keepAll true when preserved thinking may be asked for
     * @return this builder
     */
    public Builder keepAll(boolean keepAll) {
      this.keepAll = keepAll;
      return this;
    }

    /**
     * Sets whether the model always preserves thinking and so wants {@code reasoning_content} on
     * every assistant message (default false).
     *
     * @param preservedThinking true for a preserved-thinking model
     * @return this builder
     */
    public Builder preservedThinking(boolean preservedThinking) {
      this.preservedThinking = preservedThinking;
      return this;
    }

    /**
     * Sets whether the model accepts image parts (default false).
     *
     * @param vision true for a vision model
     * @return this builder
     */
    public Builder vision(boolean vision) {
      this.vision = vision;
      return this;
    }

    /**
     * Sets whether the model accepts video parts (default false).
     *
     * @param video true for a video model
     * @return this builder
     */
    public Builder video(boolean video) {
      this.video = video;
      return this;
    }

    /**
     * Sets whether the model accepts tools (default true).
     *
     * @param toolUse false for a model without tool use
     * @return this builder
     */
    public Builder toolUse(boolean toolUse) {
      this.toolUse = toolUse;
      return this;
    }

    /**
     * Sets the sampling values the model fixes (default none).
     *
     * @param sampling the fixed values
     * @return this builder
     * @throws NullPointerException if {@code sampling} is null (use {@link FixedSampling#NONE})
     */
    public Builder sampling(FixedSampling sampling) {
      this.sampling =
          Objects.requireNonNull(sampling, "sampling must not be null (use FixedSampling.NONE)");
      return this;
    }

    /**
     * Sets whether the model takes {@code tool_choice: "required"} while thinking (default false).
     *
     * @param allowed true for a model such as kimi-k3
     * @return this builder
     */
    public Builder requiredToolChoiceWhileThinking(boolean allowed) {
      this.requiredToolChoiceWhileThinking = allowed;
      return this;
    }

    /**
     * Sets whether the model takes tools declared in system messages (default false).
     *
     * @param dynamicTools true for kimi-k3's dynamic tools
     * @return this builder
     */
    public Builder dynamicTools(boolean dynamicTools) {
      this.dynamicTools = dynamicTools;
      return this;
    }

    /**
     * Sets whether Kimi serves the model over its Responses wire (default false).
     *
     * @param responsesWire true when {@code GET /models} says {@code "protocol": "response"}
     * @return this builder
     */
    public Builder responsesWire(boolean responsesWire) {
      this.responsesWire = responsesWire;
      return this;
    }

    /**
     * Marks the model retired, or served again (default served).
     *
     * @param retirement when it was retired and what to use instead; null for a served model
     * @return this builder
     */
    public Builder retirement(Retirement retirement) {
      this.retirement = retirement;
      return this;
    }

    /**
     * Sets whether the description is known rather than assumed (default true).
     *
     * @param known false for conservative defaults
     * @return this builder
     */
    public Builder known(boolean known) {
      this.known = known;
      return this;
    }

    /**
     * Builds the description.
     *
     * @return the description
     * @throws IllegalArgumentException if a limit is not positive, an output limit exceeds the
     *     window, or the default effort is not among the levels
     */
    public ModelInfo build() {
      return new ModelInfo(this);
    }
  }
}
