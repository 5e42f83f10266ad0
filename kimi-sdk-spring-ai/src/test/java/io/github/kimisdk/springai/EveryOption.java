package io.github.kimisdk.springai;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.tool.ToolChoice;
import java.util.List;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/** Options with every setting {@link KimiChatOptions} has, and the tool they declare. */
final class EveryOption {
  private EveryOption() {}

  /** The one tool the options declare. */
  static final ToolCallback TOOL =
      new ToolCallback() {
        @Override
        public ToolDefinition getToolDefinition() {
          return ToolDefinition.builder()
              .name("clock")
              .description("Tells the time")
              .inputSchema("{\"type\":\"object\",\"properties\":{}}")
              .build();
        }

        @Override
        public String call(String toolInput) {
          return "noon";
        }
      };

  /** Every option set, as a prompt's options after ChatClient merged them. */
  static KimiChatOptions everything() {
    return KimiChatOptions.builder()
        .model("kimi-k2.6")
        .temperature(0.5)
        .topP(0.8)
        .maxTokens(100)
        .stopSequences(List.of("END"))
        .frequencyPenalty(0.1)
        .presencePenalty(0.2)
        .toolCallbacks(TOOL)
        .toolContext(Map.of("user", "ada"))
        .thinking(Thinking.preserved())
        .reasoningEffort("high")
        .promptCacheKey("key")
        .promptCacheTtl(CacheTtl.ONE_HOUR)
        .responseFormat(ResponseFormat.jsonObject())
        .toolChoice(ToolChoice.required())
        .safetyIdentifier("user-4f1c")
        .logprobs(true)
        .topLogprobs(3)
        .prediction(Prediction.of("predicted"))
        .extraBody(Map.of("seed", 42))
        .build();
  }
}
