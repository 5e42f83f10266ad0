package io.github.kimisdk.langchain4j;

import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import org.junit.jupiter.api.AfterEach;

/**
 * LangChain4j's listener kit for a {@link StreamingChatModel} ({@code
 * AbstractStreamingChatModelListenerIT}) against {@link KitServer}; the failing model asks for a
 * model Kimi does not have (404).
 */
class KimiStreamingChatModelListenerKitTest extends AbstractStreamingChatModelListenerIT {

  private final KitServer kit = new KitServer();

  @AfterEach
  void closeServer() {
    kit.close();
  }

  @Override
  protected StreamingChatModel createModel(ChatModelListener listener) {
    return kit.listenedStreaming(listener)
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
  protected StreamingChatModel createFailingModel(ChatModelListener listener) {
    return kit.listenedStreaming(listener).modelName(KitServer.MISSING_MODEL).build();
  }

  @Override
  protected Class<? extends Exception> expectedExceptionClass() {
    return ModelNotFoundException.class;
  }
}
