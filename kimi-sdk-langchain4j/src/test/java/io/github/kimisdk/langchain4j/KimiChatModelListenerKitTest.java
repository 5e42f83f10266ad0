package io.github.kimisdk.langchain4j;

import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j's listener kit for a {@link ChatModel} ({@code AbstractChatModelListenerIT}) against
 * {@link KitServer}; the failing model asks for a model Kimi does not have (404).
 */
class KimiChatModelListenerKitTest extends AbstractChatModelListenerIT {

  private final KitServer kit = new KitServer();

  @AfterEach
  void closeServer() {
    kit.close();
  }

  @Override
  protected ChatModel createModel(ChatModelListener listener) {
    return kit.listened(listener)
        .temperature(temperature())
        .topP(topP())
        .maxTokens(maxTokens())
        .build();
  }

  @Override
  protected String modelName() {
    return KitServer.MODEL;
  }

  @Override
  protected ChatModel createFailingModel(ChatModelListener listener) {
    return kit.listened(listener).modelName(KitServer.MISSING_MODEL).build();
  }

  @Override
  protected Class<? extends Exception> expectedExceptionClass() {
    return ModelNotFoundException.class;
  }
}
