package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sampling rules of {@link ModelRules} value by value, including values {@link ChatRequest}
 * itself refuses to build; the request-level checks are table-tested through {@link
 * ModelInfo#problems} in {@link ModelInfoTest} and {@link ModelRulesTableTest}.
 */
class ModelRulesTest {

  static final ModelCatalog CATALOG = ModelCatalog.defaults();

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
        // k3: temperature 1 with thinking and 0.6 without, top_p 0.95, n 1, penalties 0
        row(
            "kimi-k3",
            true,
            0.7,
            null,
            null,
            null,
            null,
            "kimi-k3 accepts only temperature 1.0 with thinking on: 0.7"),
        row(
            "kimi-k3",
            false,
            1.0,
            null,
            null,
            null,
            null,
            "kimi-k3 accepts only temperature 0.6 with thinking off: 1.0"),
        row("kimi-k3", false, 0.6, 0.95, 1, 0.0, 0.0, ""),
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
    ModelRules.samplingProblems(
        problems,
        CATALOG.lookup(model),
        new ModelRules.Sampling(temperature, topP, n, presence, frequency),
        thinks);
    if (expected.isEmpty()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).contains(expected);
    }
  }

  @Test
  void chatRequestItselfRejectsTemperatureOutsideOpenAisRangeAndNWithGreedySampling() {
    assertThatThrownBy(() -> ChatRequest.builder("m").addUser("x").temperature(2.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperature must be in [0, 2]");
    ChatRequest hot = ChatRequest.builder("m").addUser("x").temperature(1.5).build();
    assertThat(ModelCatalog.defaults().lookup("m").problems(hot))
        .as("Kimi's [0, 1] is checked against the model")
        .anyMatch(p -> p.contains("temperature must be in [0, 1]"));
    assertThatThrownBy(() -> ChatRequest.builder("m").addUser("x").temperature(0.1).n(2).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
