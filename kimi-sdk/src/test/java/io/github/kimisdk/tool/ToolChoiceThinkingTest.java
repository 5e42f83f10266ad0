package io.github.kimisdk.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToolChoiceThinkingTest {

  private static ChatRequest.Builder request(String model, ToolChoice choice, Thinking thinking) {
    return ChatRequest.builder(model)
        .addUser("hi")
        .addTool(Tool.function("ping", null, null))
        .toolChoice(choice)
        .thinking(thinking);
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
      if (refused) {
        assertThatThrownBy(() -> request(model, choice, t).build())
            .as(model + " " + choice)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cannot be sent while " + model + " thinks")
            .hasMessageContaining("is incompatible with thinking enabled")
            .hasMessageContaining("ToolChoice.auto()");
      } else {
        assertThat(request(model, choice, t).build().toolChoice()).isEqualTo(choice);
      }
    }
    assertThat(request(model, ToolChoice.auto(), t).build().toolChoice())
        .isEqualTo(ToolChoice.auto());
    assertThat(request(model, ToolChoice.none(), t).build().toolChoice())
        .isEqualTo(ToolChoice.none());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k3", "k3"})
  void aNamedChoiceOnKimiK3PointsToRequired(String model) {
    assertThatThrownBy(() -> request(model, ToolChoice.function("ping"), null).build())
        .hasMessageContaining("tool_choice 'specified' is incompatible with thinking enabled")
        .hasMessageContaining("toolChoice(ToolChoice.required()) with only that tool declared");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "kimi-k2.5"})
  void disableThinkingFallbackKeepsTheChoice(String model) {
    ChatRequest r =
        request(model, ToolChoice.function("ping"), null)
            .onThinkingConflict(ToolChoice.ThinkingFallback.DISABLE_THINKING)
            .build();
    assertThat(r.thinking()).isEqualTo(Thinking.disabled());
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.function("ping"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "kimi-k3", "kimi-for-coding"})
  void autoFallbackKeepsThinking(String model) {
    ChatRequest r =
        request(model, ToolChoice.function("ping"), null)
            .onThinkingConflict(ToolChoice.ThinkingFallback.AUTO)
            .build();
    assertThat(r.thinking()).isNull();
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.auto());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k3", "kimi-k2.7-code", "kimi-k2-thinking"})
  void disablingThinkingCannotHelpAModelThatAlwaysThinks(String model) {
    assertThatThrownBy(
            () ->
                request(model, ToolChoice.function("ping"), null)
                    .onThinkingConflict(ToolChoice.ThinkingFallback.DISABLE_THINKING)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(model + " always thinks");
    assertThatThrownBy(() -> request(model, ToolChoice.function("ping"), null).build())
        .hasMessageContaining(model + " always thinks: use toolChoice(ToolChoice.auto())");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"kimi-k2.6", "moonshot-v1-8k"})
  void fallbackIsNotAppliedWithoutAConflict(String model) {
    ChatRequest r =
        request(model, ToolChoice.auto(), null)
            .onThinkingConflict(ToolChoice.ThinkingFallback.DISABLE_THINKING)
            .build();
    assertThat(r.thinking()).isNull();
    assertThatThrownBy(() -> ChatRequest.builder("m").addUser("x").onThinkingConflict(null))
        .isInstanceOf(NullPointerException.class);
  }
}
