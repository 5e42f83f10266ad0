package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.token.TokenEstimator;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a history is compacted, for a run and for a {@code Conversation} alike.
 *
 * <p><b>Where it cuts.</b> The head stays: the system messages the history opens with and the first
 * user message after them. The rest is a list of turns, each starting at an assistant or user
 * message that follows no open tool call, so a turn holds an assistant message with every tool
 * result that answers it: a cut falls between turns only, never between a call and its result, and
 * never before the last assistant message while a call of it waits for a result (a pending
 * approval). The most recent turns stay whole ({@link Compaction#recentTurns(int)}, fewer when that
 * many would not bring the request under the limits); the turns between the head and them are
 * replaced by one user message holding the summary. System messages among them (K3's dynamic tool
 * declarations) stay, after the head. Every message kept is the object it was: an assistant message
 * keeps its {@code reasoning_content} as received.
 *
 * <p><b>The summary.</b> The model writes it from the history up to the cut, sent as it was sent
 * before (the same prefix, tools and settings, so Kimi reads it from its prefix cache) with one
 * user message asking for the task, the decisions, each tool call with its key arguments and
 * outcome, and what is open, and {@code tool_choice} {@code none}. Beneath the model's text the SDK
 * adds a ledger it writes itself from the messages replaced: each tool call, its arguments and the
 * start of its result (a previous summary's ledger carried over), the newest entries that fit its
 * share, with a count of the rest, so what the calls were survives whatever the model leaves out.
 *
 * <p><b>The shares</b> ({@link #shares}). A summary is sized from the window, so that a run goes on
 * whatever the window: the model's text at most {@link Compaction#summaryTokens(int)} and an eighth
 * of the threshold, the ledger as much again and at most a third of what the head, the request's
 * output cap and the text leave. So the next request holds the head, the summary, the output cap
 * and room for turns, and the next summary request holds the head, this summary, the ask and the
 * output cap of the next summary, whatever the history: the previous summary is always in it.
 *
 * <p><b>A summary request over the limits</b> (one turn's results larger than the room, a head that
 * takes most of the window) is shortened, in this order: long tool results cut; the previous
 * summary's ledger condensed, its oldest entries counted instead of listed; the oldest turns after
 * the previous summary left out (their calls stay in the new summary's ledger). The head, the
 * system messages and the previous summary's text are never left out: they are what the run knows.
 *
 * <p>Thread model: one instance per drive of a run, or per {@link Compaction#compact} call, used by
 * the thread that drives it, but for {@link #limits} and {@link #cut}, which the run's tool calls
 * use on the pool's threads too (they read immutable state and one volatile field).
 */
final class Compactor {
  /** The first words of a summary message: how a later compaction finds its ledger. */
  static final String HEADER = "[Summary of the earlier part of this conversation: ";

  static final String LEDGER = "Tool calls in the replaced part, from the records (oldest first):";

  static final String INSTRUCTION =
      "Summarize the conversation so far, to replace it: its history is about to be cut to stay"
          + " inside your context window, and this summary is all that will remain of the"
          + " messages after the first request. Keep what the work needs to go on: 1. the task"
          + " and every constraint the user gave; 2. the decisions made, and why; 3. each tool"
          + " call made, with its key arguments and what it returned or how it failed (names,"
          + " numbers, paths and ids verbatim); 4. what is done and what is still open, with the"
          + " next step. Write plain text without a preamble, and do not call a tool.";

  private static final Pattern EARLIER = Pattern.compile("^- \\.\\.\\. and (\\d+) earlier calls");
  private static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();

  private final KimiClient kimi;
  private final Compaction settings;
  private final Sizes sizes;
  private final boolean kimiCode; // the client's endpoint, which never changes

  // The last model's limits, for the catalog they were read from (an immutable value): a run asks
  // before each request and for each tool result, on the pool's threads too.
  private volatile LastLimits last;

  private record LastLimits(ModelCatalog catalog, String model, Limits limits) {}

  Compactor(KimiClient kimi, Compaction settings, Sizes sizes) {
    this.kimi = kimi;
    this.settings = settings;
    this.sizes = sizes;
    this.kimiCode = kimi.endpoint().isKimiCode();
  }

  /** The most a request may weigh: its prompt and output cap in tokens, its body in bytes. */
  record Limits(int tokens, long bytes) {
    static final Limits NONE = new Limits(Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  Limits limits(String model) {
    ModelCatalog catalog = kimi.catalog();
    LastLimits l = last;
    if (l != null && l.catalog == catalog && l.model.equals(model)) {
      return l.limits;
    }
    Limits limits = settings.limits(catalog.lookup(model), kimiCode);
    last = new LastLimits(catalog, model, limits);
    return limits;
  }

  /** The weight the limits hold a request to: its prompt plus its output cap, and its bytes. */
  Sizes.Weight weigh(ChatRequest request, List<? extends Message> messages) {
    Sizes.Weight w = sizes.weigh(request, messages);
    Integer cap = request.maxCompletionTokens();
    return new Sizes.Weight(w.tokens() + (cap == null ? 0 : cap), w.bytes());
  }

  static boolean fits(Sizes.Weight w, Limits l) {
    return w.tokens() <= l.tokens() && w.bytes() <= l.bytes();
  }

  // ------------------------------------------------------------------------------------------
  // A tool result, as it arrives

  /** A tool result cut to its limit: what the model reads, and how long the result was. */
  record Cut(String content, int originalChars, int originalTokens) {}

  /** Cuts a tool result over the limit for one result, keeping its start and end; or null. */
  Cut cut(String content, Limits l) {
    int maxTokens = settings.maxToolResultTokens(l);
    long maxBytes = l.bytes() == Long.MAX_VALUE ? Long.MAX_VALUE : l.bytes() / 4;
    long bytes = Sizes.json(content);
    if (content.length() < 2 * maxTokens && bytes <= maxBytes) {
      return null; // fewer characters than the limit's tokens could hold: no count needed
    }
    int tokens = ESTIMATOR.estimate(content);
    if (tokens <= maxTokens && bytes <= maxBytes) {
      return null;
    }
    double share =
        Math.min(
            (double) maxTokens / Math.max(1, tokens),
            maxBytes == Long.MAX_VALUE ? 1.0 : (double) maxBytes / bytes);
    int keep = (int) Math.max(0, content.length() * share * 0.95 - 400);
    int head = keep * 3 / 4;
    int tail = keep - head;
    head = safeEnd(content, head);
    int tailStart = safeStart(content, content.length() - tail);
    String note =
        String.format(
            Locale.ROOT,
            "\n\n[kimi-sdk cut %,d characters from the middle of this tool result: it was %,d"
                + " characters (about %,d tokens), over the limit of %,d tokens for one result."
                + " Ask for a narrower part if the rest matters.]\n\n",
            tailStart - head,
            content.length(),
            tokens,
            maxTokens);
    return new Cut(
        content.substring(0, head) + note + content.substring(tailStart), content.length(), tokens);
  }

  private static int safeEnd(String s, int i) {
    return i > 0 && i < s.length() && Character.isLowSurrogate(s.charAt(i)) ? i - 1 : i;
  }

  private static int safeStart(String s, int i) {
    return i > 0 && i < s.length() && Character.isLowSurrogate(s.charAt(i)) ? i + 1 : i;
  }

  // ------------------------------------------------------------------------------------------
  // The plan

  /** The end of the head: the leading system messages and the first user message after them. */
  static int head(List<? extends Message> m) {
    int i = 0;
    while (i < m.size() && m.get(i) instanceof SystemMessage) {
      i++;
    }
    if (i < m.size() && m.get(i) instanceof UserMessage) {
      i++;
    }
    return i;
  }

  /**
   * The places after the head where a cut may fall, ascending: each assistant or user message that
   * follows no open tool call, and the end of the history when no call is open there. A cut never
   * falls after an assistant message whose calls wait for results.
   */
  static List<Integer> cuts(List<? extends Message> m, int head) {
    List<Integer> out = new ArrayList<>();
    int open = 0;
    for (int i = head; i < m.size(); i++) {
      Message x = m.get(i);
      if (x instanceof ToolMessage) {
        open = Math.max(0, open - 1);
        continue;
      }
      if (open == 0 && i > head && (x instanceof AssistantMessage || x instanceof UserMessage)) {
        out.add(i);
      }
      if (x instanceof AssistantMessage a) {
        open = a.toolCalls().size();
      }
    }
    if (open == 0 && m.size() > head) {
      out.add(m.size());
    }
    return out;
  }

  /** Makes the summary call: a run's holds it to the run's limits. */
  @FunctionalInterface
  interface Caller {
    ChatCompletion call(ChatRequest request);
  }

  /** A compaction's outcome: the new history and its report. */
  record Outcome(List<Message> messages, CompactionReport report, int head) {}

  /**
   * What a summary may take, in tokens: the model's text (the summary call's output cap) and the
   * ledger the SDK writes beneath it.
   */
  record Shares(int summary, int ledger) {}

  /** The tokens of a summary message's first words and its ledger's title and count line. */
  static final int SUMMARY_FRAME_TOKENS = 120;

  /**
   * The shares of a summary under {@code l}, for a history whose head weighs {@code headTokens}
   * (its messages and the request's tools) and whose requests ask for {@code cap} output tokens:
   * the text at most {@link Compaction#summaryTokens(Compactor.Limits)} (the setting, never more
   * than an eighth of the threshold); the ledger as much, and at most a third of what the head, the
   * cap, the text and the frame leave, and at most half of what the next summary request leaves
   * (the head, this summary's frame and text, the ask, and the next summary's output cap). Without
   * a threshold in tokens, both are the setting.
   */
  Shares shares(Limits l, int headTokens, int cap) {
    int text = settings.summaryTokens(l);
    if (l.tokens() == Integer.MAX_VALUE) {
      return new Shares(text, text);
    }
    long afterNext = (long) l.tokens() - headTokens - cap - text - SUMMARY_FRAME_TOKENS;
    long afterAsk =
        (long) l.tokens() - headTokens - 2L * text - SUMMARY_FRAME_TOKENS - INSTRUCTION_TOKENS;
    long ledger = Math.min(text, Math.min(afterNext / 3, afterAsk / 2));
    return new Shares(text, (int) Math.max(0, ledger));
  }

  /** The tokens of the ask, as a message. */
  private static final int INSTRUCTION_TOKENS = ESTIMATOR.estimate(INSTRUCTION) + 8;

  /**
   * Compacts the history of {@code next}: when {@code force}, always (on request, keeping {@link
   * Compaction#recentTurns(int)} turns); else only when {@code next} is over the limits, keeping as
   * many of the recent turns as lets it fit. Returns null when nothing can be summarized, or when
   * not forced and even the head and a summary would not fit. Calls the model for the summary
   * through {@code caller}.
   *
   * @throws io.github.kimisdk.errors.KimiException when the summary call fails
   */
  Outcome compact(ChatRequest next, boolean force, Caller caller) {
    List<Message> m = next.messages();
    String model = settings.model() != null ? settings.model() : next.model();
    Limits limits = limits(next.model());
    Sizes.Weight before = weigh(next, m);
    int head = head(m);
    List<Integer> cuts = cuts(m, head);
    if (cuts.isEmpty()) {
      return null; // nothing after the head, or only a turn whose calls wait
    }
    Integer asked = next.maxCompletionTokens();
    int cap = asked == null ? 0 : asked;
    Shares shares = shares(limits, weigh(next, m.subList(0, head)).tokens() - cap, cap);
    int keptTurns = cuts.size() - 1; // turns after the first place a cut may fall
    int recent = Math.min(settings.recentTurns(), keptTurns);
    int cut = -1;
    // the recent turns asked for, or more: the first cut where the next request fits and the
    // summary can be asked for with the history as it was sent (read from Kimi's prefix cache)
    for (int keep = recent; keep <= keptTurns; keep++) {
      int at = cuts.get(cuts.size() - 1 - keep);
      if (force) {
        cut = at;
        break;
      }
      if (!fits(weigh(next, assemble(m, head, at, placeholder(m, head, at, shares))), limits)) {
        break; // keeping more turns only makes it larger
      }
      if (asSent(next, model, m, at, shares.summary())) {
        cut = at;
        break;
      }
    }
    // else fewer, down to none, for the next request to fit (the summary request is then shortened)
    for (int keep = recent; cut < 0 && keep >= 0; keep--) {
      int at = cuts.get(cuts.size() - 1 - keep);
      if (keep == 0
          || fits(weigh(next, assemble(m, head, at, placeholder(m, head, at, shares))), limits)) {
        cut = at;
      }
    }
    if (!force
        && !fits(weigh(next, assemble(m, head, cut, placeholder(m, head, cut, shares))), limits)) {
      List<Message> least =
          assemble(m, head, m.size(), placeholder(m, head, head, new Shares(shares.summary(), 0)));
      if (!fits(weigh(next, least), limits)) {
        return null; // the head alone does not fit: a summary cannot help
      }
    }
    ChatRequest ask = summaryRequest(next, model, m, head, cut, shares.summary());
    ChatCompletion reply = caller.call(ask);
    String text = reply.choices().isEmpty() ? "" : reply.choices().get(0).message().text();
    Usage usage = reply.usage();
    String by = reply.model() == null || reply.model().isBlank() ? model : reply.model();
    UserMessage summary = summaryMessage(m.subList(head, cut), text, by, shares.ledger());
    List<Message> out = assemble(m, head, cut, summary);
    Sizes.Weight now = weigh(next, out);
    Cost cost = null;
    if (usage != null) {
      try {
        cost = kimi.prices().cost(by, usage).orElse(null);
      } catch (RuntimeException noPrice) {
        cost = null;
      }
    }
    int lastReply = m.size() - 1;
    while (lastReply >= 0 && !(m.get(lastReply) instanceof AssistantMessage)) {
      lastReply--;
    }
    int givenUp = 0;
    if (lastReply > head) {
      // the prompt of the last request, as Kimi holds it in its cache, from the head on
      givenUp =
          Math.max(
              0,
              weigh(next, m.subList(0, lastReply)).tokens()
                  - weigh(next, m.subList(0, head)).tokens());
    }
    sizes.retain(out); // the weights of the messages kept, not of those replaced
    return new Outcome(
        out,
        new CompactionReport(
            by,
            cut - head,
            before.tokens(),
            now.tokens(),
            before.bytes(),
            now.bytes(),
            usage,
            cost,
            givenUp),
        head);
  }

  /** Whether the summary can be asked for with the history to {@code cut} as it was sent. */
  private boolean asSent(
      ChatRequest next, String model, List<Message> m, int cut, int summaryTokens) {
    List<Message> history = new ArrayList<>(m.subList(0, cut));
    history.add(Message.user(INSTRUCTION));
    ChatRequest ask =
        summaryBuilder(next, model).maxCompletionTokens(summaryTokens).messages(history).build();
    return fits(weigh(ask, history), limits(model));
  }

  /** The head, the system messages of the replaced part, the summary, then the turns kept. */
  private static List<Message> assemble(List<Message> m, int head, int cut, UserMessage summary) {
    List<Message> out = new ArrayList<>(head + 1 + m.size() - cut);
    out.addAll(m.subList(0, head));
    for (Message x : m.subList(head, cut)) {
      if (x instanceof SystemMessage) {
        out.add(x);
      }
    }
    out.add(summary);
    out.addAll(m.subList(cut, m.size()));
    return out;
  }

  /** A stand-in for the summary while planning: the ledger and room for the model's text. */
  private static UserMessage placeholder(List<Message> m, int head, int cut, Shares shares) {
    String room = "x ".repeat(Math.max(0, shares.summary()));
    return summaryMessage(m.subList(head, cut), room, "model", shares.ledger());
  }

  /**
   * The summary request's settings: {@code next}'s (its tools, thinking, cache key), no tool call.
   */
  private static ChatRequest.Builder summaryBuilder(ChatRequest next, String model) {
    ChatRequest.Builder b =
        model.equals(next.model())
            ? next.toBuilder()
                .responseFormat(null)
                .prediction(null)
                .n(null)
                .stop(List.of())
                .logprobs(null)
                .topLogprobs(null)
            : ChatRequest.builder(model)
                .tools(next.tools())
                .promptCacheKey(next.promptCacheKey())
                .promptCacheTtl(next.promptCacheTtl());
    return b.toolChoice(ToolChoice.none()).stream(false);
  }

  /**
   * The request that asks for the summary: the history to the cut, as it was sent, and the ask;
   * over the limits, shortened in the order the class comment gives, never losing the head, a
   * system message or the previous summary's text.
   */
  private ChatRequest summaryRequest(
      ChatRequest next, String model, List<Message> m, int head, int cut, int summaryTokens) {
    ChatRequest.Builder b = summaryBuilder(next, model);
    b.maxCompletionTokens(summaryTokens);
    Limits limits = limits(model);
    List<Message> history = new ArrayList<>(m.subList(0, cut));
    history.add(Message.user(INSTRUCTION));
    ChatRequest ask = b.messages(history).build();
    if (fits(weigh(ask, history), limits)) {
      return ask;
    }
    // where the turns start that may be left out: after the previous summary, if there is one
    int from = head;
    for (int i = head; i < cut; i++) {
      if (isSummary(history.get(i))) {
        from = i + 1;
      }
    }
    // 1. long results cut
    for (int chars = 16_000; !fits(weigh(ask, history), limits) && chars >= 250; chars /= 2) {
      for (int i = from; i < history.size(); i++) {
        if (history.get(i) instanceof ToolMessage t && t.content().length() > chars) {
          history.set(
              i,
              new ToolMessage(
                  t.toolCallId(),
                  t.name(),
                  t.content().substring(0, safeEnd(t.content(), chars))
                      + " [... cut for the summary]"));
        }
      }
      ask = b.messages(history).build();
    }
    // 2. the previous summary's ledger condensed, its oldest entries first: the fewest dropped
    int previous = from - 1;
    if (!fits(weigh(ask, history), limits)
        && previous >= head
        && isSummary(history.get(previous))) {
      UserMessage was = (UserMessage) history.get(previous);
      List<Message> h = history;
      int keep =
          most(
              ledgerLines(was.text()).size(),
              k -> {
                h.set(previous, condensed(was, k));
                return fits(weigh(b.messages(h).build(), h), limits);
              });
      history.set(previous, condensed(was, keep));
      ask = b.messages(history).build();
    }
    // 3. the oldest turns after it left out, their system messages kept: the fewest turns
    if (!fits(weigh(ask, history), limits)) {
      int start = from;
      while (start < history.size() - 1 && history.get(start) instanceof SystemMessage) {
        start++;
      }
      // where each turn after the first starts, and the ask's place: the ends of the turns
      List<Integer> turns = cuts(history.subList(0, history.size() - 1), start);
      List<Message> h = history;
      int s0 = start;
      int n = turns.size();
      // the fewest turns left out: the most kept
      int drop = n - most(n, k -> fits(dropped(h, s0, turns, n - k), b, limits));
      history = dropped(history, start, turns, drop);
      ask = b.messages(history).build();
    }
    return ask;
  }

  private boolean fits(List<Message> history, ChatRequest.Builder b, Limits limits) {
    return fits(weigh(b.messages(history).build(), history), limits);
  }

  /** {@code history} with the first {@code drop} turns after {@code start} left out. */
  private static List<Message> dropped(
      List<Message> history, int start, List<Integer> turns, int drop) {
    return without(history, start, drop == 0 ? start : turns.get(drop - 1));
  }

  /** {@code history} without the messages from {@code from} to {@code to}, but system messages. */
  private static List<Message> without(List<Message> history, int from, int to) {
    List<Message> out = new ArrayList<>(history.size() - (to - from));
    out.addAll(history.subList(0, from));
    for (Message x : history.subList(from, to)) {
      if (x instanceof SystemMessage) {
        out.add(x);
      }
    }
    out.addAll(history.subList(to, history.size()));
    return out;
  }

  /**
   * The largest {@code k} in [0, {@code n}] for which {@code fits} holds, by halving (it holds for
   * every smaller one when it holds for one); 0 when it holds for none.
   */
  private static int most(int n, java.util.function.IntPredicate fits) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int k = (lo + hi + 1) >>> 1;
      if (fits.test(k)) {
        lo = k;
      } else {
        hi = k - 1;
      }
    }
    return lo;
  }

  /** Whether {@code x} is a summary this class wrote. */
  static boolean isSummary(Message x) {
    return x instanceof UserMessage u && u.text().startsWith(HEADER);
  }

  // ------------------------------------------------------------------------------------------
  // The summary message

  /**
   * The summary message: the header, the model's text, and the ledger of {@code replaced} within
   * {@code ledgerTokens}.
   */
  static UserMessage summaryMessage(
      List<Message> replaced, String text, String model, int ledgerTokens) {
    StringBuilder s = new StringBuilder(HEADER);
    s.append(replaced.size())
        .append(replaced.size() == 1 ? " message was" : " messages were")
        .append(" replaced by this summary, which ")
        .append(model)
        .append(
            " wrote to stay inside the context window; the instructions and the first request"
                + " above are kept as they were.]\n\n");
    s.append(text == null || text.isBlank() ? "(The model wrote no summary.)" : text.strip());
    appendLedger(s, ledger(replaced, ledgerTokens));
    return Message.user(s.toString());
  }

  private static void appendLedger(StringBuilder s, List<String> ledger) {
    if (!ledger.isEmpty()) {
      s.append("\n\n").append(LEDGER);
      for (String line : ledger) {
        s.append('\n').append(line);
      }
    }
  }

  /**
   * A summary with the newest {@code keep} entries of its ledger listed, the others counted: how a
   * summary request over its limits condenses the previous summary.
   */
  static UserMessage condensed(UserMessage summary, int keep) {
    String text = summary.text();
    int at = text.indexOf(LEDGER);
    if (at < 0) {
      return summary;
    }
    List<String> lines = ledgerLines(text);
    long earlier = earlierCalls(text) + Math.max(0, lines.size() - keep);
    List<String> kept =
        new ArrayList<>(lines.subList(Math.max(0, lines.size() - keep), lines.size()));
    if (earlier > 0) {
      kept.add(0, earlierLine(earlier));
    }
    StringBuilder s = new StringBuilder(text.substring(0, at).stripTrailing());
    appendLedger(s, kept);
    return Message.user(s.toString());
  }

  /** The entries a summary's ledger lists, oldest first, without its count of earlier calls. */
  private static List<String> ledgerLines(String summary) {
    List<String> lines = new ArrayList<>();
    int at = summary.indexOf(LEDGER);
    if (at >= 0) {
      for (String line : summary.substring(at + LEDGER.length()).split("\n")) {
        if (line.startsWith("- ") && !EARLIER.matcher(line).find()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  /** The calls a summary's ledger counts without listing them. */
  private static long earlierCalls(String summary) {
    int at = summary.indexOf(LEDGER);
    long earlier = 0;
    if (at >= 0) {
      for (String line : summary.substring(at + LEDGER.length()).split("\n")) {
        Matcher e = EARLIER.matcher(line);
        if (e.find()) {
          earlier += Long.parseLong(e.group(1));
        }
      }
    }
    return earlier;
  }

  private static String earlierLine(long earlier) {
    return "- ... and " + earlier + " earlier calls, not listed";
  }

  /**
   * The ledger of the replaced messages: a previous summary's entries, then one per tool call (its
   * tool, arguments, and the start of its result); the newest entries whose tokens fit {@code
   * tokens} are listed, oldest first, after a count of the others.
   */
  static List<String> ledger(List<Message> replaced, int tokens) {
    List<String> lines = new ArrayList<>();
    long earlier = 0;
    List<ToolCall> calls = List.of();
    boolean[] answered = new boolean[0];
    for (Message x : replaced) {
      if (isSummary(x)) {
        String text = ((UserMessage) x).text();
        earlier += earlierCalls(text);
        lines.addAll(ledgerLines(text));
      } else if (x instanceof AssistantMessage a) {
        calls = a.toolCalls();
        answered = new boolean[calls.size()];
      } else if (x instanceof ToolMessage t) {
        int i = match(calls, answered, t.toolCallId());
        ToolCall c = i < 0 ? null : calls.get(i);
        if (i >= 0) {
          answered[i] = true;
        }
        lines.add(entry(c, t));
      }
    }
    int first = lines.size();
    long room = (long) tokens - 12; // the count line's, should it be needed
    for (long used = 0; first > 0; first--) {
      used += ESTIMATOR.estimate(lines.get(first - 1)) + 1;
      if (used > room) {
        break;
      }
    }
    earlier += first;
    List<String> out = new ArrayList<>(lines.subList(first, lines.size()));
    if (earlier > 0) {
      out.add(0, earlierLine(earlier));
    }
    return out;
  }

  private static int match(List<ToolCall> calls, boolean[] answered, String id) {
    for (int i = 0; i < calls.size(); i++) {
      if (!answered[i] && id != null && id.equals(calls.get(i).id())) {
        return i;
      }
    }
    for (int i = 0; i < calls.size(); i++) {
      if (!answered[i]) {
        return i;
      }
    }
    return -1;
  }

  private static String entry(ToolCall c, ToolMessage t) {
    String name = c != null && c.name() != null ? c.name() : t.name() != null ? t.name() : "tool";
    String args = c == null || c.arguments() == null ? "" : oneLine(c.arguments(), 300);
    String content = t.content() == null ? "" : t.content();
    boolean error = content.startsWith("Error:");
    return "- "
        + name
        + (args.isEmpty() ? "" : " " + args)
        + " -> "
        + (error ? "error" : "ok")
        + String.format(Locale.ROOT, ", %,d characters: \"", content.length())
        + oneLine(content, 160)
        + "\"";
  }

  private static String oneLine(String s, int max) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= max ? one : one.substring(0, safeEnd(one, max)) + "...";
  }
}
