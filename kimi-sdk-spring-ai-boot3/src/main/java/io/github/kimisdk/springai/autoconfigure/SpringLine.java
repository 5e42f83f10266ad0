package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.springai.KimiChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.BeanFactory;

/** The Spring line this jar is built for, and what the shared auto-configuration asks of it. */
final class SpringLine {

  /** Spring Boot 3.5 with Spring AI 1.1. */
  static final SpringLines BUILT_FOR = SpringLines.BOOT3;

  private SpringLine() {}

  /**
   * A builder of the auto-configured chat model, with what this line's model takes from the
   * application's beans: on Spring AI 1 the model runs the tools, with the application's {@link
   * ToolCallingManager} (Spring AI's tool-calling auto-configuration makes one, which also finds
   * tools by their bean names) when it has one.
   */
  static KimiChatModel.Builder chatModel(BeanFactory beans) {
    KimiChatModel.Builder builder = KimiChatModel.builder();
    ToolCallingManager tools = beans.getBeanProvider(ToolCallingManager.class).getIfUnique();
    return tools == null ? builder : builder.toolCallingManager(tools);
  }
}
