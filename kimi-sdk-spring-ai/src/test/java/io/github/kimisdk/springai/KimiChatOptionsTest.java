package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;

/** What ChatClient does with the options: copy them, lay a request's over the defaults. */
class KimiChatOptionsTest {

  @Test
  void mutateCopiesEveryOption() {
    KimiChatOptions options = EveryOption.everything();

    KimiChatOptions copy = options.mutate().build();

    assertThat(copy).isEqualTo(options).isNotSameAs(options).hasSameHashCodeAs(options);
    assertThat(copy.getToolCallbacks()).containsExactly(EveryOption.TOOL);
    assertThat(copy.getToolContext()).containsEntry("user", "ada");
    assertThat(copy.getThinking()).isEqualTo(Thinking.preserved());
    assertThat(copy.getPromptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
    assertThat(copy.getToolChoice()).isEqualTo(ToolChoice.required());
    assertThat(copy.getSafetyIdentifier()).isEqualTo("user-4f1c");
    assertThat(copy.getLogprobs()).isTrue();
    assertThat(copy.getTopLogprobs()).isEqualTo(3);
    assertThat(copy.getPrediction()).isEqualTo(Prediction.of("predicted"));
    assertThat(copy.getExtraBody()).containsEntry("seed", Json.parse("42"));
  }

  @Test
  void everyOptionTakesPartInEquality() {
    KimiChatOptions all = EveryOption.everything();
    List<KimiChatOptions> oneChanged =
        List.of(
            all.mutate().toolChoice(ToolChoice.auto()).build(),
            all.mutate().safetyIdentifier("other").build(),
            all.mutate().logprobs(false).build(),
            all.mutate().topLogprobs(1).build(),
            all.mutate().prediction(Prediction.of("other")).build(),
            all.mutate().extraBody(Map.of("seed", 7)).build());

    assertThat(oneChanged).allSatisfy(o -> assertThat(o).isNotEqualTo(all));
  }

  @Test
  void extraBodyFieldsMergeAndANullValueRemovesOne() {
    KimiChatOptions merged =
        EveryOption.everything()
            .mutate()
            .combineWith(
                KimiChatOptions.builder().extraBody(Map.of("user_tier", Json.parse("\"gold\""))))
            .build();
    java.util.Map<String, Object> removal = new java.util.HashMap<>();
    removal.put("seed", null);

    assertThat(merged.getExtraBody())
        .containsOnlyKeys("seed", "user_tier")
        .containsEntry("user_tier", Json.parse("\"gold\""));
    assertThat(merged.mutate().extraBody(removal).build().getExtraBody())
        .containsOnlyKeys("user_tier");
  }

  @Test
  void aRequestsOptionsReplaceTheDefaultsTheySetAndKeepTheOthers() {
    KimiChatOptions merged =
        EveryOption.everything()
            .mutate()
            .combineWith(KimiChatOptions.builder().reasoningEffort("low").maxTokens(7))
            .build();

    assertThat(merged.getReasoningEffort()).isEqualTo("low");
    assertThat(merged.getMaxTokens()).isEqualTo(7);
    assertThat(merged.getModel()).isEqualTo("kimi-k2.6");
    assertThat(merged.getPromptCacheKey()).isEqualTo("key");
    assertThat(merged.getThinking()).isEqualTo(Thinking.preserved());
  }

  @Test
  void portableOptionsCombineWithKimisDefaults() {
    KimiChatOptions merged =
        EveryOption.everything()
            .mutate()
            .combineWith(ChatOptions.builder().temperature(0.3))
            .build();

    assertThat(merged.getTemperature()).isEqualTo(0.3);
    assertThat(merged.getReasoningEffort()).isEqualTo("high");
  }

  @Test
  void theModelsDefaultsNameAModel() {
    try (KimiClient unused = KimiClient.builder().apiKey("sk-unused").build()) {
      KimiChatModel model = KimiChatModel.builder().kimiClient(unused).build();

      assertThat(model.getOptions().getModel()).isEqualTo(KimiChatOptions.DEFAULT_MODEL);
      assertThat(defaultOptions(model)).isSameAs(model.getOptions());
    }
  }

  @SuppressWarnings("removal") // what Spring AI 1 callers still call
  private static ChatOptions defaultOptions(KimiChatModel model) {
    return model.getDefaultOptions();
  }

  @Test
  void toStringNamesTheToolsNotTheirCallbacks() {
    assertThat(EveryOption.everything().toString())
        .startsWith("KimiChatOptions[model=kimi-k2.6")
        .contains("tools=[clock]")
        .contains("reasoningEffort=high")
        .contains("safetyIdentifier=(set)")
        .contains("extraBody=[seed]")
        .doesNotContain("user-4f1c")
        .doesNotContain("predicted");
  }
}
