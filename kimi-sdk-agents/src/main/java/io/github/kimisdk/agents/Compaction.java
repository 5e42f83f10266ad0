package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.token.RequestTokens;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Keeps a history inside the model's window: before a request would cross a threshold (a share of
 * the model's context window, a number of tokens, a number of bytes), the older part of the history
 * is replaced by a summary the model writes, and a tool result over a stated size is cut, with a
 * note the model reads, as it arrives. On by default for an {@link Agent}'s runs where the model's
 * window is known ({@link Agent.Builder#compaction(Compaction)}); a {@link Conversation} is
 * compacted the same way on request ({@link #compact}).
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .compaction(Compaction.defaults()
 *         .threshold(0.8)              // of the window, prompt and output cap together
 *         .recentTurns(3)              // the last three turns stay whole
 *         .model("kimi-k2.6"))         // a cheaper model writes the summaries
 *     .build();
 *
 * Compaction.Result r = Compaction.defaults()
 *     .compact(kimi, conversation, conversation.request("kimi-k3").tools(tools).build());
 * conversation = r.conversation();     // the same id, a shorter history
 * }</pre>
 *
 * <p><b>Kimi's rules hold.</b> The system messages the history opens with and the first user
 * message stay as they are, and so does every message kept: an assistant message keeps its {@code
 * reasoning_content} exactly as received (K3 wants it on every one). A cut falls only between turns
 * (an assistant message and every tool result that answers it), never between a call and its
 * result, and never before an assistant message whose calls still wait for results, as a run's
 * pending approval does. The summary is a user message after the first request; system messages
 * among the replaced turns (K3's dynamic tool declarations) stay.
 *
 * <p><b>What the summary keeps.</b> The model is asked for the task and its constraints, the
 * decisions made, each tool call with its key arguments and outcome, and what is done and open;
 * beneath its text the SDK writes a ledger of its own, from the messages replaced: each tool call,
 * its arguments, whether it failed and the start of its result (the newest calls its share holds,
 * the others counted). The summary request holds the summary before it, so what the run has done
 * passes from summary to summary. What it loses: the exact text of the replaced results and
 * replies, the model's reasoning about them, and whatever the model did not think worth keeping.
 *
 * <p><b>Its size, by the window.</b> The model's text is at most {@link #summaryTokens(int)} and an
 * eighth of the threshold; the ledger takes as much again, less when the head and the request's
 * output cap leave little. So the next request holds the head, the summary, the output cap and room
 * for turns, and the next summary request fits with this summary in it. A summary request over the
 * limits (a turn larger than the room it had) is shortened: long tool results cut, then the
 * previous summary's ledger condensed (its oldest entries counted), then the oldest turns after the
 * previous summary left out; never the head, a system message or the previous summary's text.
 *
 * <p><b>What it costs.</b> One model call per compaction: the history up to the cut is sent as it
 * was before, so Kimi reads it from its prefix cache, and the summary is its output ({@link
 * #summaryTokens(int)} at most). After it, the history differs from the summary on, so the next
 * request reads only the kept head (and the tools) from the cache: the prefix cache given up, which
 * {@link CompactionReport#cacheGivenUp()} estimates.
 *
 * <p><b>The numbers.</b> A request's weight is its prompt in tokens, as the SDK's estimator counts
 * it (every assistant message's reasoning included), scaled by how far the estimate for the run's
 * last request fell short of what Kimi counted, plus its {@code max_completion_tokens}; and its
 * body in bytes. The threshold is {@value #DEFAULT_THRESHOLD} of the window by default, and, on a
 * Kimi Code endpoint, the same share of its request body limit ({@link
 * KimiClient#KIMI_CODE_MAX_REQUEST_BYTES}); a model whose window the client's table does not state
 * has no token threshold unless {@link #maxPromptTokens(int)} sets one.
 *
 * <p>Instances are immutable and thread-safe; each setter returns a new one.
 */
public final class Compaction {

  /** The default threshold: this share of the model's window. */
  public static final double DEFAULT_THRESHOLD = 0.85;

  /** The default number of recent turns that stay whole. */
  public static final int DEFAULT_RECENT_TURNS = 2;

  /**
   * The default limit of one tool result, in tokens: a result over it is cut as it arrives (never
   * more than a quarter of the threshold).
   */
  public static final int DEFAULT_MAX_TOOL_RESULT_TOKENS = 25_000;

  /**
   * The default output cap of a summary, in tokens (never more than an eighth of the threshold);
   * the ledger beneath it takes as much again at most.
   */
  public static final int DEFAULT_SUMMARY_TOKENS = 4_000;

  private static final Compaction DEFAULTS = new Compaction(new Values(true));

  private static final Compaction OFF = new Compaction(new Values(false));

  /** The settings' values: never changed once a {@link Compaction} holds them. */
  private static final class Values implements Cloneable {
    boolean enabled;
    double threshold = DEFAULT_THRESHOLD;
    int maxPromptTokens;
    long maxRequestBytes;
    int recentTurns = DEFAULT_RECENT_TURNS;
    String model;
    int maxToolResultTokens = DEFAULT_MAX_TOOL_RESULT_TOKENS;
    int summaryTokens = DEFAULT_SUMMARY_TOKENS;

    Values(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    protected Values clone() {
      try {
        return (Values) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Values v;

  private Compaction(Values values) {
    this.v = values;
  }

  /** A copy of these settings, switched on, with {@code change} made. */
  private Compaction with(java.util.function.Consumer<Values> change) {
    Values x = v.clone();
    x.enabled = true;
    change.accept(x);
    return new Compaction(x);
  }

  /**
   * Returns the defaults: on, at {@value #DEFAULT_THRESHOLD} of the window (and of Kimi Code's body
   * limit on a Kimi Code endpoint), {@value #DEFAULT_RECENT_TURNS} recent turns whole, the run's
   * own model writing the summary, tool results cut over {@value #DEFAULT_MAX_TOOL_RESULT_TOKENS}
   * tokens.
   *
   * @return the defaults
   */
  public static Compaction defaults() {
    return DEFAULTS;
  }

  /**
   * Returns compaction switched off: no summary, no tool result cut. A run then fails when its
   * history outgrows the window, with Kimi's "exceeded model token limit".
   *
   * @return compaction off
   */
  public static Compaction off() {
    return OFF;
  }

  /**
   * Returns these settings with another threshold: a request whose prompt and output cap would pass
   * this share of the model's window is compacted first. A lower share compacts earlier and more
   * often, leaving more room for a turn's results.
   *
   * @param share of the window, above 0 and at most 1
   * @return the settings
   * @throws IllegalArgumentException if {@code share} is outside (0, 1]
   */
  public Compaction threshold(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "the threshold is a share of the window in (0, 1]: " + share);
    }
    return with(x -> x.threshold = share);
  }

  /**
   * Returns these settings with a threshold in tokens beside the share of the window (the lower of
   * the two holds): for a model whose window the client's table does not state, or to keep runs
   * smaller than the window allows (each request costs its whole prompt).
   *
   * @param tokens the most a request's prompt and output cap may take, at least 1,000
   * @return the settings
   * @throws IllegalArgumentException if {@code tokens} is below 1,000
   */
  public Compaction maxPromptTokens(int tokens) {
    if (tokens < 1_000) {
      throw new IllegalArgumentException("maxPromptTokens must be at least 1000: " + tokens);
    }
    return with(x -> x.maxPromptTokens = tokens);
  }

  /**
   * Returns these settings with a threshold in bytes: a request whose body would be larger is
   * compacted first. By default, on a Kimi Code endpoint, the threshold's share of {@link
   * KimiClient#KIMI_CODE_MAX_REQUEST_BYTES}, and none elsewhere.
   *
   * @param bytes the largest body, at least 16 KiB
   * @return the settings
   * @throws IllegalArgumentException if {@code bytes} is below 16,384
   */
  public Compaction maxRequestBytes(long bytes) {
    if (bytes < 16_384) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 16384: " + bytes);
    }
    return with(x -> x.maxRequestBytes = bytes);
  }

  /**
   * Returns these settings keeping another number of recent turns whole (an assistant message with
   * its tool results is a turn). A run keeps fewer when that many would not bring the request under
   * the threshold.
   *
   * @param turns at least 0
   * @return the settings
   * @throws IllegalArgumentException if {@code turns} is negative
   */
  public Compaction recentTurns(int turns) {
    if (turns < 0) {
      throw new IllegalArgumentException("recentTurns must not be negative: " + turns);
    }
    return with(x -> x.recentTurns = turns);
  }

  /**
   * Returns these settings with another model writing the summaries. The run's own model (the
   * default) reads the history from Kimi's prefix cache; another model reads it all at its price.
   *
   * @param model the model, or null for the run's own
   * @return the settings
   */
  public Compaction model(String model) {
    return with(x -> x.model = model);
  }

  /**
   * Returns these settings with another limit for one tool result: a result over it (or over a
   * quarter of the byte threshold) is cut as it arrives, its start and end kept with a note between
   * them saying how much was left out.
   *
   * @param tokens at least 100
   * @return the settings
   * @throws IllegalArgumentException if {@code tokens} is below 100
   */
  public Compaction maxToolResultTokens(int tokens) {
    if (tokens < 100) {
      throw new IllegalArgumentException("maxToolResultTokens must be at least 100: " + tokens);
    }
    return with(x -> x.maxToolResultTokens = tokens);
  }

  /**
   * Returns these settings with another output cap for a summary: the most the model's text takes
   * (never more than an eighth of the threshold), and the most its ledger takes.
   *
   * @param tokens at least 256
   * @return the settings
   * @throws IllegalArgumentException if {@code tokens} is below 256
   */
  public Compaction summaryTokens(int tokens) {
    if (tokens < 256) {
      throw new IllegalArgumentException("summaryTokens must be at least 256: " + tokens);
    }
    return with(x -> x.summaryTokens = tokens);
  }

  /**
   * Tells whether compaction is on.
   *
   * @return false for {@link #off()}
   */
  public boolean enabled() {
    return v.enabled;
  }

  /**
   * Returns the threshold as a share of the window.
   *
   * @return the share
   */
  public double threshold() {
    return v.threshold;
  }

  /**
   * Returns how many recent turns stay whole.
   *
   * @return the turns
   */
  public int recentTurns() {
    return v.recentTurns;
  }

  /**
   * Returns the model that writes the summaries.
   *
   * @return the model, or null for the run's own
   */
  public String model() {
    return v.model;
  }

  int maxToolResultTokens() {
    return v.maxToolResultTokens;
  }

  int summaryTokens() {
    return v.summaryTokens;
  }

  /** The limit of one tool result under {@code l}: never more than a quarter of the threshold. */
  int maxToolResultTokens(Compactor.Limits l) {
    return l.tokens() == Integer.MAX_VALUE
        ? maxToolResultTokens()
        : Math.max(100, Math.min(maxToolResultTokens(), l.tokens() / 4));
  }

  /** The summary's cap under {@code l}: never more than an eighth of the threshold. */
  int summaryTokens(Compactor.Limits l) {
    return l.tokens() == Integer.MAX_VALUE
        ? summaryTokens()
        : Math.max(256, Math.min(summaryTokens(), l.tokens() / 8));
  }

  /** The limits for requests to a model, on a Kimi Code endpoint or not. */
  Compactor.Limits limits(ModelInfo model, boolean kimiCode) {
    long tokens =
        model.windowKnown()
            ? (long) Math.floor(v.threshold * model.contextWindow())
            : Long.MAX_VALUE;
    if (v.maxPromptTokens > 0) {
      tokens = Math.min(tokens, v.maxPromptTokens);
    }
    long bytes =
        v.maxRequestBytes > 0
            ? v.maxRequestBytes
            : kimiCode
                ? (long) Math.floor(v.threshold * KimiClient.KIMI_CODE_MAX_REQUEST_BYTES)
                : Long.MAX_VALUE;
    return new Compactor.Limits((int) Math.min(Integer.MAX_VALUE, tokens), bytes);
  }

  /**
   * A conversation after a compaction, and what the compaction did.
   *
   * @param conversation the conversation: the same id, cache time to live and usage (plus the
   *     summary call's), the shorter history
   * @param report what was replaced and what it cost
   */
  public record Result(Conversation conversation, CompactionReport report) {
    /**
     * Checks the components.
     *
     * @param conversation the conversation
     * @param report the report
     * @throws NullPointerException if an argument is null
     */
    public Result {
      Objects.requireNonNull(conversation, "conversation must not be null");
      Objects.requireNonNull(report, "report must not be null");
    }
  }

  /**
   * Compacts a conversation now, whatever its size: the history between its first request and its
   * {@link #recentTurns() recent turns} is replaced by a summary the model writes (one call,
   * through {@code kimi}), as an agent's run does when it nears its threshold. Calls that still
   * wait for results ({@link Conversation#pendingToolCalls()}) stay whole with their turn. The
   * conversation given is not changed: the result holds a new one with the same id.
   *
   * @param kimi the client that calls the model for the summary
   * @param conversation the conversation
   * @param next the request the caller would send next, as {@code conversation.request(model)}
   *     builds it with its tools and settings (the summary request shares them, and Kimi's prefix
   *     cache with them); its messages are not read
   * @return the compacted conversation and the report; the same conversation, and a report of
   *     nothing replaced, when there is nothing to summarize
   * @throws NullPointerException if an argument is null
   * @throws io.github.kimisdk.errors.KimiException if the summary call fails
   */
  public Result compact(KimiClient kimi, Conversation conversation, ChatRequest next) {
    Objects.requireNonNull(kimi, "kimi must not be null");
    Objects.requireNonNull(conversation, "conversation must not be null");
    Objects.requireNonNull(next, "next must not be null");
    List<Message> messages = conversation.messages();
    String by = v.model != null ? v.model : next.model();
    if (messages.isEmpty()) {
      return new Result(conversation, new CompactionReport(by, 0, 0, 0, 0, 0, null, null, 0));
    }
    ChatRequest request = next.toBuilder().messages(messages).build();
    Compactor c = new Compactor(kimi, this, new Sizes(RequestTokens.estimated()));
    Compactor.Outcome o = c.compact(request, true, kimi::chat);
    if (o == null) {
      Sizes.Weight w = c.weigh(request, messages);
      return new Result(
          conversation,
          new CompactionReport(by, 0, w.tokens(), w.tokens(), w.bytes(), w.bytes(), null, null, 0));
    }
    Conversation out = Conversation.withId(conversation.id());
    out.promptCacheTtl(conversation.promptCacheTtl());
    out.addAll(o.messages());
    conversation.usageByModel().forEach(out::addUsage);
    if (o.report().usage() != null) {
      out.addUsage(o.report().model(), o.report().usage());
    }
    return new Result(out, o.report());
  }

  /** Describes the settings. */
  @Override
  public String toString() {
    if (!v.enabled) {
      return "Compaction[off]";
    }
    return String.format(
        Locale.ROOT,
        "Compaction[threshold=%s%s%s, recentTurns=%d, model=%s, maxToolResultTokens=%d,"
            + " summaryTokens=%d]",
        v.threshold,
        v.maxPromptTokens > 0 ? ", maxPromptTokens=" + v.maxPromptTokens : "",
        v.maxRequestBytes > 0 ? ", maxRequestBytes=" + v.maxRequestBytes : "",
        v.recentTurns,
        v.model == null ? "the run's" : v.model,
        maxToolResultTokens(),
        summaryTokens());
  }
}
