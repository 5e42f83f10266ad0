package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.tool.ToolChoice;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Building the model checks its default options as the client checks every call: options every call
 * would be refused for fail the build, with the exception and the words the call fails with;
 * options the model takes build.
 */
class KimiChatModelBuildTest {

  @RegisterExtension final FakeKimi kimi = new FakeKimi();

  /** A rule of the client's model table, and options that break it or keep it. */
  static Stream<Arguments> defaults() {
    return Stream.of(
        refused("kimi-k3 fixes temperature", o -> o.model("kimi-k3").temperature(0.3)),
        refused("kimi-k3 fixes top_p", o -> o.model("kimi-k3").topP(0.8)),
        refused("kimi-k3 fixes the penalties", o -> o.model("kimi-k3").presencePenalty(0.5)),
        refused("kimi-k3's effort levels", o -> o.model("kimi-k3").reasoningEffort("medium")),
        refused("kimi-k3's largest output", o -> o.model("kimi-k3").maxTokens(10_000_000)),
        refused(
            "kimi-k2.6 thinking rejects a forced tool choice",
            o -> o.model("kimi-k2.6").toolChoice(ToolChoice.required())),
        refused("Kimi has no top-k", o -> o.model("kimi-k3").topK(5)),
        refused(
            "kimi-k3.1-pro takes no thinking field",
            o -> o.model("kimi-k3.1-pro").thinking(Thinking.disabled())),
        refused(
            "Moonshot's API ignores an extra body field",
            o -> o.model("kimi-k3").extraBody(java.util.Map.of("seed", 42))),
        taken("kimi-k3.1-pro takes low", o -> o.model("kimi-k3.1-pro").reasoningEffort("low")),
        taken("kimi-k3 without options", o -> o.model("kimi-k3")),
        taken(
            "kimi-k3 without thinking takes 0.6",
            o -> o.model("kimi-k3").thinking(Thinking.disabled()).temperature(0.6)),
        taken(
            "kimi-k3 without thinking ignores the effort",
            o -> o.model("kimi-k3").thinking(Thinking.disabled()).reasoningEffort("medium")),
        taken("kimi-k3 takes high", o -> o.model("kimi-k3").reasoningEffort("high")),
        taken(
            "a model the table does not know is held only to what holds for every model",
            o -> o.model("my-gateway-model").temperature(0.3)));
  }

  private static Arguments refused(String rule, UnaryOperator<KimiChatOptions.Builder> options) {
    return Arguments.of(rule, options, true);
  }

  private static Arguments taken(String rule, UnaryOperator<KimiChatOptions.Builder> options) {
    return Arguments.of(rule, options, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaults")
  void defaultOptionsEveryCallWouldBeRefusedForFailTheBuildInTheCallsWords(
      String rule, UnaryOperator<KimiChatOptions.Builder> options, boolean refused) {
    KimiChatOptions o = options.apply(KimiChatOptions.builder()).build();

    Throwable atBuild =
        catchThrowable(() -> KimiChatModel.builder().kimiClient(kimi.client).options(o).build());

    if (!refused) {
      assertThat(atBuild).as(rule).isNull();
      return;
    }
    // the same options on a call of a model without defaults
    Throwable atCall = catchThrowable(() -> kimi.model().call(new Prompt("Hello", o)));
    assertThat(atCall).as(rule).isNotNull();
    assertThat(atBuild).as(rule).isInstanceOf(atCall.getClass()).hasMessage(atCall.getMessage());
    assertThat(kimi.server.requestCount()).as("nothing sent").isZero();
  }

  @Test
  void theBuildSendsTheFieldsTheClientMarksDeliberateAsTheCallDoes() {
    KimiChatOptions o =
        KimiChatOptions.builder()
            .model("kimi-k3.1-pro")
            .thinking(Thinking.disabled())
            .extraBody(java.util.Map.of("seed", 42))
            .build();
    try (KimiClient marked =
        KimiClient.builder()
            .apiKey(FakeKimi.KEY)
            .baseUrl(kimi.server.baseUrl())
            .deliberateFields("seed", "thinking")
            .build()) {
      assertThatCode(() -> KimiChatModel.builder().kimiClient(marked).options(o).build())
          .doesNotThrowAnyException();
    }
    assertThat(
            catchThrowable(
                () -> KimiChatModel.builder().kimiClient(kimi.client).options(o).build()))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("(rule ignored-field)");
  }

  @Test
  void theBuildFollowsTheClientsSamplingPolicyAsTheCallDoes() {
    KimiChatOptions o = KimiChatOptions.builder().model("kimi-k3").temperature(0.3).build();
    try (KimiClient adapting =
        KimiClient.builder()
            .apiKey(FakeKimi.KEY)
            .baseUrl(kimi.server.baseUrl())
            .samplingPolicy(SamplingPolicy.ADAPT)
            .build()) {
      assertThatCode(() -> KimiChatModel.builder().kimiClient(adapting).options(o).build())
          .doesNotThrowAnyException();
    }
    assertThat(
            catchThrowable(
                () -> KimiChatModel.builder().kimiClient(kimi.client).options(o).build()))
        .isInstanceOf(PreflightException.class);
  }
}
