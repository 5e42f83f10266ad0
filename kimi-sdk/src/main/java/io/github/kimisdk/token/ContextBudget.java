package io.github.kimisdk.token;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Checks before sending that a request fits its model's context window, where the prompt plus the
 * output must fit. It can lower {@code max_completion_tokens} to what fits, and trim a conversation
 * to the window. It checks the window only: the model's request rules are {@link
 * ModelInfo#problems(ChatRequest)}, which a client runs under its own switch ({@code modelChecks}).
 *
 * <pre>{@code
 * ContextBudget budget = ContextBudget.defaults();          // estimator, 50,000 token reserve
 * ChatRequest checked = budget.preflight(request);         // throws before anything is sent
 * ChatRequest shorter = budget.trim(request);              // oldest turns dropped until it fits
 * budget.preflight(request, kimi.catalog().lookup(request.model())); // another table's window
 *
 * KimiClient kimi = KimiClient.builder().fromEnv().preflight(ContextBudget.defaults()).build();
 * }</pre>
 *
 * <p><b>The numbers.</b> The prompt is counted with a {@link RequestTokens} counter: by default the
 * estimator ({@link TokenEstimator}, which leans high but undercounts some texts by 10% or more, so
 * {@link Builder#estimateMargin(double)} can add a margin), or exactly with {@link
 * RequestTokens#exact(KimiTokenizer)}. The output is the request's {@code max_completion_tokens};
 * when it sets none, the budget's reserve (50,000 tokens by default, never more than a quarter of
 * the window, so small models stay usable). The window is the {@link ModelInfo} handed in: a client
 * hands in its own table's entry, resolved once per call; the one-argument methods read {@link
 * ModelCatalog#defaults()}. A budget holds no model table of its own.
 *
 * <p><b>A model the table does not know</b> has no stated window, only an assumed one ({@link
 * ModelInfo#windowKnown()} false): {@link #preflight} sends its request as it is (never refused,
 * never clamped) and {@link #trim(ChatRequest, ModelInfo)} keeps every message; {@link #check}
 * still measures it against the assumed window. A client's preflight first asks {@code GET /models}
 * for the window (once per client) and checks against that; where the list has none it logs that it
 * could not check.
 *
 * <p><b>Trimming</b> ({@link #trim(List, int)}) drops the oldest turns first, a turn being a user
 * message and everything up to the next one. It keeps every system message and the latest user
 * turn, and since it drops whole turns an assistant message that calls tools always stays or goes
 * with the tool results that answer it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ContextBudget {

  /** The default output reserve for a request without {@code max_completion_tokens}: 50,000. */
  public static final int DEFAULT_RESERVE = 50_000;

  /** The default smallest {@code max_completion_tokens} clamping may produce: 256. */
  public static final int DEFAULT_MIN_OUTPUT = 256;

  private final RequestTokens counter;
  private final int reserve;
  private final boolean clamp;
  private final int minOutput;
  private final double estimateMargin;

  private ContextBudget(Builder b) {
    this.counter = b.counter;
    this.reserve = b.reserve;
    this.clamp = b.clamp;
    this.minOutput = b.minOutput;
    this.estimateMargin = b.estimateMargin;
  }

  /**
   * Returns a budget with the defaults: the estimator, a 50,000 token reserve and no clamping.
   *
   * @return the budget
   */
  public static ContextBudget defaults() {
    return builder().build();
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the counter the prompt is counted with.
   *
   * @return the counter
   */
  public RequestTokens counter() {
    return counter;
  }

  /**
   * How a request stands against its model's window.
   *
   * @param model the model id
   * @param promptTokens the prompt, counted or estimated
   * @param outputTokens {@code max_completion_tokens}, or the reserve when the request sets none
   * @param contextWindow the model's window
   * @param exact whether the prompt was counted exactly
   */
  public record Check(
      String model, int promptTokens, int outputTokens, int contextWindow, boolean exact) {

    /**
     * Tells whether prompt and output fit the window.
     *
     * @return {@code promptTokens + outputTokens <= contextWindow}
     */
    public boolean fits() {
      return (long) promptTokens + outputTokens <= contextWindow;
    }

    /**
     * Returns the room left for output after the prompt.
     *
     * @return {@code contextWindow - promptTokens}, negative when the prompt alone is too long
     */
    public int availableForOutput() {
      return contextWindow - promptTokens;
    }
  }

  /**
   * Measures a request against its model's window in {@link ModelCatalog#defaults()} without
   * throwing.
   *
   * @param request the request
   * @return the numbers
   * @throws NullPointerException if {@code request} is null
   */
  public Check check(ChatRequest request) {
    return check(request, defaultEntry(request));
  }

  /**
   * Measures a request against {@code model}'s window without throwing.
   *
   * @param request the request
   * @param model the model's entry in the caller's table, such as {@code
   *     kimi.catalog().lookup(request.model())}
   * @return the numbers
   * @throws NullPointerException if an argument is null
   */
  public Check check(ChatRequest request, ModelInfo model) {
    Objects.requireNonNull(model, "model");
    RequestTokens.Count count = counter.count(request);
    int prompt = count.total();
    if (!count.exact() && estimateMargin > 0) {
      prompt = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(prompt * (1 + estimateMargin)));
    }
    return new Check(
        request.model(), prompt, outputFor(request, model), model.contextWindow(), count.exact());
  }

  /**
   * Checks before it is sent that a request fits its model's window in {@link
   * ModelCatalog#defaults()}; see {@link #preflight(ChatRequest, ModelInfo)}.
   *
   * @param request the request
   * @return the request, or a copy with a lower {@code max_completion_tokens}
   * @throws ContextBudgetExceededException if prompt plus output does not fit the window (and
   *     cannot be clamped)
   * @throws NullPointerException if {@code request} is null
   */
  public ChatRequest preflight(ChatRequest request) {
    return preflight(request, defaultEntry(request));
  }

  /**
   * Checks before it is sent that a request fits {@code model}'s window; the window only, not the
   * model's request rules ({@link ModelInfo#problems(ChatRequest)}). When clamping is on and the
   * prompt fits with room for at least the minimum output, a {@code max_completion_tokens} (or the
   * reserve, when none is set) that does not fit is lowered to what fits, and the changed request
   * is returned. A model without a {@link ModelInfo#windowKnown() stated window} has none to check:
   * its request is returned as it is.
   *
   * @param request the request
   * @param model the model's entry in the caller's table
   * @return the request, or a copy with a lower {@code max_completion_tokens}
   * @throws ContextBudgetExceededException if prompt plus output does not fit the window (and
   *     cannot be clamped)
   * @throws NullPointerException if an argument is null
   */
  public ChatRequest preflight(ChatRequest request, ModelInfo model) {
    Objects.requireNonNull(request, "request");
    if (!Objects.requireNonNull(model, "model").windowKnown()) {
      return request; // an assumed window refuses nothing
    }
    Check c = check(request, model);
    if (c.fits()) {
      return request;
    }
    int room = c.availableForOutput();
    if (clamp && room >= minOutput) {
      return request.toBuilder().maxCompletionTokens(room).build();
    }
    throw new ContextBudgetExceededException(
        c.model(), c.promptTokens(), c.outputTokens(), c.contextWindow(), c.exact());
  }

  /**
   * Trims the messages of a request until prompt plus output fits the window (see {@link
   * #trim(List, int)}); the request's tools and other settings are kept. When even the system
   * messages and the latest user turn do not fit, the result holds just those and {@link
   * #preflight} still fails on it.
   *
   * @param request the request
   * @return the request, or a copy with fewer messages
   * @throws NullPointerException if {@code request} is null
   */
  public ChatRequest trim(ChatRequest request) {
    return trim(request, defaultEntry(request));
  }

  /**
   * Trims the messages of a request until prompt plus output fits {@code model}'s window, as {@link
   * #trim(ChatRequest)} does; a model without a {@link ModelInfo#windowKnown() stated window} keeps
   * them all.
   *
   * @param request the request
   * @param model the model's entry in the caller's table
   * @return the request, or a copy with fewer messages
   * @throws NullPointerException if an argument is null
   */
  public ChatRequest trim(ChatRequest request, ModelInfo model) {
    if (!Objects.requireNonNull(model, "model").windowKnown()) {
      return Objects.requireNonNull(request, "request");
    }
    int forMessages = model.contextWindow() - outputFor(request, model) - counter.overhead(request);
    List<Message> kept = trimTurns(request.messages(), forMessages, this::cost);
    return kept.size() == request.messages().size()
        ? request
        : request.toBuilder().messages(kept).build();
  }

  /**
   * Drops the oldest turns of a conversation until its messages cost at most {@code maxTokens},
   * each message counted with its template tokens ({@link RequestTokens#countMessage}). System
   * messages and the latest user turn are always kept; an assistant message with tool calls is
   * never separated from its tool results. This is the list form, for conversation holders.
   *
   * @param messages the conversation, oldest first
   * @param maxTokens the most the kept messages may cost
   * @return the kept messages, in order (all of them when they fit)
   * @throws NullPointerException if {@code messages} or an element is null
   */
  public List<Message> trim(List<? extends Message> messages, int maxTokens) {
    return trimTurns(messages, maxTokens, this::cost);
  }

  /**
   * Drops the oldest turns of a conversation until it costs at most {@code maxTokens} by the given
   * cost function; the rules of {@link #trim(List, int)} apply.
   *
   * @param messages the conversation, oldest first
   * @param maxTokens the most the kept messages may cost
   * @param cost the cost of one message
   * @return the kept messages, in order
   * @throws NullPointerException if an argument or element is null
   */
  public static List<Message> trim(
      List<? extends Message> messages, int maxTokens, ToIntFunction<? super Message> cost) {
    Objects.requireNonNull(cost, "cost");
    return trimTurns(messages, maxTokens, cost);
  }

  private int cost(Message m) {
    return counter.countMessage(m);
  }

  private static List<Message> trimTurns(
      List<? extends Message> messages, int maxTokens, ToIntFunction<? super Message> cost) {
    int n = messages.size();
    int[] costs = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      costs[i] = cost.applyAsInt(Objects.requireNonNull(messages.get(i), "message"));
      total += costs[i];
    }
    if (total <= maxTokens) {
      return List.copyOf(messages);
    }
    // turn starts: each user message, or, with no user message at all, each non-tool message
    List<Integer> starts = new ArrayList<>();
    boolean anyUser = messages.stream().anyMatch(m -> m instanceof UserMessage);
    starts.add(0);
    for (int i = 1; i < n; i++) {
      Message m = messages.get(i);
      if (anyUser ? m instanceof UserMessage : !(m instanceof ToolMessage)) {
        starts.add(i);
      }
    }
    boolean[] dropped = new boolean[n];
    // the last turn (the latest user turn) is never dropped
    for (int t = 0; t < starts.size() - 1 && total > maxTokens; t++) {
      for (int i = starts.get(t); i < starts.get(t + 1); i++) {
        if (!(messages.get(i) instanceof SystemMessage)) {
          dropped[i] = true;
          total -= costs[i];
        }
      }
    }
    List<Message> kept = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!dropped[i]) {
        kept.add(messages.get(i));
      }
    }
    return List.copyOf(kept);
  }

  private static ModelInfo defaultEntry(ChatRequest request) {
    return ModelCatalog.defaults().lookup(request.model());
  }

  private int outputFor(ChatRequest request, ModelInfo model) {
    Integer cap = request.maxCompletionTokens();
    return cap != null ? cap : Math.min(reserve, model.contextWindow() / 4);
  }

  /** Configures a {@link ContextBudget}. */
  public static final class Builder {
    private RequestTokens counter = RequestTokens.estimated();
    private int reserve = DEFAULT_RESERVE;
    private boolean clamp;
    private int minOutput = DEFAULT_MIN_OUTPUT;
    private double estimateMargin;

    private Builder() {}

    /**
     * Sets how the prompt is counted (default {@link RequestTokens#estimated()}); pass {@link
     * RequestTokens#exact(KimiTokenizer)} for exact text counts.
     *
     * @param counter the counter
     * @return this builder
     * @throws NullPointerException if {@code counter} is null
     */
    public Builder counter(RequestTokens counter) {
      this.counter = Objects.requireNonNull(counter, "counter");
      return this;
    }

    /**
     * Sets the output reserved for a request without {@code max_completion_tokens} (default 50,000;
     * at most a quarter of the window is used).
     *
     * @param reserve the tokens
     * @return this builder
     * @throws IllegalArgumentException if {@code reserve} is negative
     */
    public Builder reserve(int reserve) {
      if (reserve < 0) {
        throw new IllegalArgumentException("reserve must not be negative: " + reserve);
      }
      this.reserve = reserve;
      return this;
    }

    /**
     * Lowers {@code max_completion_tokens} to what fits instead of failing, as long as at least
     * {@link #minOutput(int)} tokens fit (default off).
     *
     * @param clamp whether to clamp
     * @return this builder
     */
    public Builder clampOutput(boolean clamp) {
      this.clamp = clamp;
      return this;
    }

    /**
     * Sets the smallest {@code max_completion_tokens} clamping may produce (default 256); with less
     * room the preflight fails instead.
     *
     * @param minOutput the tokens
     * @return this builder
     * @throws IllegalArgumentException if {@code minOutput} is less than 1
     */
    public Builder minOutput(int minOutput) {
      if (minOutput < 1) {
        throw new IllegalArgumentException("minOutput must be at least 1: " + minOutput);
      }
      this.minOutput = minOutput;
      return this;
    }

    /**
     * Adds a safety margin to estimated prompts (default 0): with {@code 0.1} an estimate of 1,000
     * tokens is taken as 1,100. The estimator can undercount some texts by more than 10% (see
     * {@link TokenEstimator}); a margin trades false alarms for fewer overflows. Exact counts are
     * used as they are.
     *
     * @param fraction the margin, in [0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1]
     */
    public Builder estimateMargin(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("estimateMargin must be in [0, 1]: " + fraction);
      }
      this.estimateMargin = fraction;
      return this;
    }

    /**
     * Builds the budget.
     *
     * @return the budget
     */
    public ContextBudget build() {
      return new ContextBudget(this);
    }
  }
}
