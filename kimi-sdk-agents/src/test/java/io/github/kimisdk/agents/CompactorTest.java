package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a compaction may cut and what it keeps, over random histories (fixed seeds): turns with
 * parallel calls answered in any order, user messages between them, K3's dynamic tool declarations,
 * and a last turn whose calls still wait for results.
 */
class CompactorTest {
  static final KimiClient KIMI =
      KimiClient.builder().apiKey("sk-compactor-test").baseUrl("http://127.0.0.1:9/v1").build();

  @AfterAll
  static void close() {
    KIMI.close();
  }

  /** A random history: a head, then turns; with {@code pending}, a last turn half answered. */
  static List<Message> history(Random r, boolean pending) {
    List<Message> m = new ArrayList<>();
    if (r.nextBoolean()) {
      m.add(Message.system("You are careful."));
    }
    m.add(Message.user("the task " + r.nextInt(1000)));
    int turns = 1 + r.nextInt(9);
    int ids = 0;
    for (int t = 0; t < turns; t++) {
      int calls = r.nextInt(4);
      List<ToolCall> list = new ArrayList<>();
      for (int c = 0; c < calls; c++) {
        list.add(ToolCall.function("f:" + ids++, "read_" + c, "{\"n\":" + r.nextInt(99) + "}"));
      }
      m.add(
          new AssistantMessage(
              calls == 0 ? "thinking aloud" : "", "reasoning " + t, list, null, false));
      List<ToolCall> answers = new ArrayList<>(list);
      java.util.Collections.shuffle(answers, r);
      for (ToolCall c : answers) {
        m.add(
            new ToolMessage(
                c.id(), c.name(), "result of " + c.id() + " " + "x".repeat(r.nextInt(200))));
      }
      if (r.nextInt(5) == 0) {
        m.add(Message.user("and also " + t));
      }
      if (r.nextInt(6) == 0) {
        m.add(
            new SystemMessage(
                "",
                null,
                List.of(
                    Tool.function(
                        "dyn_" + t,
                        "d",
                        JsonObject.of("type", io.github.kimisdk.json.JsonString.of("object"))))));
      }
    }
    if (pending) {
      List<ToolCall> list =
          List.of(ToolCall.function("p:0", "pay", "{}"), ToolCall.function("p:1", "note", "{}"));
      m.add(new AssistantMessage("", "paying", list, null, false));
      m.add(new ToolMessage("p:1", "note", "noted"));
    }
    return m;
  }

  static Stream<Arguments> seeds() {
    return Stream.iterate(0, i -> i + 1).limit(300).map(i -> Arguments.of(i, i % 3 == 0));
  }

  @ParameterizedTest(name = "seed {0}, pending {1}")
  @MethodSource("seeds")
  void aCutFallsBetweenTurnsOnlyAndNeverBeforeCallsThatWait(int seed, boolean pending) {
    List<Message> m = history(new Random(seed), pending);
    int head = Compactor.head(m);

    List<Integer> cuts = Compactor.cuts(m, head);

    int open = pending ? m.size() - 2 : m.size();
    for (int cut : cuts) {
      assertThat(cut).isGreaterThan(head).isLessThanOrEqualTo(open);
      if (cut < m.size()) {
        assertThat(m.get(cut)).isInstanceOfAny(AssistantMessage.class, UserMessage.class);
      }
      assertThat(answered(m.subList(head, cut))).as("the replaced part answers its calls").isTrue();
    }
    assertThat(cuts.contains(m.size())).isEqualTo(!pending);
  }

  /** Whether every call of {@code part} is answered in it, and every result answers one of it. */
  static boolean answered(List<Message> part) {
    Set<String> calls = new HashSet<>();
    Set<String> results = new HashSet<>();
    for (Message x : part) {
      if (x instanceof AssistantMessage a) {
        a.toolCalls().forEach(c -> calls.add(c.id()));
      } else if (x instanceof ToolMessage t) {
        results.add(t.toolCallId());
      }
    }
    return calls.equals(results);
  }

  @ParameterizedTest(name = "seed {0}, pending {1}")
  @MethodSource("seeds")
  void aCompactionKeepsTheHeadTheSystemMessagesAndEveryKeptMessageAsItWas(
      int seed, boolean pending) {
    List<Message> m = history(new Random(seed), pending);
    int head = Compactor.head(m);
    int keep = seed % 4;
    Compactor c =
        new Compactor(
            KIMI, Compaction.defaults().recentTurns(keep), new Sizes(RequestTokens.estimated()));
    ChatRequest next = ChatRequest.builder("kimi-k3").messages(m).build();
    List<ChatRequest> asked = new ArrayList<>();

    Compactor.Outcome o = c.compact(next, true, q -> reply(asked, q));

    if (Compactor.cuts(m, head).isEmpty()) {
      assertThat(o).isNull();
      return;
    }
    List<Message> out = o.messages();
    assertThat(out.subList(0, head)).containsExactlyElementsOf(m.subList(0, head));
    int summaryAt =
        out.indexOf(
            out.stream()
                .filter(x -> x instanceof UserMessage u && u.text().startsWith(Compactor.HEADER))
                .findFirst()
                .orElseThrow());
    int replaced = o.report().summarized();
    List<Message> kept = out.subList(summaryAt + 1, out.size());
    // the kept turns: the history's last messages, the very objects
    List<Message> tail = m.subList(m.size() - kept.size(), m.size());
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i)).isSameAs(tail.get(i));
    }
    assertThat(head + replaced + kept.size()).isEqualTo(m.size());
    // the system messages of the replaced part stay, between the head and the summary
    long systems =
        m.subList(head, head + replaced).stream().filter(x -> x instanceof SystemMessage).count();
    assertThat(summaryAt - head).isEqualTo((int) systems);
    // the summary request: the history to the cut as it was, the ask, and no tool call allowed
    ChatRequest ask = asked.get(0);
    assertThat(ask.toolChoice()).isEqualTo(ToolChoice.none());
    assertThat(ask.messages().subList(0, head + replaced))
        .containsExactlyElementsOf(m.subList(0, head + replaced));
    assertThat(((UserMessage) ask.messages().get(head + replaced)).text())
        .isEqualTo(Compactor.INSTRUCTION);
    // the new history keeps Kimi's rules: every call answered before the next message (but the
    // pending turn's, which waits at the end)
    assertThat(answered(kept.subList(0, pending ? kept.size() - 2 : kept.size()))).isTrue();
    assertThat(o.report().usage()).isNotNull();
  }

  static ChatCompletion reply(List<ChatRequest> asked, ChatRequest q) {
    asked.add(q);
    return completion(q.model(), "The task is done up to here.", 10);
  }

  /** A model's reply of {@code text}, {@code tokens} output tokens after a prompt of 100. */
  static ChatCompletion completion(String model, String text, int tokens) {
    AssistantMessage a = new AssistantMessage(text, "r", List.of(), null, false);
    return new ChatCompletion(
        "c",
        "chat.completion",
        0,
        model,
        List.of(new Choice(0, a, FinishReason.STOP, null, null, null)),
        Usage.of(100, tokens, 100 + tokens),
        null);
  }

  @Test
  void theLedgerListsEachCallWithItsArgumentsAndOutcome() {
    List<Message> replaced =
        List.of(
            new AssistantMessage(
                "",
                "r",
                List.of(
                    ToolCall.function("a:0", "read_file", "{\"path\":\"a.txt\"}"),
                    ToolCall.function("a:1", "delete", "{\"path\":\"b.txt\"}")),
                null,
                false),
            new ToolMessage("a:1", "delete", "Error: delete failed: read-only"),
            new ToolMessage("a:0", "read_file", "line one\n\nline   two"));

    assertThat(Compactor.ledger(replaced, 1_000))
        .containsExactly(
            "- delete {\"path\":\"b.txt\"} -> error, 31 characters: \"Error: delete failed: read-only\"",
            "- read_file {\"path\":\"a.txt\"} -> ok, 20 characters: \"line one line two\"");
  }

  static List<Message> steps(int from, int to) {
    List<Message> m = new ArrayList<>();
    for (int i = from; i < to; i++) {
      m.add(
          new AssistantMessage(
              "",
              "r",
              List.of(ToolCall.function("c" + i, "step", "{\"i\":" + i + "}")),
              null,
              false));
      m.add(new ToolMessage("c" + i, "step", "done " + i));
    }
    return m;
  }

  static int tokens(List<String> lines) {
    int n = 0;
    for (String line : lines) {
      n += io.github.kimisdk.token.TokenEstimator.forKimi().estimate(line) + 1;
    }
    return n;
  }

  @ParameterizedTest(name = "a ledger of {0} tokens")
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 40, 100, 300, 1_000, 4_000})
  void aLaterSummaryCarriesAnEarlierLedgerAndListsTheNewestEntriesThatFit(int budget) {
    UserMessage earlier =
        Compactor.summaryMessage(steps(0, 50), "first summary", "kimi-k3", budget);
    List<Message> second = new ArrayList<>(List.of(earlier));
    second.addAll(steps(50, 70));

    List<String> ledger = Compactor.ledger(second, budget);

    assertThat(tokens(ledger)).isLessThanOrEqualTo(Math.max(budget, 12)); // or the count alone
    List<String> listed = ledger.stream().filter(l -> l.startsWith("- step ")).toList();
    int n = listed.size();
    // the newest calls, in order, and a count of the others
    for (int i = 0; i < n; i++) {
      assertThat(listed.get(i)).startsWith("- step {\"i\":" + (70 - n + i) + "}");
    }
    if (n < 70) {
      assertThat(ledger.get(0)).isEqualTo("- ... and " + (70 - n) + " earlier calls, not listed");
    } else {
      assertThat(ledger).hasSize(70);
    }
    if (budget >= 1_000) {
      assertThat(n).as("a ledger lists as many as fit").isGreaterThanOrEqualTo(20);
    }
    // and once more: the count adds up
    UserMessage later = Compactor.summaryMessage(second, "second", "kimi-k3", budget);
    List<String> again = Compactor.ledger(List.of(later), budget);
    assertThat(again).isEqualTo(ledger);
  }

  @Test
  void aLongResultIsCutKeepingItsStartAndEndWithANote() {
    Compactor c =
        new Compactor(
            KIMI,
            Compaction.defaults().maxToolResultTokens(1_000),
            new Sizes(RequestTokens.estimated()));
    StringBuilder s = new StringBuilder("START ");
    for (int i = 0; i < 20_000; i++) {
      s.append("word").append(i % 97).append(' ');
    }
    s.append("END");

    Compactor.Cut cut = c.cut(s.toString(), Compactor.Limits.NONE);

    assertThat(cut).isNotNull();
    assertThat(cut.content()).startsWith("START ").endsWith("END").contains("[kimi-sdk cut ");
    assertThat(cut.originalChars()).isEqualTo(s.length());
    assertThat(io.github.kimisdk.token.TokenEstimator.forKimi().estimate(cut.content()))
        .isLessThanOrEqualTo(1_000);
    assertThat(c.cut("short", Compactor.Limits.NONE)).isNull();
  }

  @Test
  void aStringsJsonLengthCountsItsEscapesAndUtf8Bytes() {
    assertThat(Sizes.json(null)).isZero();
    assertThat(Sizes.json("")).isEqualTo(2);
    assertThat(Sizes.json("a\"b\\c\n")).isEqualTo(2 + 1 + 2 + 1 + 2 + 1 + 2);
    assertThat(Sizes.json("\u0001")).isEqualTo(2 + 6);
    assertThat(Sizes.json("é")).isEqualTo(2 + 2);
    assertThat(Sizes.json("月")).isEqualTo(2 + 3);
    assertThat(Sizes.json("😀")).isEqualTo(2 + 4);
  }

  @Test
  void aCallsRecordKeyIsWrittenAsItsFormat() {
    for (int[] at :
        new int[][] {{1, 0}, {12, 3}, {999_999, 9_999}, {1_234_567, 12_345}, {-5, -1}, {0, 0}}) {
      assertThat(Ids.callKey(at[0], at[1]))
          .isEqualTo(String.format("call/%06d/%04d", at[0], at[1]));
    }
  }

  @Test
  void aRequestsWeightIsTheSameWhetherItsOverheadIsRememberedOrNot() {
    List<Tool> one =
        List.of(
            Tool.function(
                "notify",
                "Tells an account holder",
                JsonObject.of("type", io.github.kimisdk.json.JsonString.of("object"))));
    List<Tool> two =
        List.of(
            one.get(0),
            Tool.function(
                "pay",
                "Pays",
                JsonObject.of("type", io.github.kimisdk.json.JsonString.of("object"))));
    List<Message> plain = List.of(Message.user("hello"));
    List<Message> withSystem = List.of(Message.system("be brief"), Message.user("hello"));
    Sizes kept = new Sizes(RequestTokens.estimated());
    // the same Sizes weighs requests whose tools and first message change, and back again; each
    // weight is what a fresh Sizes (nothing remembered) finds
    for (List<Tool> tools : List.of(one, one, two, List.<Tool>of(), one)) {
      for (List<Message> messages : List.of(plain, withSystem, plain, List.<Message>of())) {
        ChatRequest r = ChatRequest.builder("kimi-k3").messages(plain).tools(tools).build();
        Sizes.Weight fresh = new Sizes(RequestTokens.estimated()).weigh(r, messages);
        assertThat(kept.weigh(r, messages)).isEqualTo(fresh);
      }
    }
  }
}
