package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 103's rule, over windows from 4,096 to 262,144 tokens: with the default compaction a
 * summary's shares (its text, its ledger) are sized from the window and the request's output cap,
 * so that the next request holds the head, the summary, the cap and room for turns, and every
 * summary request fits the window with the previous summary in it; over long random runs (fixed
 * seeds) every summary request and every history after a compaction is inside the window, keeps
 * Kimi's rules, and carries the summary before it.
 */
class CompactionWindowsTest {
  static final int[] WINDOWS = {4_096, 6_000, 8_192, 32_768, 131_072, 262_144};
  static final TokenEstimator ESTIMATOR = TokenEstimator.forKimi();
  static final List<Tool> TOOLS =
      List.of(
          Tool.function(
              "lookup_fee",
              "Looks up the fee an account owes, in cents",
              JsonSchema.object().required("account", JsonSchema.integer()).build().toJson()),
          Tool.function(
              "read_file",
              "Reads a file",
              JsonSchema.object().required("path", JsonSchema.string()).build().toJson()));

  static KimiClient client(int window) {
    ModelInfo k3 = ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(window);
    return KimiClient.builder()
        .apiKey("sk-windows-test")
        .baseUrl("http://127.0.0.1:9/v1")
        .catalog(ModelCatalog.defaults().with(k3))
        .build();
  }

  /** The default compaction of {@code kimi}'s runs, its requests' tokens estimated. */
  static Compactor compactor(KimiClient kimi) {
    return new Compactor(kimi, Compaction.defaults(), new Sizes(RequestTokens.estimated()));
  }

  /** A text the estimator counts as at most {@code tokens} tokens (and close to it). */
  static String text(Random r, int tokens) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < tokens / 2; i++) {
      s.append("fee").append(r.nextInt(1000)).append(' ');
    }
    int n = ESTIMATOR.estimate(s.toString());
    while (n < tokens - 8) {
      for (int i = 0; i < Math.max(1, (tokens - n) / 3); i++) {
        s.append("fee").append(r.nextInt(1000)).append(' ');
      }
      n = ESTIMATOR.estimate(s.toString());
    }
    while (n > tokens) {
      s.setLength(Math.max(0, s.length() - Math.max(1, (n - tokens) * 2)));
      n = ESTIMATOR.estimate(s.toString());
    }
    return s.toString();
  }

  /** {@code n} lookups, each a turn of one call and its result. */
  static List<Message> lookups(int from, int n) {
    List<Message> m = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      m.add(
          new AssistantMessage(
              "",
              "account " + i + " is next",
              List.of(ToolCall.function("c" + i, "lookup_fee", "{\"account\":" + i + "}")),
              null,
              false));
      m.add(
          new ToolMessage(
              "c" + i,
              "lookup_fee",
              "account " + i + ": fee=123 cents; status active; statement settled."));
    }
    return m;
  }

  static Stream<Arguments> windows() {
    List<Arguments> out = new ArrayList<>();
    for (int w : WINDOWS) {
      out.add(Arguments.of(w, Math.min(w / 4, 8_000)));
      out.add(Arguments.of(w, Math.min(w / 8, 1_000)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "a {0}-token window, an output cap of {1}")
  @MethodSource("windows")
  void theSummarysSharesLeaveRoomForTurnsAndForTheNextSummaryRequest(int window, int cap) {
    try (KimiClient kimi = client(window)) {
      Compactor c = compactor(kimi);
      Compactor.Limits l = c.limits("kimi-k3");
      Random r = new Random(window);
      List<Message> head =
          List.of(
              Message.system("You collect fees for a bank. " + text(r, 60)),
              Message.user("Look up the fee of every account. " + text(r, 60)));
      ChatRequest next =
          ChatRequest.builder("kimi-k3")
              .messages(head)
              .tools(TOOLS)
              .maxCompletionTokens(cap)
              .build();

      Compactor.Shares s = c.shares(l, c.weigh(next, head).tokens() - cap, cap);

      int threshold = l.tokens();
      assertThat(threshold).isEqualTo((int) Math.floor(Compaction.DEFAULT_THRESHOLD * window));
      assertThat(s.summary())
          .isEqualTo(Math.max(256, Math.min(Compaction.DEFAULT_SUMMARY_TOKENS, threshold / 8)));
      assertThat(s.ledger()).isBetween(1, s.summary());
      // a summary that takes its whole shares: a full text, a ledger of many calls
      List<Message> replaced = lookups(0, 2_000);
      UserMessage summary =
          Compactor.summaryMessage(replaced, text(r, s.summary()), "kimi-k3", s.ledger());
      List<Message> after = new ArrayList<>(head);
      after.add(summary);
      int nextWeight = c.weigh(next, after).tokens();
      assertThat(nextWeight)
          .as("the head, the summary and the output cap leave a quarter of the threshold for turns")
          .isLessThanOrEqualTo(threshold - threshold / 4);
      List<Message> ask = new ArrayList<>(after);
      ask.add(Message.user(Compactor.INSTRUCTION));
      ChatRequest summaryRequest =
          next.toBuilder().messages(ask).maxCompletionTokens(s.summary()).build();
      assertThat(c.weigh(summaryRequest, ask).tokens())
          .as("the next summary request, this summary in it, with nothing more")
          .isLessThanOrEqualTo(threshold);
    }
  }

  /** The summary request a compaction of {@code next} sends, and the compaction's outcome. */
  record Compacted(ChatRequest ask, Compactor.Outcome outcome) {}

  static Compacted compact(Compactor c, ChatRequest next, boolean force, String text) {
    return compact(c, next, force, q -> CompactorTest.completion(q.model(), text, 10));
  }

  /** The same, each summary request answered by {@code answer}. */
  static Compacted compact(Compactor c, ChatRequest next, boolean force, Compactor.Caller answer) {
    List<ChatRequest> asked = new ArrayList<>();
    Compactor.Outcome o =
        c.compact(
            next,
            force,
            q -> {
              asked.add(q);
              return answer.call(q);
            });
    return new Compacted(asked.isEmpty() ? null : asked.get(0), o);
  }

  static long summaries(List<Message> m, String text) {
    return m.stream()
        .filter(x -> x instanceof UserMessage u && u.text().startsWith(Compactor.HEADER))
        .filter(x -> ((UserMessage) x).text().contains(text))
        .count();
  }

  /**
   * A run whose summary takes all but one turn's room of the window (its ledger written under a
   * larger window, or by an earlier version's 60 entries): the summary request, which cannot fit as
   * sent, condenses that ledger, its oldest entries counted, and leaves every turn after it as it
   * was sent.
   */
  @ParameterizedTest(name = "a {0}-token window")
  @org.junit.jupiter.params.provider.ValueSource(ints = {4_096, 6_000, 8_192, 32_768})
  void aSummaryRequestOverTheWindowCondensesThePreviousLedgerBeforeItLeavesOutATurn(int window) {
    try (KimiClient kimi = client(window)) {
      Compactor c = compactor(kimi);
      Compactor.Limits l = c.limits("kimi-k3");
      String before = "Accounts 1 to N are done, their fees totalling 7380 cents.";
      int cap = 256;
      // an old summary that takes all but one turn's room: a ledger as long as that
      int lo = 1;
      int hi = 4_000;
      while (lo < hi) { // the most entries that leave 120 tokens of the threshold
        int n = (lo + hi + 1) / 2;
        UserMessage s = Compactor.summaryMessage(lookups(1, n), before, "kimi-k3", 1_000_000);
        List<Message> h = List.of(Message.user("Look up every fee."), s);
        ChatRequest q =
            ChatRequest.builder("kimi-k3")
                .messages(h)
                .tools(TOOLS)
                .maxCompletionTokens(cap)
                .build();
        if (c.weigh(q, h).tokens() > l.tokens() - 120) {
          hi = n - 1;
        } else {
          lo = n;
        }
      }
      UserMessage old = Compactor.summaryMessage(lookups(1, lo), before, "kimi-k3", 1_000_000);
      List<Message> m = new ArrayList<>(List.of(Message.user("Look up every fee."), old));
      int turns = 0;
      while (true) {
        List<Message> more = new ArrayList<>(m);
        more.addAll(lookups(1_000 + turns, 1));
        ChatRequest next =
            ChatRequest.builder("kimi-k3")
                .messages(more)
                .tools(TOOLS)
                .maxCompletionTokens(cap)
                .build();
        if (!Compactor.fits(c.weigh(next, more), l)) {
          break;
        }
        m = more;
        turns++;
      }
      m.addAll(lookups(1_000 + turns, 1)); // the turn that puts it over
      ChatRequest next =
          ChatRequest.builder("kimi-k3").messages(m).tools(TOOLS).maxCompletionTokens(cap).build();

      Compacted r = compact(c, next, false, "Every account up to the last is done.");

      List<Message> asked = r.ask().messages();
      assertThat(c.weigh(r.ask(), asked).tokens()).isLessThanOrEqualTo(l.tokens());
      assertThat(summaries(asked, before)).as("the previous summary, in the request").isOne();
      UserMessage condensed = (UserMessage) asked.get(1);
      assertThat(condensed.text()).contains("earlier calls, not listed").isNotEqualTo(old.text());
      // every turn between it and the cut, as it was sent
      int replaced = r.outcome().report().summarized();
      assertThat(asked.subList(2, asked.size() - 1))
          .containsExactlyElementsOf(m.subList(2, 1 + replaced));
      assertThat(summaries(r.outcome().messages(), "Every account up to the last")).isOne();
    }
  }

  /**
   * A conversation far over the window compacted on request: the summary request condenses the
   * previous summary's ledger, then leaves out the oldest turns, and keeps the head, the system
   * messages and the previous summary's text.
   */
  @ParameterizedTest(name = "a {0}-token window")
  @org.junit.jupiter.params.provider.ValueSource(ints = {4_096, 6_000, 32_768})
  void aSummaryRequestFarOverTheWindowLeavesOutTheOldestTurnsNeverThePreviousSummary(int window) {
    try (KimiClient kimi = client(window)) {
      Compactor c = compactor(kimi);
      Compactor.Limits l = c.limits("kimi-k3");
      String before = "Accounts 1 to 60 are done, their fees totalling 7380 cents.";
      UserMessage old = Compactor.summaryMessage(lookups(1, 60), before, "kimi-k3", 100_000);
      SystemMessage declared =
          new SystemMessage(
              "",
              null,
              List.of(Tool.function("dyn", "declared", JsonSchema.object().build().toJson())));
      List<Message> m =
          new ArrayList<>(List.of(Message.system("Be exact."), Message.user("Look up every fee.")));
      m.add(declared);
      m.add(old);
      m.addAll(lookups(61, window / 8)); // some five times the window
      ChatRequest next =
          ChatRequest.builder("kimi-k3").messages(m).tools(TOOLS).maxCompletionTokens(500).build();
      assertThat(c.weigh(next, m).tokens()).isGreaterThan(4 * l.tokens());

      Compacted r = compact(c, next, true, "All done.");

      List<Message> asked = r.ask().messages();
      assertThat(c.weigh(r.ask(), asked).tokens()).isLessThanOrEqualTo(l.tokens());
      assertThat(asked.subList(0, 3)).containsExactlyElementsOf(m.subList(0, 3));
      assertThat(summaries(asked, before)).as("the previous summary, in the request").isOne();
      assertThat(((UserMessage) asked.get(3)).text()).doesNotContain("- lookup_fee");
      assertKimisRules(asked);
      // the turns it kept are the newest before the cut
      int cut = Compactor.head(m) + r.outcome().report().summarized();
      List<Message> kept = asked.subList(4, asked.size() - 1);
      assertThat(kept).isNotEmpty().containsExactlyElementsOf(m.subList(cut - kept.size(), cut));
      assertThat(r.outcome().messages()).contains(declared);
    }
  }

  /** docs/agents.md's table of the defaults, by the window: each row as the code sizes it. */
  @ParameterizedTest(name = "a {0}-token window")
  @org.junit.jupiter.params.provider.CsvSource({
    "4096, 3481, 435, 435, 870",
    "6000, 5100, 637, 637, 1275",
    "8192, 6963, 870, 870, 1740",
    "32768, 27852, 3481, 3481, 6963",
    "131072, 111411, 4000, 4000, 25000",
    "262144, 222822, 4000, 4000, 25000",
    "1048576, 891289, 4000, 4000, 25000"
  })
  void theGuidesTableOfTheDefaults(int window, int threshold, int text, int ledger, int result) {
    try (KimiClient kimi = client(window)) {
      Compactor c = compactor(kimi);
      Compactor.Limits l = c.limits("kimi-k3");
      // a head and an output cap under half the threshold, as the table says
      int head = threshold / 5;
      int cap = threshold / 4;

      Compactor.Shares s = c.shares(l, head, cap);

      assertThat(l.tokens()).isEqualTo(threshold);
      assertThat(s.summary()).isEqualTo(text);
      assertThat(s.ledger()).isEqualTo(ledger);
      assertThat(Compaction.defaults().maxToolResultTokens(l)).isEqualTo(result);
    }
  }

  /**
   * docs/agents.md's limit: on a 6,000-token window with a 1,000-token output cap, a head of about
   * 3,300 tokens leaves room for a summary; one of 3,500 does not, and no compaction is tried.
   */
  @ParameterizedTest(name = "a head of {0} tokens: compacted {1}")
  @org.junit.jupiter.params.provider.CsvSource({"3200, true", "3500, false"})
  void aHeadTooLargeForASummaryAndTheOutputCapIsNotCompacted(int headTokens, boolean compacted) {
    try (KimiClient kimi = client(6_000)) {
      Compactor c = compactor(kimi);
      Random r = new Random(headTokens);
      List<Message> m = new ArrayList<>();
      m.add(Message.system(text(r, headTokens - 128))); // and the task and the tools
      m.add(Message.user("Look up every fee."));
      m.addAll(lookups(1, 40));
      ChatRequest next =
          ChatRequest.builder("kimi-k3")
              .messages(m)
              .tools(TOOLS)
              .maxCompletionTokens(1_000)
              .build();
      assertThat(c.weigh(next, m.subList(0, 2)).tokens() - 1_000)
          .isBetween(headTokens - 60, headTokens + 60);
      assertThat(Compactor.fits(c.weigh(next, m), c.limits("kimi-k3"))).isFalse();

      Compacted r2 = compact(c, next, false, "Accounts 1 to 40 are done.");

      assertThat(r2.outcome() != null).isEqualTo(compacted);
      assertThat(r2.ask() != null).isEqualTo(compacted);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Long random runs

  static Stream<Arguments> seeds() {
    return Stream.iterate(0, i -> i + 1).limit(48).map(i -> Arguments.of(i, WINDOWS[i % 6]));
  }

  /** Kimi's rules on a history: each call answered right after it, each once; reasoning kept. */
  static void assertKimisRules(List<Message> m) {
    for (int i = 0; i < m.size(); i++) {
      Message x = m.get(i);
      assertThat(x)
          .as("a tool message answers the assistant message before it")
          .isNotInstanceOf(ToolMessage.class);
      if (x instanceof AssistantMessage a) {
        assertThat(a.reasoningContent()).as("reasoning_content at %d", i).isNotNull();
        Set<String> open = new HashSet<>();
        a.toolCalls().forEach(call -> open.add(call.id()));
        int j = i + 1;
        for (; j < m.size() && m.get(j) instanceof ToolMessage t; j++) {
          assertThat(open.remove(t.toolCallId())).as("result %d answers a call", j).isTrue();
        }
        assertThat(open).as("calls of %d without a result", i).isEmpty();
        i = j - 1;
      }
    }
  }

  static ChatCompletion reply(Random r, ChatRequest q, List<String> written) {
    int cap = q.maxCompletionTokens();
    int tokens = r.nextInt(3) == 0 ? cap : 20 + r.nextInt(Math.max(1, cap - 20));
    String text = "summary " + written.size() + ": " + text(r, tokens - 4);
    written.add(text.strip());
    return CompactorTest.completion(q.model(), text, tokens);
  }

  @ParameterizedTest(name = "seed {0}, a {1}-token window")
  @MethodSource("seeds")
  void everySummaryRequestFitsKeepsKimisRulesAndCarriesTheSummaryBefore(int seed, int window) {
    Random r = new Random(seed);
    try (KimiClient kimi = client(window)) {
      Compactor c = compactor(kimi);
      Compactor.Limits l = c.limits("kimi-k3");
      int cap = 256 + r.nextInt(Math.min(window / 4, 8_000) - 255);
      int result = Compaction.defaults().maxToolResultTokens(l);
      List<Message> m = new ArrayList<>();
      if (r.nextBoolean()) {
        m.add(Message.system("You collect fees. " + text(r, r.nextInt(l.tokens() / 16))));
      }
      m.add(Message.user("The task. " + text(r, r.nextInt(l.tokens() / 16))));
      List<String> written = new ArrayList<>();
      int compactions = 0;
      int ids = 0;
      for (int step = 0; compactions < 5 && step < 3_000; step++) {
        // a turn: one to three calls, results small, or up to the limit of one result
        int calls = 1 + r.nextInt(3);
        List<ToolCall> list = new ArrayList<>();
        for (int k = 0; k < calls; k++) {
          list.add(ToolCall.function("f:" + ids++, "lookup_fee", "{\"account\":" + ids + "}"));
        }
        m.add(new AssistantMessage("", text(r, r.nextInt(200)), list, null, false));
        for (ToolCall call : list) {
          int size = r.nextInt(8) == 0 ? r.nextInt(result) : r.nextInt(Math.min(result, 400));
          m.add(new ToolMessage(call.id(), call.name(), "account " + ids + ": " + text(r, size)));
        }
        if (r.nextInt(12) == 0) {
          m.add(Message.user("And also this. " + text(r, 40)));
        }
        if (r.nextInt(15) == 0) {
          FunctionTool declared =
              Tool.function(
                  "dyn_" + step,
                  "A tool declared in the history, as K3's dynamic declarations are",
                  JsonSchema.object().build().toJson());
          m.add(new SystemMessage("", null, List.of(declared)));
        }
        ChatRequest next =
            ChatRequest.builder("kimi-k3")
                .messages(m)
                .tools(TOOLS)
                .maxCompletionTokens(cap)
                .build();
        if (Compactor.fits(c.weigh(next, m), l)) {
          continue;
        }
        Compacted k = compact(c, next, false, q -> reply(r, q, written));
        Compactor.Outcome o = k.outcome();

        assertThat(o).as("a compaction at step %d", step).isNotNull();
        ChatRequest ask = k.ask();
        assertThat(c.weigh(ask, ask.messages()).tokens())
            .as("the summary request, inside the threshold")
            .isLessThanOrEqualTo(l.tokens());
        assertKimisRules(ask.messages());
        assertThat(ask.messages().subList(0, Compactor.head(m)))
            .containsExactlyElementsOf(m.subList(0, Compactor.head(m)));
        if (written.size() > 1) {
          String before = written.get(written.size() - 2);
          assertThat(ask.messages())
              .as("the summary request carries the summary before it")
              .anySatisfy(
                  x ->
                      assertThat(x)
                          .isInstanceOfSatisfying(
                              UserMessage.class,
                              u ->
                                  assertThat(u.text())
                                      .startsWith(Compactor.HEADER)
                                      .contains(before)));
        }
        for (Message x : m) {
          if (x instanceof SystemMessage) {
            assertThat(o.messages()).as("system messages stay").contains(x);
          }
        }
        m = new ArrayList<>(o.messages());
        assertKimisRules(m);
        assertThat(c.weigh(next, m).tokens())
            .as("the next request after the compaction")
            .isLessThanOrEqualTo(l.tokens());
        compactions++;
      }
      assertThat(compactions).as("compactions made").isEqualTo(5);
    }
  }
}
