package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.common.AbstractStreamingAiServiceIT;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * LangChain4j's streaming AiServices suite ({@code AbstractStreamingAiServiceIT}), run on kimi-k3
 * with thinking as it comes and with thinking off, against the fake answering the suite's prompts
 * ({@link AiServiceAnswers}). The switches and their reasons are in the module's README.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KimiStreamingAiServiceKitTest extends AbstractStreamingAiServiceIT {

  private final KitServer kit = new KitServer(new AiServiceAnswers());

  @AfterAll
  void closeServer() {
    kit.close();
  }

  @Override
  protected List<StreamingChatModel> models() {
    return KitServer.thinkingModes().stream()
        .map(t -> (StreamingChatModel) kit.streaming(t).build())
        .toList();
  }

  @Override
  protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(
      StreamingChatModel model) {
    return KimiChatResponseMetadata.class;
  }

  @Override
  protected Class<? extends TokenUsage> tokenUsageType(StreamingChatModel model) {
    return KimiTokenUsage.class;
  }
}
