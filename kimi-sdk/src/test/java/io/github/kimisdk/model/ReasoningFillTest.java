package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Histories;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelInfo#adapt} gives a thinking model's earlier assistant turns the reasoning Kimi wants
 * ({@link ModelInfo#SYNTHETIC_REASONING}), whatever the client's policies: the codec writes what it
 * is given, so this is where the fill happens and what {@code kimi.adapt} shows.
 */
class ReasoningFillTest {

  private static final ModelCatalog CATALOG = ModelCatalog.defaults();
  private static final ToolCall CALL = Histories.PING;

  private static ModelInfo.Adapted adapt(ChatRequest r) {
    return CATALOG.lookup(r.model()).adapt(r, SamplingPolicy.REFUSE, ThinkingFallback.REJECT);
  }

  private static List<String> reasoning(ChatRequest r) {
    return adapt(r).request().messages().stream()
        .filter(m -> m instanceof AssistantMessage)
        .map(m -> ((AssistantMessage) m).reasoningContent())
        .toList();
  }

  private static ChatRequest history(String model, Thinking thinking) {
    return Histories.reasoningMix(model, thinking);
  }

  @Test
  void aThinkingModelGetsASpaceForImportedToolCallMessagesOnly() {
    assertThat(reasoning(history("kimi-k2.6", null)))
        .containsExactly(null, " ", "", "I call ping.");
    assertThat(reasoning(history("kimi-k2.7-code", null)))
        .containsExactly(null, " ", "", "I call ping.");
    // a model the catalog does not know thinks when thinking is enabled
    assertThat(reasoning(history("my-proxy", Thinking.enabled())))
        .containsExactly(null, " ", "", "I call ping.");
  }

  @Test
  void preservedThinkingGetsASpaceOnEveryAssistantMessage() {
    assertThat(reasoning(history("kimi-k3", null))).containsExactly(" ", " ", "", "I call ping.");
    assertThat(reasoning(history("kimi-k2.6", Thinking.preserved())))
        .containsExactly(" ", " ", "", "I call ping.");
  }

  @Test
  void nothingIsFilledInWithoutThinking() {
    for (ChatRequest r :
        List.of(
            history("kimi-k2.6", Thinking.disabled()),
            history("moonshot-v1-8k", null),
            history("my-proxy", null))) {
      assertThat(adapt(r).request()).as(r.model()).isSameAs(r);
      assertThat(adapt(r).changes()).isEmpty();
    }
  }

  @Test
  void aPartialPrefillIsNotGivenReasoning() {
    ChatRequest r =
        ChatRequest.builder("kimi-k3").addUser("hi").addMessage(Message.partial("Once")).build();
    assertThat(adapt(r).request()).isSameAs(r);
  }

  @Test
  void theFillIsNamedAmongTheChangesAndKeepsEverythingElseOfTheTurn() {
    ChatRequest r = history("kimi-k3", null);
    ModelInfo.Adapted a = adapt(r);
    assertThat(a.changes())
        .containsExactly(
            "kimi-k3 thinks and wants reasoning_content on every earlier assistant turn: sent"
                + " \" \" on 2 turns without reasoning");
    AssistantMessage filled = (AssistantMessage) a.request().messages().get(3);
    assertThat(filled)
        .isEqualTo(new AssistantMessage(null, " ", List.of(CALL), null, false, null, null));
    assertThat(adapt(a.request()).request()).as("idempotent").isSameAs(a.request());
  }

  @Test
  void theFillFollowsTheThinkingTheFallbackLeaves() {
    // kimi-k2.6 refuses tool_choice required while thinking; DISABLE_THINKING turns it off for the
    // turn, and a model that does not think needs no reasoning
    ChatRequest r =
        history("kimi-k2.6", null).toBuilder()
            .addTool(io.github.kimisdk.tool.Tool.function("ping", null, null))
            .toolChoice(io.github.kimisdk.tool.ToolChoice.required())
            .build();
    ModelInfo.Adapted a =
        CATALOG
            .lookup("kimi-k2.6")
            .adapt(r, SamplingPolicy.REFUSE, ThinkingFallback.DISABLE_THINKING);
    assertThat(a.request().thinking()).isEqualTo(Thinking.disabled());
    assertThat(a.request().messages()).isEqualTo(r.messages());
  }
}
