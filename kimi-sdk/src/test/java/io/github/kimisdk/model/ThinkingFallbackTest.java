package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A forced tool choice while the model thinks: refused by the model's rules ({@link
 * ModelInfo#problems}), resolved by a client's {@link ThinkingFallback} ({@link ModelInfo#adapt}).
 * Building a request never refuses it: that depends on the model.
 */
class ThinkingFallbackTest {

  private static final ModelCatalog CATALOG = ModelCatalog.defaults();

  private static ChatRequest.Builder request(String model, ToolChoice choice, Thinking thinking) {
    return ChatRequest.builder(model)
        .addUser("hi")
        .addTool(Tool.function("ping", null, null))
        .toolChoice(choice)
        .thinking(thinking);
  }

  private static List<String> problems(ChatRequest r) {
    return CATALOG.lookup(r.model()).problems(r);
  }

  private static ChatRequest adapt(ChatRequest r, ThinkingFallback fallback) {
    return CATALOG.lookup(r.model()).adapt(r, SamplingPolicy.REFUSE, fallback).request();
  }

  private static String joined(ChatRequest r) {
    return String.join("\n", problems(r));
  }

  @ParameterizedTest(name = "{0} thinking={1} -> required refused={2}, named refused={3}")
  @CsvSource({
    "kimi-k2.6, , true, true",
    "kimi-k2.5, , true, true",
    "kimi-k2.6, enabled, true, true",
    "kimi-k2.6, disabled, false, false",
    "kimi-k2.7-code, , true, true",
    "kimi-k2.7-code-highspeed, , true, true",
    "kimi-k3, , false, true",
    "kimi-k3, enabled, false, true",
    "k3, , false, true",
    "k3-256k, , false, true",
    "kimi-k2-thinking-turbo, , true, true",
    "kimi-for-coding, , true, true",
    "moonshot-v1-8k, , false, false",
    "moonshot-v1-8k, enabled, true, true",
    "kimi-k2-turbo-preview, , false, false",
    "no-such-model, , false, false",
    "no-such-model, enabled, true, true",
  })
  void requiredAndNamedChoicesAreRefusedWhileTheModelThinks(
      String model, String thinking, boolean requiredRefused, boolean namedRefused) {
    Thinking t =
        thinking == null
            ? null
            : thinking.equals("enabled") ? Thinking.enabled() : Thinking.disabled();
    for (ToolChoice choice :
        new ToolChoice[] {ToolChoice.required(), ToolChoice.function("ping")}) {
      boolean refused = choice == ToolChoice.required() ? requiredRefused : namedRefused;
      ChatRequest r = request(model, choice, t).build();
      assertThat(r.toolChoice()).as("building never refuses it").isEqualTo(choice);
      if (refused) {
        assertThat(joined(r))
            .as(model + " " + choice)
            .contains(model + " rejects tool_choice")
            .contains("is incompatible with thinking enabled")
            .contains("ToolChoice.auto()");
      } else {
        assertThat(problems(r)).as(model + " " + choice).isEmpty();
      }
    }
    assertThat(joined(request(model, ToolChoice.auto(), t).build())).doesNotContain("tool_choice");
    assertThat(joined(request(model, ToolChoice.none(), t).build())).doesNotContain("tool_choice");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k3", "k3"})
  void aNamedChoiceOnKimiK3PointsToRequired(String model) {
    assertThat(joined(request(model, ToolChoice.function("ping"), null).build()))
        .contains("tool_choice 'specified' is incompatible with thinking enabled")
        .contains("toolChoice(ToolChoice.required()) with only that tool declared");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "kimi-k2.5", "kimi-k3", "k3"})
  void disableThinkingFallbackKeepsTheChoice(String model) {
    ChatRequest r =
        adapt(
            request(model, ToolChoice.function("ping"), null).build(),
            ThinkingFallback.DISABLE_THINKING);
    assertThat(r.thinking()).isEqualTo(Thinking.disabled());
    assertThat(problems(r)).isEmpty();
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.function("ping"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "kimi-k3", "kimi-for-coding"})
  void autoFallbackKeepsThinking(String model) {
    ChatRequest r =
        adapt(request(model, ToolChoice.function("ping"), null).build(), ThinkingFallback.AUTO);
    assertThat(r.thinking()).isNull();
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.auto());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.7-code", "kimi-for-coding", "kimi-k2-thinking"})
  void disablingThinkingCannotHelpAModelThatAlwaysThinks(String model) {
    ChatRequest named = request(model, ToolChoice.function("ping"), null).build();
    ChatRequest kept = adapt(named, ThinkingFallback.DISABLE_THINKING);
    assertThat(kept).as("nothing to disable").isSameAs(named);
    assertThat(joined(kept)).contains(model + " always thinks: use toolChoice(ToolChoice.auto())");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "moonshot-v1-8k"})
  void fallbackIsNotAppliedWithoutAConflict(String model) {
    ChatRequest asked = request(model, ToolChoice.auto(), null).build();
    assertThat(adapt(asked, ThinkingFallback.DISABLE_THINKING)).isSameAs(asked);
    assertThatThrownBy(() -> CATALOG.lookup(model).adapt(asked, SamplingPolicy.REFUSE, null))
        .isInstanceOf(NullPointerException.class);
  }
}
