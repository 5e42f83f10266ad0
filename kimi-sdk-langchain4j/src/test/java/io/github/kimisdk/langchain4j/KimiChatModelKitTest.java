package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * LangChain4j's own test kit for a {@link ChatModel} ({@code AbstractChatModelIT}), run on kimi-k3
 * with thinking as it comes and with thinking off, against {@link KitServer}. The capability
 * switches and their reasons are in the module's README ("LangChain4j's test kit").
 */
class KimiChatModelKitTest extends AbstractChatModelIT {

  final KitServer kit = kit();

  /** The fake the kit runs against, and how the models reach it. */
  KitServer kit() {
    return new KitServer();
  }

  @AfterAll
  void closeServer() {
    kit.close();
  }

  @Override
  protected List<ChatModel> models() {
    return KitServer.thinkingModes().stream().map(t -> (ChatModel) kit.chat(t).build()).toList();
  }

  @Override
  protected ChatModel createModelWith(ChatRequestParameters parameters) {
    return kit.chatWith(parameters);
  }

  @Override
  protected String customModelName() {
    return KitServer.OTHER_MODEL;
  }

  @Override
  protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
    return KimiChatRequestParameters.builder().maxCompletionTokens(maxOutputTokens).build();
  }

  @Override
  protected int maxOutputTokens() {
    return KitServer.MAX_OUTPUT_TOKENS;
  }

  /**
   * Turns on the 1.20 kit's {@code should_chat_asynchronously}: the model implements {@code
   * doChatAsync}. Not marked {@code @Override}, since the 1.19 kit (under {@code -P
   * langchain4j-oldest}) has no such switch.
   */
  protected boolean supportsChatAsync() {
    return true;
  }

  @Override
  protected boolean supportsSingleImageInputAsPublicURL() {
    return false; // Kimi reads images as base64 or uploaded files only (README)
  }

  @Override
  protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(ChatModel model) {
    return KimiChatResponseMetadata.class;
  }

  @Override
  protected Class<? extends TokenUsage> tokenUsageType(ChatModel model) {
    return KimiTokenUsage.class;
  }
}
