package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.springai.KimiChatModel;
import org.springframework.beans.factory.BeanFactory;

/** The Spring line this jar is built for, and what the shared auto-configuration asks of it. */
final class SpringLine {

  /** Spring Boot 4 with Spring AI 2. */
  static final SpringLines BUILT_FOR = SpringLines.BOOT4;

  private SpringLine() {}

  /**
   * A builder of the auto-configured chat model, with what this line's model takes from the
   * application's beans: on Spring AI 2, nothing (the model runs no tools; {@code ChatClient}'s
   * tool-calling advisor does).
   */
  static KimiChatModel.Builder chatModel(BeanFactory beans) {
    return KimiChatModel.builder();
  }
}
