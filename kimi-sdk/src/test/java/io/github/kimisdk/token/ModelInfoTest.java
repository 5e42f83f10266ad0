package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelInfoTest {

  static final ModelCatalog CATALOG = ModelCatalog.create();

  /** model, thinking on?, temperature, top_p, n, presence, frequency, expected problem or "". */
  static Stream<Arguments> samplingTable() {
    return Stream.of(
        // every model: temperature in [0, 1]
        row("moonshot-v1-8k", false, 1.5, null, null, null, null, "temperature must be in [0, 1]"),
        row("moonshot-v1-8k", false, -0.1, null, null, null, null, "temperature must be in [0, 1]"),
        row("no-such-model", false, 2.0, null, null, null, null, "temperature must be in [0, 1]"),
        row("moonshot-v1-8k", false, 1.0, null, null, null, null, ""),
        row("moonshot-v1-8k", false, 0.0, null, null, null, null, ""),
        // n > 1 needs temperature >= 0.3
        row(
            "moonshot-v1-8k",
            false,
            0.0,
            null,
            2,
            null,
            null,
            "n 2 needs a temperature of at least 0.3"),
        row("kimi-k2-0905-preview", false, 0.29, null, 3, null, null, "n 3 needs a temperature"),
        row("kimi-k2-0905-preview", false, 0.3, null, 3, null, null, ""),
        row("no-such-model", false, 0.1, null, 5, null, null, "n 5 needs a temperature"),
        row("kimi-k2-0905-preview", false, 0.1, null, 1, null, null, ""),
        // k2.5 / k2.6: temperature fixed by thinking
        row(
            "kimi-k2.6",
            true,
            0.6,
            null,
            null,
            null,
            null,
            "kimi-k2.6 accepts only temperature 1.0 with thinking on: 0.6"),
        row("kimi-k2.6", true, 1.0, null, null, null, null, ""),
        row(
            "kimi-k2.6",
            false,
            1.0,
            null,
            null,
            null,
            null,
            "kimi-k2.6 accepts only temperature 0.6 with thinking off: 1.0"),
        row("kimi-k2.5", false, 0.6, null, null, null, null, ""),
        row(
            "kimi-k2.5",
            true,
            0.7,
            null,
            null,
            null,
            null,
            "kimi-k2.5 accepts only temperature 1.0 with thinking on"),
        // k2.5 / k2.6: top_p 0.95, n 1, penalties 0
        row(
            "kimi-k2.6",
            true,
            null,
            0.8,
            null,
            null,
            null,
            "kimi-k2.6 accepts only top_p 0.95: 0.8"),
        row("kimi-k2.6", true, null, 0.95, null, null, null, ""),
        row("kimi-k2.5", true, null, null, 2, null, null, "kimi-k2.5 accepts only n 1: 2"),
        row("kimi-k2.5", true, null, null, 1, null, null, ""),
        row(
            "kimi-k2.6",
            false,
            null,
            null,
            null,
            0.5,
            null,
            "kimi-k2.6 accepts only presence_penalty 0.0: 0.5"),
        row(
            "kimi-k2.6",
            false,
            null,
            null,
            null,
            null,
            -1.0,
            "kimi-k2.6 accepts only frequency_penalty 0.0: -1.0"),
        row("kimi-k2.6", false, null, null, null, 0.0, 0.0, ""),
        // k3: temperature 1, top_p 0.95, n 1, penalties 0, whatever thinking says
        row(
            "kimi-k3",
            true,
            0.7,
            null,
            null,
            null,
            null,
            "kimi-k3 accepts only temperature 1.0: 0.7"),
        row("kimi-k3", true, null, 0.5, null, null, null, "kimi-k3 accepts only top_p 0.95: 0.5"),
        row("kimi-k3", true, null, null, 3, null, null, "kimi-k3 accepts only n 1: 3"),
        row(
            "kimi-k3",
            true,
            null,
            null,
            null,
            1.0,
            null,
            "kimi-k3 accepts only presence_penalty 0.0: 1.0"),
        row(
            "kimi-k3",
            true,
            null,
            null,
            null,
            null,
            -1.0,
            "kimi-k3 accepts only frequency_penalty 0.0: -1.0"),
        row("kimi-k3", true, 1.0, 0.95, 1, 0.0, 0.0, ""),
        row("k3-256k", true, null, 0.5, null, null, null, "k3-256k accepts only top_p 0.95"),
        // k2.7-code and the Kimi Code models on it: temperature 1 and top_p 0.95 only
        row(
            "kimi-k2.7-code",
            true,
            0.2,
            null,
            null,
            null,
            null,
            "kimi-k2.7-code accepts only temperature 1.0: 0.2"),
        row(
            "kimi-for-coding",
            true,
            null,
            0.9,
            null,
            null,
            null,
            "kimi-for-coding accepts only top_p 0.95: 0.9"),
        row("kimi-k2.7-code", true, 1.0, 0.95, 2, 1.0, null, ""),
        row("kimi-for-coding", true, null, null, 2, null, 0.5, ""),
        // models with free sampling
        row("kimi-k2-0905-preview", false, 0.9, 0.9, 2, 1.5, -1.5, ""),
        row("no-such-model", true, 0.7, 0.1, 2, 2.0, -2.0, ""));
  }

  static Arguments row(
      String model,
      boolean thinks,
      Double temperature,
      Double topP,
      Integer n,
      Double presence,
      Double frequency,
      String expected) {
    return Arguments.of(model, thinks, temperature, topP, n, presence, frequency, expected);
  }

  @ParameterizedTest(name = "{0} thinking={1} t={2} top_p={3} n={4} pp={5} fp={6}")
  @MethodSource("samplingTable")
  void checksSamplingPerModel(
      String model,
      boolean thinks,
      Double temperature,
      Double topP,
      Integer n,
      Double presence,
      Double frequency,
      String expected) {
    List<String> problems = new ArrayList<>();
    CATALOG
        .lookup(model)
        .samplingProblems(problems, temperature, topP, n, presence, frequency, thinks);
    if (expected.isEmpty()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).contains(expected);
    }
  }

  @Test
  void chatRequestItselfRejectsTemperatureOutsideTheRangeAndNWithGreedySampling() {
    assertThatThrownBy(() -> ChatRequest.builder("m").addUser("x").temperature(1.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperature must be in [0, 1]");
    assertThatThrownBy(() -> ChatRequest.builder("m").addUser("x").temperature(0.1).n(2).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** model, request, expected problem or "". */
  static Stream<Arguments> requestTable() {
    ChatRequest base = ChatRequest.of("x", "hi");
    FunctionTool tool = new FunctionTool("get_weather", "w", null, null);
    ChatRequest required = base.toBuilder().addTool(tool).toolChoice(ToolChoice.required()).build();
    ChatRequest named =
        base.toBuilder().addTool(tool).toolChoice(ToolChoice.function("get_weather")).build();
    ChatRequest image =
        ChatRequest.builder("x")
            .addMessage(
                Message.user("look", ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo=")))
            .build();
    ChatRequest video =
        ChatRequest.builder("x")
            .addMessage(Message.user("watch", ContentPart.videoFile("file-1")))
            .build();
    return Stream.of(
        Arguments.of(
            "kimi-k2.6",
            required,
            "kimi-k2.6 rejects tool_choice \"required\" while thinking is on"),
        Arguments.of("kimi-k2.6", named, "rejects tool_choice a named function get_weather"),
        Arguments.of("kimi-k2.6", required.toBuilder().thinking(Thinking.disabled()).build(), ""),
        Arguments.of(
            "kimi-k2.5",
            named.toBuilder().thinking(Thinking.disabled()).temperature(0.6).build(),
            ""),
        Arguments.of("kimi-k2.7-code", required, "kimi-k2.7-code rejects tool_choice"),
        Arguments.of("kimi-k3", required, ""),
        Arguments.of("kimi-k3", named, "kimi-k3 rejects tool_choice a named function get_weather"),
        Arguments.of("kimi-k3", image, ""),
        Arguments.of("kimi-k3", video, ""),
        Arguments.of("k3-256k", video, "k3-256k does not accept video"),
        Arguments.of("kimi-k2-0905-preview", required, ""),
        Arguments.of(
            "kimi-k2.7-code",
            base.toBuilder().thinking(Thinking.disabled()).build(),
            "kimi-k2.7-code always thinks and rejects thinking disabled"),
        Arguments.of("kimi-k2.6", image, ""),
        Arguments.of("kimi-k2.6", video, ""),
        Arguments.of("kimi-for-coding", video, ""),
        Arguments.of("moonshot-v1-8k-vision-preview", image, ""),
        Arguments.of("moonshot-v1-8k", image, "moonshot-v1-8k does not accept images"),
        Arguments.of("moonshot-v1-8k-vision-preview", video, "does not accept video"),
        Arguments.of("no-such-model", image, ""),
        Arguments.of(
            "kimi-k2.6",
            base.toBuilder().temperature(0.6).build(),
            "accepts only temperature 1.0 with thinking on"),
        Arguments.of(
            "kimi-k2.6",
            base.toBuilder().temperature(0.6).thinking(Thinking.disabled()).build(),
            ""));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("requestTable")
  void checksRequestsPerModel(String model, ChatRequest request, String expected) {
    List<String> problems = CATALOG.lookup(model).problems(request);
    if (expected.isEmpty()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).singleElement().asString().contains(expected);
    }
  }

  @Test
  void reportsEveryProblemOfARequest() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.5").addUser("x").temperature(0.9).topP(0.5).n(2).build();
    assertThat(CATALOG.lookup("kimi-k2.5").problems(r))
        .containsExactly(
            "kimi-k2.5 accepts only temperature 1.0 with thinking on: 0.9; leave temperature unset",
            "kimi-k2.5 accepts only top_p 0.95: 0.5; leave top_p unset",
            "kimi-k2.5 accepts only n 1: 2; leave n unset");
  }

  @Test
  void thinkingFollowsTheModelsSupport() {
    assertThat(CATALOG.lookup("kimi-k2.6").thinksWith(null)).isTrue();
    assertThat(CATALOG.lookup("kimi-k2.6").thinksWith(Thinking.disabled())).isFalse();
    assertThat(CATALOG.lookup("kimi-k3").thinksWith(Thinking.disabled())).isTrue();
    assertThat(CATALOG.lookup("moonshot-v1-8k").thinksWith(Thinking.enabled())).isFalse();
  }

  @Test
  void validatesItsLimits() {
    ModelInfo u = ModelInfo.unknown("m");
    assertThatThrownBy(() -> u.withContextWindow(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ModelInfo.builder("m")
                    .contextWindow(100)
                    .defaultMaxOutput(10)
                    .maxOutput(101)
                    .build())
        .hasMessageContaining("maxOutput must be in [1, contextWindow 100]: 101");
    assertThatThrownBy(
            () ->
                ModelInfo.builder("m")
                    .contextWindow(100)
                    .defaultMaxOutput(0)
                    .maxOutput(100)
                    .build())
        .hasMessageContaining("defaultMaxOutput");
    assertThatThrownBy(() -> ModelInfo.builder("m").efforts(List.of("low", "high"), "max").build())
        .hasMessageContaining("defaultEffort \"max\" is not among the efforts [low, high]");
    assertThatThrownBy(() -> ModelInfo.builder("m").efforts(List.of(" "), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModelInfo.builder(null)).isInstanceOf(NullPointerException.class);
    assertThat(ModelInfo.FixedSampling.NONE.isFree()).isTrue();
    assertThat(ModelInfo.FixedSampling.K3.isFree()).isFalse();
    ModelInfo small = CATALOG.lookup("kimi-k2.6").withContextWindow(16_000);
    assertThat(small.maxOutput()).isEqualTo(16_000);
    assertThat(small.defaultMaxOutput()).isEqualTo(16_000);
  }
}
