package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelInfoTest {

  static final ModelCatalog CATALOG = ModelCatalog.defaults();

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
  void dynamicToolsAreForKimiK3Only() {
    ChatRequest.Builder b =
        ChatRequest.builder("m")
            .addUser("hi")
            .addMessage(Message.tools(new FunctionTool("get_time", null, null, null)));
    for (String k3 : List.of("kimi-k3", "k3", "k3-256k")) {
      assertThat(CATALOG.lookup(k3).problems(b.model(k3).build())).as(k3).isEmpty();
      assertThat(CATALOG.lookup(k3).dynamicTools()).isTrue();
    }
    assertThat(CATALOG.lookup("kimi-k2.6").problems(b.model("kimi-k2.6").build()))
        .containsExactly(
            "kimi-k2.6 does not take tools declared in system messages (kimi-k3's dynamic tools;"
                + " other models answer \"tokenization failed\"); declare them in the request's"
                + " tools, or use kimi-k3");
    assertThat(CATALOG.lookup("my-proxy").problems(b.model("my-proxy").build()))
        .as("a model the catalog does not know is not refused")
        .isEmpty();
  }

  @Test
  void anOutputCapOverTheModelsLargestOutputIsAProblemBeforeSending() {
    ModelInfo small = ModelInfo.builder("small").contextWindow(8_192).build();
    ChatRequest.Builder b = ChatRequest.builder("small").addUser("hi");
    assertThat(small.problems(b.maxCompletionTokens(8_192).build())).isEmpty();
    assertThat(small.problems(b.maxCompletionTokens(8_193).build()))
        .containsExactly(
            "maxCompletionTokens 8193 is over small's largest output, 8192 tokens (its context"
                + " window is 8192); lower it, or leave it unset for the model's default");
    assertThat(
            ModelInfo.unknown("proxy")
                .problems(b.model("proxy").maxCompletionTokens(1 << 20).build()))
        .as("a model the catalog does not know is not refused")
        .isEmpty();
  }

  @Test
  void kimiK3ThinksUnlessThinkingIsDisabled() {
    ModelInfo k3 = CATALOG.lookup("kimi-k3");
    assertThat(k3.thinking()).isEqualTo(ModelInfo.ThinkingSupport.SWITCHABLE);
    assertThat(k3.thinksWith(null)).isTrue();
    assertThat(k3.thinksWith(Thinking.disabled())).isFalse();
    ChatRequest off =
        ChatRequest.builder("kimi-k3").addUser("hi").thinking(Thinking.disabled()).build();
    assertThat(k3.problems(off)).as("K3's contract accepts thinking disabled").isEmpty();
    ChatRequest both =
        ChatRequest.builder("kimi-k3")
            .addUser("hi")
            .thinking(Thinking.preserved().withEffort("low"))
            .reasoningEffort("max")
            .build();
    assertThat(k3.problems(both)).as("thinking.effort wins; both may be sent").isEmpty();
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
    assertThat(CATALOG.lookup("kimi-k3").thinksWith(Thinking.disabled())).isFalse();
    assertThat(CATALOG.lookup("kimi-k2.7-code").thinksWith(Thinking.disabled())).isTrue();
    assertThat(CATALOG.lookup("moonshot-v1-8k").thinksWith(Thinking.enabled())).isFalse();
  }

  @Test
  void anUnknownModelsWindowIsAssumedUntilOneIsSet() {
    ModelInfo u = ModelInfo.unknown("my-proxy");
    assertThat(u.known()).isFalse();
    assertThat(u.windowKnown()).isFalse();
    assertThat(u.toString()).endsWith(", unknown, window assumed]");
    ModelInfo sized = u.withContextWindow(32_000);
    assertThat(sized.known()).isFalse();
    assertThat(sized.windowKnown()).isTrue();
    assertThat(sized.toBuilder().build()).isEqualTo(sized);
    assertThat(u.toBuilder().build()).isEqualTo(u).isNotEqualTo(sized.withContextWindow(131_072));
    assertThat(ModelInfo.builder("mine").build().windowKnown()).isTrue();
    assertThat(CATALOG.lookup("kimi-k3.1-pro").windowKnown()).isTrue();
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
