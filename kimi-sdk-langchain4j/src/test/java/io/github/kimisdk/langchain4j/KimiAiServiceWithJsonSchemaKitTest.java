package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.common.AbstractAiServiceWithJsonSchemaIT;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * LangChain4j's AiServices suite with JSON schemas ({@code AbstractAiServiceWithJsonSchemaIT}), run
 * on kimi-k3 with thinking as it comes and with thinking off, against the fake answering the
 * suite's prompts ({@link AiServiceAnswers}). The switches and their reasons are in the module's
 * README.
 */
class KimiAiServiceWithJsonSchemaKitTest extends AbstractAiServiceWithJsonSchemaIT {

  private final KitServer kit = new KitServer(new AiServiceAnswers());

  @AfterAll
  void closeServer() {
    kit.close();
  }

  /** Kimi takes recursive schemas: {@code $defs} at the root, {@code #/$defs/<name>} references. */
  @Override
  protected boolean supportsRecursion() {
    return true;
  }

  @Override
  protected List<ChatModel> models() {
    return KitServer.thinkingModes().stream().map(t -> (ChatModel) kit.chat(t).build()).toList();
  }
}
