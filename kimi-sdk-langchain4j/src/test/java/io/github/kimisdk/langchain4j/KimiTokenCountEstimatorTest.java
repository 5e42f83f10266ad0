package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Token counts on Kimi's own vocabulary (the build points {@code KIMI_TOKENIZER_VOCAB} at the SDK's
 * copy): text exactly as Moonshot's tokenizer counts it (goldens from the SDK's tokenizer tests),
 * messages with the template tokens the SDK counts for the same messages.
 */
class KimiTokenCountEstimatorTest {

  private final KimiTokenCountEstimator tokens = new KimiTokenCountEstimator();
  private final RequestTokens sdk = RequestTokens.exact(KimiTokenizer.standard());

  @Test
  void countsTextExactly() {
    assertThat(tokens.estimateTokenCountInText("The quick brown fox jumps over the lazy dog."))
        .isEqualTo(10);
    assertThat(tokens.estimateTokenCountInText("你好，世界！我是 Kimi K3。")).isEqualTo(10);
    assertThat(tokens.estimateTokenCountInText("")).isZero();
  }

  @Test
  void countsAMessageWithItsTemplateTokens() {
    int text = tokens.estimateTokenCountInText("What is the capital of Germany?");
    int user =
        tokens.estimateTokenCountInMessage(UserMessage.from("What is the capital of Germany?"));
    // <|im_user|> user <|im_middle|> ... <|im_end|>
    assertThat(user).isEqualTo(text + 4);
    AiMessage call =
        AiMessage.builder()
            .thinking("The user wants the weather.")
            .toolExecutionRequests(
                List.of(
                    ToolExecutionRequest.builder()
                        .id("get_weather:0")
                        .name("get_weather")
                        .arguments("{\"city\":\"Paris\"}")
                        .build()))
            .build();
    assertThat(tokens.estimateTokenCountInMessage(call))
        .isEqualTo(
            sdk.countMessage(
                Message.assistant(
                    null,
                    "The user wants the weather.",
                    List.of(
                        ToolCall.function(
                            "get_weather:0", "get_weather", "{\"city\":\"Paris\"}")))));
  }

  @Test
  void countsMessagesAsAPromptOfTheirOwn() {
    List<ChatMessage> conversation =
        List.of(SystemMessage.from("Be brief."), UserMessage.from("Hi"), AiMessage.from("Hello!"));
    int each = 0;
    for (ChatMessage m : conversation) {
      each += tokens.estimateTokenCountInMessage(m);
    }
    int prompt = tokens.estimateTokenCountInMessages(conversation);
    // plus the generation prompt: <|im_assistant|> assistant <|im_middle|>
    assertThat(prompt).isEqualTo(each + 3);
    assertThat(prompt)
        .isEqualTo(
            sdk.count(
                List.of(
                    Message.system("Be brief."), Message.user("Hi"), Message.assistant("Hello!"))));
  }
}
