package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ContextBudgetExceededException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class ContextBudgetTest {

  static final RequestTokens EXACT = RequestTokens.exact(Goldens.tokenizer());

  /** A tiny model, so windows are easy to reach. */
  static ModelInfo tiny(int window) {
    return ModelInfo.unknown("tiny").withContextWindow(window);
  }

  static ChatRequest request(int words, Integer cap) {
    ChatRequest.Builder b =
        ChatRequest.builder("tiny").addSystem("Be brief.").addUser("word ".repeat(words).strip());
    return b.maxCompletionTokens(cap).build();
  }

  @Test
  void passesARequestThatFits() {
    ContextBudget budget = ContextBudget.builder().counter(EXACT).build();
    ChatRequest r = request(10, 100);
    assertThat(budget.preflight(r, tiny(1_000))).isSameAs(r);
    ContextBudget.Check c = budget.check(r, tiny(1_000));
    assertThat(c.fits()).isTrue();
    assertThat(c.promptTokens()).isEqualTo(EXACT.count(r).total());
    assertThat(c.outputTokens()).isEqualTo(100);
    assertThat(c.contextWindow()).isEqualTo(1_000);
    assertThat(c.exact()).isTrue();
    assertThat(c.availableForOutput()).isEqualTo(1_000 - c.promptTokens());
  }

  @Test
  void throwsWithTheNumbersWhenPromptPlusCapExceedsTheWindow() {
    ContextBudget budget = ContextBudget.builder().counter(EXACT).build();
    ChatRequest r = request(200, 900);
    int prompt = EXACT.count(r).total();
    ContextBudgetExceededException e =
        catchThrowableOfType(
            ContextBudgetExceededException.class, () -> budget.preflight(r, tiny(1_000)));
    assertThat(e).isInstanceOf(PreflightException.class).isInstanceOf(KimiException.class);
    assertThat(e.promptTokens()).isEqualTo(prompt);
    assertThat(e.outputTokens()).isEqualTo(900);
    assertThat(e.contextWindow()).isEqualTo(1_000);
    assertThat(e.excessTokens()).isEqualTo(prompt + 900 - 1_000);
    assertThat(e.isExact()).isTrue();
    assertThat(e.model()).isEqualTo("tiny");
    assertThat(e.problems()).singleElement().isEqualTo(e.getMessage());
    assertThat(e.getMessage())
        .isEqualTo(
            "The prompt ("
                + prompt
                + " tokens) plus 900 output tokens needs "
                + (prompt + 900)
                + ", over the 1000 token context window of tiny by "
                + (prompt - 100)
                + "; trim the conversation (ContextBudget.trim) or lower max_completion_tokens");
  }

  @Test
  void estimatesByDefaultAndSaysSo() {
    ContextBudget budget = ContextBudget.builder().build();
    ContextBudgetExceededException e =
        catchThrowableOfType(
            ContextBudgetExceededException.class,
            () -> budget.preflight(request(200, 50), tiny(100)));
    assertThat(e.isExact()).isFalse();
    assertThat(e.getMessage()).startsWith("The prompt (estimated ");
    assertThat(budget.counter().isExact()).isFalse();
  }

  @Test
  void addsTheMarginToEstimatesButNotToExactCounts() {
    ChatRequest r = request(100, 10);
    int estimate = RequestTokens.estimated().count(r).total();
    ContextBudget margin = ContextBudget.builder().estimateMargin(0.1).build();
    assertThat(margin.check(r, tiny(10_000)).promptTokens())
        .isEqualTo((int) Math.ceil(estimate * 1.1));
    ContextBudget exactMargin = ContextBudget.builder().counter(EXACT).estimateMargin(0.1).build();
    assertThat(exactMargin.check(r, tiny(10_000)).promptTokens()).isEqualTo(EXACT.count(r).total());
    assertThatThrownBy(() -> ContextBudget.builder().estimateMargin(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContextBudget.builder().estimateMargin(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservesFiftyThousandTokensWhenNoCapIsSetButAtMostAQuarterOfTheWindow() {
    ContextBudget budget = ContextBudget.builder().counter(EXACT).build();
    ChatRequest k26 = ChatRequest.of("kimi-k2.6", "hi");
    assertThat(budget.check(k26).outputTokens()).isEqualTo(ContextBudget.DEFAULT_RESERVE);
    assertThat(budget.check(ChatRequest.of("moonshot-v1-8k", "hi")).outputTokens())
        .isEqualTo(2_048);
    ContextBudget custom = ContextBudget.builder().counter(EXACT).reserve(10_000).build();
    assertThat(custom.check(k26).outputTokens()).isEqualTo(10_000);
    // a 200,000 token prompt does not fit kimi-k2.6 with the 50K reserve
    ContextBudget big = ContextBudget.builder().build();
    ChatRequest longPrompt = request(20, null);
    assertThat(big.check(longPrompt, tiny(400_000)).outputTokens()).isEqualTo(50_000);
    assertThatThrownBy(() -> ContextBudget.builder().reserve(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clampsTheCapToWhatFits() {
    ContextBudget budget = ContextBudget.builder().counter(EXACT).clampOutput(true).build();
    ChatRequest r = request(200, 900);
    int prompt = EXACT.count(r).total();
    ChatRequest clamped = budget.preflight(r, tiny(1_000));
    assertThat(clamped.maxCompletionTokens()).isEqualTo(1_000 - prompt);
    assertThat(clamped.messages()).isEqualTo(r.messages());
    assertThat(budget.check(clamped, tiny(1_000)).fits()).isTrue();
    // no cap set: the reserve (a quarter of the window) is clamped into an explicit cap
    ChatRequest uncapped = request(800, null);
    int p2 = EXACT.count(uncapped).total();
    assertThat(p2).isBetween(751, 900);
    ContextBudget lowFloor =
        ContextBudget.builder().counter(EXACT).clampOutput(true).minOutput(100).build();
    assertThat(lowFloor.preflight(uncapped, tiny(1_000)).maxCompletionTokens())
        .isEqualTo(1_000 - p2);
  }

  @Test
  void refusesToClampBelowTheMinimumOutput() {
    ContextBudget budget =
        ContextBudget.builder().counter(EXACT).clampOutput(true).minOutput(500).build();
    ChatRequest r = request(600, 900);
    assertThat(budget.check(r, tiny(1_000)).availableForOutput()).isBetween(1, 499);
    assertThatThrownBy(() -> budget.preflight(r, tiny(1_000)))
        .isInstanceOf(ContextBudgetExceededException.class);
    assertThatThrownBy(() -> ContextBudget.builder().minOutput(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checksTheWindowOnlyNotTheModelsRules() {
    // the model's rules are ModelInfo.problems, run by a client under modelChecks
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6").addUser("hi").temperature(0.2).topP(0.5).build();
    assertThat(ContextBudget.defaults().preflight(r)).isSameAs(r);
    assertThatThrownBy(() -> new PreflightException("m", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- trimming ----

  static final ToIntFunction<Message> TEN_EACH = m -> 10;

  static ToolCall call(String id) {
    return ToolCall.function(id, "lookup", "{}");
  }

  static List<Message> conversation() {
    List<Message> l = new ArrayList<>();
    l.add(new SystemMessage("sys", null)); // 0
    l.add(Message.user("u1")); // 1
    l.add(Message.assistant("a1")); // 2
    l.add(Message.user("u2")); // 3
    l.add(new AssistantMessage(null, "", List.of(call("c1"), call("c2")), null, false)); // 4
    l.add(Message.tool(call("c1"), "r1")); // 5
    l.add(Message.tool(call("c2"), "r2")); // 6
    l.add(Message.assistant("a2")); // 7
    l.add(Message.user("u3")); // 8
    l.add(new AssistantMessage(null, "", List.of(call("c3")), null, false)); // 9
    l.add(Message.tool(call("c3"), "r3")); // 10
    return l;
  }

  @Test
  void keepsEverythingThatFits() {
    List<Message> c = conversation();
    assertThat(ContextBudget.trim(c, 110, TEN_EACH)).isEqualTo(c);
  }

  @Test
  void dropsTheOldestTurnFirstAndKeepsTheSystemMessage() {
    List<Message> c = conversation();
    List<Message> kept = ContextBudget.trim(c, 100, TEN_EACH);
    assertThat(kept).containsExactlyElementsOf(pick(c, 0, 3, 4, 5, 6, 7, 8, 9, 10));
  }

  @Test
  void neverSeparatesAToolCallFromItsResultsAtTheTrimBoundary() {
    List<Message> c = conversation();
    // 110 in all; 85 would fit by dropping u1, a1 and only the tool-call message 4 (or its
    // results), but the whole turn u2..a2 goes
    List<Message> kept = ContextBudget.trim(c, 85, TEN_EACH);
    assertThat(kept).containsExactlyElementsOf(pick(c, 0, 8, 9, 10));
    for (int budget = 0; budget <= 110; budget++) {
      assertToolPairsIntact(ContextBudget.trim(c, budget, TEN_EACH));
    }
  }

  @Test
  void keepsTheLatestUserTurnEvenWhenItAloneIsTooBig() {
    List<Message> c = conversation();
    assertThat(ContextBudget.trim(c, 5, TEN_EACH)).containsExactlyElementsOf(pick(c, 0, 8, 9, 10));
  }

  @Test
  void keepsSystemMessagesInTheMiddleOfDroppedTurns() {
    List<Message> c = new ArrayList<>(conversation());
    c.add(2, new SystemMessage("mid", null));
    List<Message> kept = ContextBudget.trim(c, 60, TEN_EACH);
    assertThat(kept.get(0)).isEqualTo(c.get(0));
    assertThat(kept.get(1)).isEqualTo(c.get(2));
    assertThat(kept.get(2)).isEqualTo(c.get(9));
  }

  @Test
  void trimsToolLoopsWithoutAnyUserMessageByWholeCallGroups() {
    List<Message> c =
        List.of(
            new SystemMessage("sys", null),
            new AssistantMessage(null, null, List.of(call("a")), null, false),
            Message.tool(call("a"), "ra"),
            new AssistantMessage(null, null, List.of(call("b")), null, false),
            Message.tool(call("b"), "rb"));
    assertThat(ContextBudget.trim(c, 30, TEN_EACH)).containsExactly(c.get(0), c.get(3), c.get(4));
  }

  @Test
  void trimsAChatRequestToTheWindowWithRealCounts() {
    ChatRequest.Builder b = ChatRequest.builder("tiny").addSystem("You are terse.");
    for (int i = 0; i < 30; i++) {
      ToolCall c = ToolCall.function("functions.lookup:" + i, "lookup", "{\"q\":" + i + "}");
      b.addUser("Look up item number " + i + " in the catalogue, please.");
      b.addMessage(new AssistantMessage(null, "", List.of(c), null, false));
      b.addMessage(Message.tool(c, "Item " + i + " is a blue ceramic mug."));
      b.addMessage(Message.assistant("Item " + i + " is a blue ceramic mug."));
    }
    b.addUser("Which item was last?");
    ChatRequest r = b.maxCompletionTokens(200).build();
    ContextBudget budget = ContextBudget.builder().counter(EXACT).build();
    assertThat(budget.check(r, tiny(1_000)).fits()).isFalse();
    ChatRequest trimmed = budget.trim(r, tiny(1_000));
    assertThat(budget.check(trimmed, tiny(1_000)).fits()).isTrue();
    assertThat(budget.preflight(trimmed, tiny(1_000))).isSameAs(trimmed);
    assertThat(trimmed.messages().get(0)).isEqualTo(r.messages().get(0));
    assertThat(trimmed.messages().get(1)).isInstanceOf(UserMessage.class);
    assertThat(trimmed.messages()).endsWith(r.messages().get(r.messages().size() - 1));
    assertThat(trimmed.maxCompletionTokens()).isEqualTo(200);
    assertToolPairsIntact(trimmed.messages());
    // dropping one more turn would not be needed: the turn before the first kept one does not fit
    int firstKept = r.messages().indexOf(trimmed.messages().get(1));
    List<Message> oneMore =
        new ArrayList<>(r.messages().subList(firstKept - 4, r.messages().size()));
    oneMore.add(0, r.messages().get(0));
    assertThat(budget.check(r.toBuilder().messages(oneMore).build(), tiny(1_000)).fits()).isFalse();
    assertThat(budget.trim(trimmed, tiny(1_000))).isSameAs(trimmed);
    assertThat(budget.trim(r.messages(), 1_000_000)).isEqualTo(r.messages());
  }

  static List<Message> pick(List<Message> all, int... indices) {
    List<Message> out = new ArrayList<>();
    for (int i : indices) {
      out.add(all.get(i));
    }
    return out;
  }

  /** Every tool message follows its assistant call (directly or after sibling results). */
  static void assertToolPairsIntact(List<Message> messages) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) instanceof ToolMessage t) {
        int j = i - 1;
        while (j >= 0 && messages.get(j) instanceof ToolMessage) {
          j--;
        }
        assertThat(j).as("tool result %s has its call", t.toolCallId()).isGreaterThanOrEqualTo(0);
        assertThat(messages.get(j)).isInstanceOf(AssistantMessage.class);
        assertThat(((AssistantMessage) messages.get(j)).toolCalls())
            .extracting(ToolCall::id)
            .contains(t.toolCallId());
      }
      if (messages.get(i) instanceof AssistantMessage a && a.hasToolCalls()) {
        for (int k = 0; k < a.toolCalls().size(); k++) {
          assertThat(i + 1 + k).isLessThan(messages.size());
          assertThat(messages.get(i + 1 + k)).isInstanceOf(ToolMessage.class);
        }
      }
    }
  }
}
